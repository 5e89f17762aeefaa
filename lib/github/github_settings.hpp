#pragma once
// Settings of the github: lesson source, the clocks it reads and where it logs. Every setting has a
// PYFUN_GITHUB_* variable; the token and the webhook secret come from the environment only and are never
// logged.

#include "lib/http_client/https_client.hpp"
#include "lib/source_spec.hpp"

#include <boost/system/result.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace pyfun::github {

struct github_settings {
    std::string api_base = "https://api.github.com";  // GitHub Enterprise: https://HOST/api/v3
    std::string token;                                // PYFUN_GITHUB_TOKEN or GITHUB_TOKEN; empty: anonymous
    std::string webhook_secret;                       // PYFUN_GITHUB_WEBHOOK_SECRET; empty: webhook off
    std::string user_agent = "pyfun/0.1";
    std::size_t cache_bytes = 64 * 1024 * 1024;  // lesson files kept, parsed, in the byte-bounded LRU
    std::size_t max_file_bytes = 1024 * 1024;    // larger lesson files are reported, not fetched
    // The ref -> commit answer is fresh for ref_ttl; then, for stale_while_revalidate more, it is served
    // while one background request revalidates it; after that readers wait for the revalidation, and if it
    // fails the old commit is still served until ref_ttl + stale_if_error.
    std::chrono::milliseconds ref_ttl{60'000};
    std::chrono::milliseconds stale_while_revalidate{10 * 60'000};
    std::chrono::milliseconds stale_if_error{24 * 60 * 60'000};
    std::chrono::milliseconds negative_ttl{5'000};   // a failed read is not retried upstream before this
    std::chrono::milliseconds wait_timeout{10'000};  // the longest one reader waits on upstream
    unsigned fetch_concurrency = 8;                  // lesson files fetched at once to build the stage list
    http_client::client_options http;                // ca_file: PYFUN_GITHUB_CA_FILE
};

// Reads PYFUN_GITHUB_API, PYFUN_GITHUB_CA_FILE, PYFUN_GITHUB_TOKEN (else GITHUB_TOKEN),
// PYFUN_GITHUB_WEBHOOK_SECRET, PYFUN_GITHUB_CACHE_BYTES and PYFUN_GITHUB_REF_TTL_MS through `env`.
// The error names the variable holding a bad value (never the value of a secret).
using env_lookup = std::function<std::optional<std::string>(std::string const& name)>;
boost::system::result<github_settings, core::source_error> github_settings_from_env(env_lookup const& env);

// The source's notion of time, replaceable in tests: TTLs, negative caching and the rate-limit breaker read
// these; waiting itself always uses real timers.
struct github_clock {
    std::function<std::chrono::steady_clock::time_point()> steady_now = [] {
        return std::chrono::steady_clock::now();
    };
    std::function<std::chrono::system_clock::time_point()> system_now = [] {
        return std::chrono::system_clock::now();
    };
};

// Receives one JSON log line (no newline) per notable event: upstream failures, a new commit, the breaker.
using log_sink = std::function<void(std::string_view line)>;
void log_to_stderr(std::string_view line);

}  // namespace pyfun::github
