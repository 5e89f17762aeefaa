#pragma once
// The servers a section measures, started as child processes on 127.0.0.1 with an ephemeral port read from
// their start-up banner: pyfun-server (plain HTTP or TLS, the bundled lessons) and the hello baseline. Their
// output is drained after the banner, so a server writing an access-log line per request never blocks.

#include "bench/bench_config.hpp"
#include "bench/spawned_process.hpp"

#include <memory>
#include <string>
#include <vector>

namespace pyfun::bench {

struct running_server {
    std::unique_ptr<spawned_process> process;
    unsigned short port = 0;
};

// Throws std::runtime_error (with the server's output) when no banner appears in time. `extra`: more flags.
running_server start_pyfun_server(bench_config const& config, bool tls, std::vector<std::string> const& extra = {});
running_server start_hello_server(bench_config const& config);

// {"answer": <the lesson file's "solution">}: the right answer for a verify POST.
std::string solution_body(bench_config const& config, std::string const& lesson_file);

// The text a correct verify answer holds.
inline constexpr char const* accepted_marker = "\"result\":true";

} // namespace pyfun::bench
