// Verify latency at concurrency 1 against the interpreter floor: `python3 -I -S -c pass` spawned and waited
// for (the same interpreter the server finds), then verify POSTs of a std-validator lesson (one interpreter
// start each at best) and of a runtime-validator lesson (two starts at best).

#include "bench/load_rows.hpp"
#include "bench/sections.hpp"
#include "bench/servers.hpp"
#include "bench/spawned_process.hpp"

#include "lib/runner.hpp"

#include <stdexcept>

namespace pyfun::bench {
namespace {

std::vector<double> interpreter_floor(std::string const& python, std::size_t runs, std::size_t& errors)
{
    std::vector<double> millis;
    for (std::size_t i = 0; i < runs; ++i) {
        auto const started = std::chrono::steady_clock::now();
        spawned_process child{ python, { "-I", "-S", "-c", "pass" }, {}, child_output::discard };
        if (child.wait().status != 0) {
            ++errors;
            continue;
        }
        millis.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count());
    }
    return millis;
}

} // namespace

void verify_section(bench_config const& config, report& out)
{
    auto& section = out.add_section(
      "verify", "verify latency at concurrency 1, " + std::to_string(config.floor_runs) + " runs each");
    auto const python = core::find_interpreter();
    if (!python)
        throw std::runtime_error("no python3 found (the server would not find one either)");
    std::size_t floor_errors = 0;
    auto const floor = summarize(interpreter_floor(python->string(), config.floor_runs, floor_errors));
    auto floor_row = spread_row("python3 -I -S -c pass (" + python->string() + ")", floor, "ms");
    floor_row.errors = floor_errors;
    section.rows.push_back(floor_row);

    auto server = start_pyfun_server(config, false);
    load_options options;
    options.port = server.port;
    options.requests = config.floor_runs;
    struct lesson_case {
        std::string figure;
        load_request request;
        double target; // ratio to the floor: 1.5 per interpreter start the verify needs
    };
    std::vector<lesson_case> const cases{
        { "verify std-validator (basics/hello_python)", lesson_verify(config), 1.5 },
        { "verify runtime-validator (basics/your_greeting)",
          { "POST",
            "/stage/basics/your_greeting",
            solution_body(config, "basics/s3_your_greeting.json"),
            accepted_marker },
          2 * 1.5 }  // two starts (learner and validator), each held to the std-validator's 1.5
    };
    for (auto const& c : cases) {
        options.mix = { c.request };
        auto const result = run_load(options);
        auto const spread = summarize(result.latencies_ms[0]);
        auto r = spread_row(c.figure, spread, "ms");
        r.errors = result.errors;
        if (floor.median > 0)
            r.ratio = spread.median / floor.median;
        r.ratio_of = "median / floor median";
        char target[16];
        std::snprintf(target, sizeof target, "<= %g", c.target);
        r.target = target;
        section.rows.push_back(r);
        if (!result.first_error.empty())
            section.notes.push_back(result.first_error);
    }
}

} // namespace pyfun::bench
