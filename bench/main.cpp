// pyfun-bench: runs the benchmark sections (see --help) and prints one table; --json also writes it as JSON.
// Exits 0 when every section ran (whatever the figures), 3 when one could not run at all, 2 on bad flags.

#include "bench/bench_config.hpp"
#include "bench/report.hpp"
#include "bench/sections.hpp"

#include <boost/json/serialize.hpp>

#include <csignal>
#include <fstream>
#include <iostream>
#include <map>

namespace {

using section_runner = void (*)(pyfun::bench::bench_config const&, pyfun::bench::report&);

std::map<std::string, section_runner> const runners{ { "cold_lambda", pyfun::bench::cold_lambda_section },
                                                     { "cold_server", pyfun::bench::cold_server_section },
                                                     { "load", pyfun::bench::load_section },
                                                     { "verify", pyfun::bench::verify_section },
                                                     { "memory", pyfun::bench::memory_section },
                                                     { "github", pyfun::bench::github_section },
                                                     { "soak", pyfun::bench::soak_section } };

bool write_json(std::string const& file, boost::json::object const& results)
{
    auto const text = boost::json::serialize(results) + "\n";
    if (file == "-") {
        std::cout << text;
        return true;
    }
    std::ofstream out{ file };
    out << text;
    return static_cast<bool>(out);
}

} // namespace

int main(int argc, char** argv)
{
    auto const read = pyfun::bench::read_config(argc, argv);
    if (!read.config) {
        (read.exit_code == 0 ? std::cout : std::cerr) << read.message;
        return read.exit_code;
    }
    auto const& config = *read.config;
    std::signal(SIGPIPE, SIG_IGN); // a server that dies mid-run is an error in the table, not our end

    pyfun::bench::report results;
    bool all_ran = true;
    for (auto const* name : pyfun::bench::section_names) {
        if (!config.sections.count(name))
            continue;
        std::cerr << "pyfun-bench: running " << name << "..." << std::endl;
        try {
            runners.at(name)(config, results);
        }
        catch (std::exception const& e) {
            auto& section = results.section_named(name);
            section.notes.push_back(std::string{ "could not run: " } + e.what());
            ++section.failures;
            all_ran = false;
        }
    }
    auto const machine = pyfun::bench::describe_machine();
    std::cout << "pyfun-bench on " << machine.at("cores").as_int64() << " cores, "
              << machine.at("os").as_string().c_str() << ", " << machine.at("cpu").as_string().c_str()
              << " (shared and noisy: compare ratios within one run)\n";
    results.print_table(std::cout);
    if (!config.json_file.empty() && !write_json(config.json_file, results.to_json(machine))) {
        std::cerr << "pyfun-bench: cannot write " << config.json_file << '\n';
        return 3;
    }
    return all_ran ? 0 : 3;
}
