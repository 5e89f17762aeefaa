// Soak (only with --soak SECONDS): pyfun-server under mixed load (--soak-connections, 64 by default, one in
// eight posting verifies) for the whole duration, its RSS sampled every --sample-ms, to show growth or none.

#include "bench/load_rows.hpp"
#include "bench/sections.hpp"
#include "bench/servers.hpp"

#include <algorithm>
#include <cstdio>

namespace pyfun::bench {

void soak_section(bench_config const& config, report& out)
{
    auto& section = out.add_section("soak",
                                    "soak: " + std::to_string(config.soak.count()) + " s of mixed load (" +
                                      std::to_string(config.soak_connections) +
                                      " connections, one in eight verifying), RSS sampled every " +
                                      std::to_string(config.sample_every.count()) + " ms");
    auto server = start_pyfun_server(config, false);
    auto const pid = server.process->pid();
    load_options options;
    options.port = server.port;
    options.connections = config.soak_connections;
    options.duration = config.soak;
    options.mix = { lesson_verify(config) };
    options.mix.insert(options.mix.end(), 7, lesson_get());
    options.sample_every = config.sample_every;
    std::vector<double> samples;
    options.sample = [&] { samples.push_back(megabytes(read_memory(pid).rss)); };
    auto const result = run_load(options);
    section.rows.push_back(load_row("mixed load, GET latency", result, 1));

    // The first sample is the idle server; growth is measured from the first sample taken under load.
    if (samples.size() >= 3) {
        auto const first = samples[1];
        auto const last = samples.back();
        row memory;
        memory.figure = "pyfun-server RSS under load";
        memory.values = { { "first", first },
                          { "last", last },
                          { "highest", *std::max_element(samples.begin(), samples.end()) },
                          { "growth", last - first } };
        memory.unit = "MB";
        memory.ratio = last / std::max(first, 1e-9);
        memory.ratio_of = "last / first";
        memory.target = "no growth";
        section.rows.push_back(memory);
    }
    std::string trace = "RSS samples (MB):";
    for (auto const mb : samples) {
        char text[16];
        std::snprintf(text, sizeof text, " %.1f", mb);
        trace += text;
    }
    section.notes.push_back(trace);
    if (!result.first_error.empty())
        section.notes.push_back(result.first_error);
}

} // namespace pyfun::bench
