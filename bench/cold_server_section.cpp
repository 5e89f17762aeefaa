// Server-mode cold start: spawn to the first answered GET /stage (a new connection right after the start-up
// banner), for pyfun-server over plain HTTP and over TLS, against the hello server's spawn to first answer.

#include "bench/load_generator.hpp"
#include "bench/sections.hpp"
#include "bench/servers.hpp"

#include <csignal>
#include <functional>

namespace pyfun::bench {
namespace {

struct series {
    std::vector<double> millis;
    std::size_t errors = 0;
    std::string first_error;
};

void measure(std::function<running_server()> const& start, bool tls, series& into)
{
    auto const started = std::chrono::steady_clock::now();
    auto server = start();
    load_options options;
    options.port = server.port;
    options.tls = tls;
    options.requests = 1;
    options.mix = { { "GET", "/stage", {}, {} } };
    auto const result = run_load(options);
    server.process->stop(SIGKILL);
    if (!result.first_success) {
        if (into.errors++ == 0)
            into.first_error = result.first_error;
        return;
    }
    into.millis.push_back(std::chrono::duration<double, std::milli>(*result.first_success - started).count());
}

} // namespace

void cold_server_section(bench_config const& config, report& out)
{
    auto& section = out.add_section("cold_server",
                                    "cold start, server mode: spawn to the first answered GET /stage, " +
                                      std::to_string(config.server_spawns) + " spawns");
    prepare_client_tls();
    series hello, plain, tls;
    for (std::size_t i = 0; i < config.server_spawns; ++i) {
        measure([&] { return start_hello_server(config); }, false, hello);
        measure([&] { return start_pyfun_server(config, false); }, false, plain);
        measure([&] { return start_pyfun_server(config, true); }, true, tls);
    }
    auto const baseline = summarize(hello.millis);
    auto hello_row = spread_row("hello server (plain HTTP)", baseline, "ms");
    hello_row.errors = hello.errors;
    section.rows.push_back(hello_row);
    for (auto const& [name, s] :
         { std::pair{ "pyfun-server, plain HTTP", &plain }, std::pair{ "pyfun-server, TLS", &tls } }) {
        auto const spread = summarize(s->millis);
        auto r = spread_row(name, spread, "ms");
        if (baseline.median > 0)
            r.ratio = spread.median / baseline.median;
        r.ratio_of = "median / hello median";
        r.errors = s->errors;
        section.rows.push_back(r);
    }
    for (auto const* s : { &hello, &plain, &tls })
        if (!s->first_error.empty())
            section.notes.push_back(s->first_error);
}

} // namespace pyfun::bench
