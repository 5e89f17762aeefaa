#pragma once
// Lambda-mode runs against the fake Runtime API: the event every run answers (an HTTP API v2
// GET /stage/basics/hello_python), the environment a runtime gets, and one cold invocation.

#include "bench/bench_config.hpp"
#include "bench/spawned_process.hpp"
#include "support/fake_runtime_api.hpp"

#include <optional>
#include <string>
#include <vector>

namespace pyfun::bench {

std::string hello_python_event(bench_config const& config);

// AWS_LAMBDA_RUNTIME_API of `api`, PYFUN_LESSONS of `config`.
std::vector<std::string> lambda_environment(bench_config const& config, test::fake_runtime_api const& api);

struct cold_run {
    std::optional<double> millis; // posix_spawn to the answer received by the fake; nullopt: no 200 answer
    long peak_rss_kb = 0;         // VmHWM once it asked for its next invocation (start + one invocation)
    double cpu_ms = 0;            // user + system time of the whole process (killed while idle)
    std::string error;
};

// Queues `event`, spawns `program router` (the clock starts just before posix_spawn), waits for its answer
// and for its next /next request, then kills it.
cold_run cold_invocation(bench_config const& config,
                         test::fake_runtime_api& api,
                         std::string const& program,
                         std::string const& event);

} // namespace pyfun::bench
