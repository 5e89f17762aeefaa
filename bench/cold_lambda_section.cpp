// Lambda-mode cold start: bootstrap and the floor client, spawned in turn against one fake Runtime API, each
// answering one queued GET /stage/basics/hello_python event.

#include "bench/lambda_runs.hpp"
#include "bench/sections.hpp"

namespace pyfun::bench {
namespace {

struct series {
    std::vector<double> millis;
    std::vector<double> peak_mb;
    std::vector<double> cpu_ms;
    std::size_t errors = 0;
    std::string first_error;

    void add(cold_run const& run)
    {
        if (!run.millis) {
            if (errors++ == 0)
                first_error = run.error;
            return;
        }
        millis.push_back(*run.millis);
        peak_mb.push_back(static_cast<double>(run.peak_rss_kb) / 1024.0);
        cpu_ms.push_back(run.cpu_ms);
    }
};

} // namespace

void cold_lambda_section(bench_config const& config, report& out)
{
    auto& section = out.add_section("cold_lambda",
                                    "cold start, Lambda mode: spawn to response, " +
                                      std::to_string(config.spawns) + " spawns");
    auto const event = hello_python_event(config);
    test::fake_runtime_api api;
    series floor, bootstrap;
    // Interleaved, so both see the same noise of this shared machine.
    for (std::size_t i = 0; i < config.spawns; ++i) {
        floor.add(cold_invocation(config, api, config.binary("pyfun-bench-runtime-floor"), event));
        bootstrap.add(cold_invocation(config, api, config.binary("bootstrap"), event));
    }
    // Each figure of bootstrap against the same figure of the floor client: median / median.
    auto const add = [&](std::string const& what,
                         std::vector<double> series::*values,
                         std::string const& unit,
                         std::string const& target) {
        auto const base = summarize(floor.*values);
        auto floor_row = spread_row("runtime floor client, " + what, base, unit);
        floor_row.errors = values == &series::millis ? floor.errors : 0;
        section.rows.push_back(floor_row);
        auto const measured = summarize(bootstrap.*values);
        auto boot_row = spread_row("bootstrap router, " + what, measured, unit);
        if (base.median > 0)
            boot_row.ratio = measured.median / base.median;
        boot_row.ratio_of = "median / floor median";
        boot_row.target = target;
        boot_row.errors = values == &series::millis ? bootstrap.errors : 0;
        section.rows.push_back(boot_row);
    };
    add("spawn to response", &series::millis, "ms", "<= 2");
    add("peak RSS (VmHWM)", &series::peak_mb, "MB", "");
    add("CPU time (user+sys)", &series::cpu_ms, "ms", "");
    for (auto const* s : { &floor, &bootstrap })
        if (!s->first_error.empty())
            section.notes.push_back(s->first_error);
}

} // namespace pyfun::bench
