// Verify latency at concurrency 1 against the interpreter floor: `python3 -I -S -c pass` spawned and waited
// for (the same interpreter the server finds), then verify POSTs of a std-validator lesson (one interpreter
// start each at best) and of a runtime-validator lesson (two starts at best), back to back. pyfun-server runs
// with its defaults, so programs go to runs started ahead of need (--warm-runs) where the sandbox allows it;
// two more rows show the std-validator lesson with pauses between answers (a learner's pace: the pool is
// refilled each time) and on a server that starts every run cold (--warm-runs 0, as inside Lambda).

#include "bench/load_rows.hpp"
#include "bench/sections.hpp"
#include "bench/servers.hpp"
#include "bench/spawned_process.hpp"

#include "lib/runner.hpp"

#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <thread>

namespace pyfun::bench {
namespace {

using namespace std::chrono_literals;

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

// One verify at a time with `pause` between them: the latency of each.
load_result paced_verifies(load_options options, std::size_t runs, std::chrono::milliseconds pause)
{
    load_result all;
    all.latencies_ms.resize(1);
    options.requests = 1;
    for (std::size_t i = 0; i < runs; ++i) {
        std::this_thread::sleep_for(pause);  // think time, the subject of this row
        auto const one = run_load(options);
        all.errors += one.errors;
        if (all.first_error.empty())
            all.first_error = one.first_error;
        all.latencies_ms[0].insert(all.latencies_ms[0].end(), one.latencies_ms[0].begin(), one.latencies_ms[0].end());
    }
    return all;
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
    auto const measure = [&](std::string figure, load_result const& result, double target) {
        auto const spread = summarize(result.latencies_ms[0]);
        auto r = spread_row(std::move(figure), spread, "ms");
        r.errors = result.errors;
        if (floor.median > 0)
            r.ratio = spread.median / floor.median;
        r.ratio_of = "median / floor median";
        if (target > 0) {
            char text[16];
            std::snprintf(text, sizeof text, "<= %g", target);
            r.target = text;
        }
        section.rows.push_back(r);
        if (!result.first_error.empty())
            section.notes.push_back(result.first_error);
    };
    for (auto const& c : cases) {
        options.mix = { c.request };
        measure(c.figure, run_load(options), c.target);
    }
    options.mix = { cases.front().request };
    measure("verify std-validator, 30 ms between answers", paced_verifies(options, config.floor_runs, 30ms), 0);
    auto cold_server = start_pyfun_server(config, false, { "--warm-runs", "0" });
    options.port = cold_server.port;
    measure("verify std-validator, --warm-runs 0 (every run cold)", run_load(options), 0);
}

} // namespace pyfun::bench
