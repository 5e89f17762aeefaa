#include "bench/load_rows.hpp"

#include "bench/servers.hpp"

namespace pyfun::bench {

row load_row(std::string figure, load_result const& result, std::size_t kind)
{
    auto const latency = summarize(result.latencies_ms.at(kind));
    row out;
    out.figure = std::move(figure);
    out.values = { { "req/s", result.requests_per_second() },
                   { "p50 ms", latency.median },
                   { "p99 ms", latency.p99 } };
    out.errors = result.errors;
    return out;
}

double megabytes(long kb)
{
    return static_cast<double>(kb) / 1024.0;
}

load_request lesson_get()
{
    return { "GET", "/stage/basics/hello_python", {}, "\"success\":true" };
}

load_request lesson_verify(bench_config const& config)
{
    return { "POST",
             "/stage/basics/hello_python",
             solution_body(config, "basics/s1_hello_python.json"),
             accepted_marker };
}

} // namespace pyfun::bench
