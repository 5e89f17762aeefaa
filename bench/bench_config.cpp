#include "bench/bench_config.hpp"

#include "service/option_table.hpp"

#include <algorithm>
#include <filesystem>
#include <sstream>

namespace pyfun::bench {
namespace {

using service::option_spec;

constexpr std::string_view summary =
  "Measures pyfun's cold starts, throughput, verify latency, memory and GitHub path against baselines\n"
  "measured in the same run (a Beast hello server, `python3 -I -S -c pass`, a minimal Lambda runtime\n"
  "client) and prints a table: figures and ratios, nothing asserted. Sections: cold_lambda, cold_server,\n"
  "load, verify, memory, github, and soak (only with --soak). The machine is shared and noisy: compare\n"
  "ratios from one run, not figures from different runs.";

std::vector<option_spec> specs(bench_config const& d)
{
    auto const n = [](auto value) { return std::to_string(value); };
    return {
        { "--sections", "", "LIST", "comma-separated sections to run", "all but soak" },
        { "--spawns", "", "N", "Lambda-mode cold starts (bootstrap and the floor client each)", n(d.spawns) },
        { "--server-spawns",
          "",
          "N",
          "server-mode cold starts (hello, plain HTTP and TLS each)",
          n(d.server_spawns) },
        { "--floor-runs",
          "",
          "N",
          "interpreter-floor runs, and verify requests for the verify section",
          n(d.floor_runs) },
        { "--requests", "", "N", "GET requests per concurrency in the load section", n(d.requests) },
        { "--verify-requests",
          "",
          "N",
          "verify POSTs per concurrency (at least one per connection)",
          n(d.verify_requests) },
        { "--concurrency", "", "LIST", "connection counts of the load section", "1,16,64,256" },
        { "--wrk",
          "",
          "SECONDS",
          "load section: also run wrk (if installed) this long per run, as a cross-check",
          "off" },
        { "--memory-load-ms",
          "",
          "N",
          "duration of the mixed load in the memory section",
          n(d.memory_load.count()) },
        { "--memory-connections",
          "",
          "N",
          "connections of that load (one in eight posting verifies)",
          n(d.memory_connections) },
        { "--soak-connections", "", "N", "connections of the soak's mixed load", n(d.soak_connections) },
        { "--soak", "", "SECONDS", "run the soak section this long (mixed load, RSS sampled)", "off" },
        { "--sample-ms", "", "N", "RSS sampling interval of the soak", n(d.sample_every.count()) },
        { "--github-latency-ms",
          "",
          "N",
          "latency the fake GitHub adds to every request",
          n(d.github_latency.count()) },
        { "--github-misses", "", "N", "concurrent cold misses of one lesson", n(d.github_misses) },
        { "--json", "", "FILE", "also write the results as JSON (- for stdout)", "off" },
        { "--bin-dir",
          "",
          "DIR",
          "where bootstrap, pyfun-server and the baselines are",
          "beside pyfun-bench" },
        { "--lessons-dir", "", "DIR", "the lesson folder served", PYFUN_BENCH_SOURCE_DIR "/lessons" },
    };
}

std::vector<std::string> split(std::string const& list)
{
    std::vector<std::string> out;
    std::istringstream in{ list };
    std::string item;
    while (std::getline(in, item, ','))
        if (!item.empty())
            out.push_back(item);
    return out;
}

std::optional<std::string> as_number(service::option_values const& values,
                                     std::string_view flag,
                                     std::size_t& out,
                                     std::uint64_t min,
                                     std::uint64_t max)
{
    auto const read = service::read_unsigned(values, flag, out, min, max);
    if (!read.error.empty())
        return read.error;
    out = static_cast<std::size_t>(read.value);
    return std::nullopt;
}

std::optional<std::string> as_millis(service::option_values const& values,
                                     std::string_view flag,
                                     std::chrono::milliseconds& out,
                                     std::uint64_t min,
                                     std::uint64_t max)
{
    std::size_t value = static_cast<std::size_t>(out.count());
    auto error = as_number(values, flag, value, min, max);
    out = std::chrono::milliseconds{ static_cast<std::int64_t>(value) };
    return error;
}

} // namespace

config_result read_config(int argc, char const* const* argv)
{
    bench_config config;
    auto const table = specs(config);
    auto const parsed = service::parse_options(
      table, argc, argv, [](std::string const&) { return std::optional<std::string>{}; });
    if (parsed.help_requested)
        return { std::nullopt, service::render_help("pyfun-bench", summary, table), 0 };
    if (!parsed.error.empty())
        return { std::nullopt, "pyfun-bench: " + parsed.error + " (see pyfun-bench --help)\n", 2 };
    auto const& values = parsed.values;

    std::size_t soak_seconds = 0;
    std::size_t wrk_seconds = 0;
    std::optional<std::string> error;
    for (auto const& check : { as_number(values, "--spawns", config.spawns, 1, 100000),
                               as_number(values, "--server-spawns", config.server_spawns, 1, 100000),
                               as_number(values, "--floor-runs", config.floor_runs, 1, 100000),
                               as_number(values, "--requests", config.requests, 1, 100000000),
                               as_number(values, "--verify-requests", config.verify_requests, 1, 1000000),
                               as_millis(values, "--memory-load-ms", config.memory_load, 100, 3600000),
                               as_number(values, "--memory-connections", config.memory_connections, 1, 10000),
                               as_number(values, "--soak-connections", config.soak_connections, 1, 10000),
                               as_number(values, "--soak", soak_seconds, 1, 86400),
                               as_number(values, "--wrk", wrk_seconds, 1, 3600),
                               as_millis(values, "--sample-ms", config.sample_every, 100, 3600000),
                               as_millis(values, "--github-latency-ms", config.github_latency, 0, 60000),
                               as_number(values, "--github-misses", config.github_misses, 1, 100000) })
        if (check && !error)
            error = check;
    if (error)
        return { std::nullopt, "pyfun-bench: " + *error + '\n', 2 };
    config.soak = std::chrono::seconds{ static_cast<std::int64_t>(soak_seconds) };
    config.wrk = std::chrono::seconds{ static_cast<std::int64_t>(wrk_seconds) };

    if (auto const list = values.get("--concurrency")) {
        config.concurrency.clear();
        for (auto const& item : split(*list)) {
            auto const count = item.find_first_not_of("0123456789") == std::string::npos && item.size() < 6
                                 ? std::stoul(item)
                                 : 0;
            if (count == 0 || count > 10000)
                return { std::nullopt, "pyfun-bench: --concurrency takes numbers from 1 to 10000\n", 2 };
            config.concurrency.push_back(count);
        }
        if (config.concurrency.empty())
            return { std::nullopt, "pyfun-bench: --concurrency is empty\n", 2 };
    }

    std::vector<std::string> const known{ std::begin(section_names), std::end(section_names) };
    if (auto const list = values.get("--sections")) {
        for (auto const& name : split(*list)) {
            if (std::find(known.begin(), known.end(), name) == known.end())
                return { std::nullopt, "pyfun-bench: unknown section " + name + " (see --help)\n", 2 };
            config.sections.insert(name);
        }
    }
    else {
        config.sections.insert(known.begin(), known.end() - 1);
    }
    if (config.soak.count() > 0)
        config.sections.insert("soak");
    else
        config.sections.erase("soak");

    config.json_file = values.get("--json").value_or("");
    config.bin_dir =
      values.get("--bin-dir").value_or(std::filesystem::canonical("/proc/self/exe").parent_path().string());
    config.lessons_dir = values.get("--lessons-dir").value_or(PYFUN_BENCH_SOURCE_DIR "/lessons");
    config.events_dir = PYFUN_BENCH_SOURCE_DIR "/bench/events";
    return { std::move(config), {}, 0 };
}

} // namespace pyfun::bench
