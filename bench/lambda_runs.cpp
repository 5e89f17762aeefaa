#include "bench/lambda_runs.hpp"

#include "bench/proc_status.hpp"
#include "support/read_file.hpp"

#include <csignal>
#include <stdexcept>

namespace pyfun::bench {

std::string hello_python_event(bench_config const& config)
{
    auto const path = config.events_dir + "/http_api_get_hello_python.json";
    auto text = test::read_file_or_empty(path);
    if (text.empty())
        throw std::runtime_error("cannot read " + path);
    return text;
}

std::vector<std::string> lambda_environment(bench_config const& config, test::fake_runtime_api const& api)
{
    return { "AWS_LAMBDA_RUNTIME_API=" + api.address(), "PYFUN_LESSONS=" + config.lessons() };
}

cold_run cold_invocation(bench_config const& config,
                         test::fake_runtime_api& api,
                         std::string const& program,
                         std::string const& event)
{
    auto const environment = lambda_environment(config, api);
    auto const id = api.enqueue(event); // waiting before the process starts, as in a cold invocation
    auto const asked = api.next_requests();
    auto const started = std::chrono::steady_clock::now();
    spawned_process child{ program, { "router" }, environment, child_output::discard };
    auto const posted = api.wait_for_result(id, std::chrono::seconds{ 30 });
    cold_run out;
    if (posted && api.wait_for_next_requests(asked + 2, std::chrono::seconds{ 10 }))
        out.peak_rss_kb = read_memory(child.pid()).peak;
    out.cpu_ms = child.stop(SIGKILL).cpu_ms;
    if (!posted)
        out.error = program + " posted no answer within 30 s";
    else if (posted->kind != "response" || posted->body.find("\"statusCode\":200") == std::string::npos)
        out.error = program + " answered " + posted->kind + ": " + posted->body.substr(0, 200);
    else
        out.millis = std::chrono::duration<double, std::milli>(posted->received - started).count();
    return out;
}

} // namespace pyfun::bench
