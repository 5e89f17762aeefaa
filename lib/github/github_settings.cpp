#include "github_settings.hpp"

#include "lib/http_client/url.hpp"

#include <charconv>
#include <cstdint>
#include <iostream>

namespace pyfun::github {
namespace {

std::optional<std::uint64_t> parse_number(std::string const& text, std::uint64_t min, std::uint64_t max)
{
    std::uint64_t value = 0;
    auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value < min || value > max)
        return std::nullopt;
    return value;
}

}  // namespace

boost::system::result<github_settings, core::source_error> github_settings_from_env(env_lookup const& env)
{
    github_settings settings;
    if (auto api = env("PYFUN_GITHUB_API"); api && !api->empty()) {
        while (api->ends_with('/'))
            api->pop_back();
        // parse_url also refuses user info: credentials belong in the token, never in a URL shown by /healthz.
        if (!http_client::parse_url(*api))
            return core::source_error{
                "PYFUN_GITHUB_API must be an http(s) URL such as https://api.github.com"};
        settings.api_base = *api;
    }
    if (auto ca = env("PYFUN_GITHUB_CA_FILE"))
        settings.http.ca_file = *ca;
    if (auto token = env("PYFUN_GITHUB_TOKEN"); token && !token->empty())
        settings.token = *token;
    else if (auto fallback = env("GITHUB_TOKEN"))
        settings.token = *fallback;
    if (settings.token.find_first_of("\r\n") != std::string::npos)
        return core::source_error{"the GitHub token contains a line break"};
    if (auto secret = env("PYFUN_GITHUB_WEBHOOK_SECRET"))
        settings.webhook_secret = *secret;
    if (auto bytes = env("PYFUN_GITHUB_CACHE_BYTES")) {
        auto const value = parse_number(*bytes, 0, std::uint64_t{1} << 40);
        if (!value)
            return core::source_error{"PYFUN_GITHUB_CACHE_BYTES must be a number of bytes"};
        settings.cache_bytes = static_cast<std::size_t>(*value);
    }
    if (auto ttl = env("PYFUN_GITHUB_REF_TTL_MS")) {
        auto const value = parse_number(*ttl, 0, 24ull * 60 * 60 * 1000);
        if (!value)
            return core::source_error{"PYFUN_GITHUB_REF_TTL_MS must be a number of milliseconds up to a day"};
        settings.ref_ttl = std::chrono::milliseconds{static_cast<std::int64_t>(*value)};
    }
    return settings;
}

void log_to_stderr(std::string_view line)
{
    std::cerr << line << '\n';
}

}  // namespace pyfun::github
