// Throughput: the hello server, cached lesson GETs and verify POSTs of pyfun-server (plain HTTP) at each
// concurrency, each run a fixed number of requests on kept-alive connections; pyfun-server's RSS around it.
// With --wrk, wrk (when installed) measures the two GETs again, as a cross-check of our generator.

#include "bench/load_rows.hpp"
#include "bench/sections.hpp"
#include "bench/servers.hpp"
#include "bench/wrk_run.hpp"

#include <algorithm>

namespace pyfun::bench {
namespace {

void add_wrk_rows(std::string const& wrk,
                  std::chrono::seconds duration,
                  unsigned short hello_port,
                  unsigned short server_port,
                  std::size_t connections,
                  section_report& section)
{
    auto const label = ", c=" + std::to_string(connections);
    auto const hello =
      run_wrk(wrk, "http://127.0.0.1:" + std::to_string(hello_port) + "/", connections, duration);
    auto const get = run_wrk(
      wrk, "http://127.0.0.1:" + std::to_string(server_port) + lesson_get().target, connections, duration);
    if (!hello || !get) {
        section.notes.push_back("wrk" + label + ": no report to read");
        return;
    }
    for (auto const* result : { &*hello, &*get }) {
        row r;
        r.figure =
          std::string{ result == &*hello ? "wrk: hello server GET" : "wrk: GET /stage/basics/hello_python" } +
          label;
        r.values = { { "req/s", result->requests_per_second },
                     { "p50 ms", result->p50_ms },
                     { "p99 ms", result->p99_ms } };
        r.errors = result->errors;
        if (result == &*get) {
            r.ratio = get->requests_per_second / std::max(hello->requests_per_second, 1e-9);
            r.ratio_of = "req/s / wrk hello req/s";
        }
        section.rows.push_back(r);
    }
}

} // namespace

void load_section(bench_config const& config, report& out)
{
    auto& section = out.add_section("load",
                                    "load: " + std::to_string(config.requests) + " GETs and " +
                                      std::to_string(config.verify_requests) +
                                      " verify POSTs (at least one per connection) per concurrency");
    auto hello = start_hello_server(config);
    auto server = start_pyfun_server(config, false);
    auto const verify = lesson_verify(config);
    auto const wrk = config.wrk.count() > 0 ? find_wrk() : std::nullopt;
    if (config.wrk.count() > 0 && !wrk)
        section.notes.push_back("--wrk: wrk is not installed, its rows are left out");
    for (auto const connections : config.concurrency) {
        auto const label = ", c=" + std::to_string(connections);
        load_options options;
        options.connections = connections;
        options.requests = config.requests;

        options.port = hello.port;
        options.mix = { { "GET", "/", {}, {} } };
        auto const baseline = run_load(options);
        section.rows.push_back(load_row("hello server GET" + label, baseline));

        auto const before = read_memory(server.process->pid());
        options.port = server.port;
        options.mix = { lesson_get() };
        auto const get = run_load(options);
        auto get_row = load_row("GET /stage/basics/hello_python" + label, get);
        get_row.ratio = get.requests_per_second() / std::max(baseline.requests_per_second(), 1e-9);
        get_row.ratio_of = "req/s / hello req/s";
        if (connections == 64)
            get_row.target = ">= 0.7";
        section.rows.push_back(get_row);

        options.mix = { verify };
        options.requests = std::max(config.verify_requests, connections);
        auto const posts = run_load(options);
        auto post_row = load_row("verify POST hello_python" + label, posts);
        post_row.ratio = posts.requests_per_second() / std::max(baseline.requests_per_second(), 1e-9);
        post_row.ratio_of = "req/s / hello req/s";
        section.rows.push_back(post_row);
        auto const after = read_memory(server.process->pid());

        row memory;
        memory.figure = "pyfun-server RSS" + label;
        memory.values = { { "before", megabytes(before.rss) },
                          { "after", megabytes(after.rss) },
                          { "peak (VmHWM)", megabytes(after.peak) } };
        memory.unit = "MB";
        if (before.rss > 0)
            memory.ratio = static_cast<double>(after.rss) / static_cast<double>(before.rss);
        memory.ratio_of = "after / before";
        section.rows.push_back(memory);
        if (wrk)
            add_wrk_rows(*wrk, config.wrk, hello.port, server.port, connections, section);
        for (auto const* result : { &baseline, &get, &posts })
            if (!result->first_error.empty())
                section.notes.push_back(result->first_error);
    }
}

} // namespace pyfun::bench
