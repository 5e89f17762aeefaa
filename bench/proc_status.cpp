#include "bench/proc_status.hpp"

#include "support/process_scan.hpp"
#include "support/read_file.hpp"

#include <sstream>
#include <string>

namespace pyfun::bench {

memory_kb read_memory(pid_t pid)
{
    std::istringstream status{ test::read_file_or_empty("/proc/" + std::to_string(pid) + "/status") };
    memory_kb out;
    std::string line;
    while (std::getline(status, line)) {
        if (line.starts_with("VmRSS:"))
            out.rss = std::stol(line.substr(6));
        else if (line.starts_with("VmHWM:"))
            out.peak = std::stol(line.substr(6));
    }
    return out;
}

long read_pss_kb(pid_t pid)
{
    std::istringstream rollup{ test::read_file_or_empty("/proc/" + std::to_string(pid) + "/smaps_rollup") };
    std::string line;
    while (std::getline(rollup, line))
        if (line.starts_with("Pss:"))
            return std::stol(line.substr(4));
    return 0;
}

std::vector<pid_t> descendants_of(pid_t pid)
{
    std::vector<pid_t> found;
    std::vector<pid_t> frontier{ pid };
    while (!frontier.empty()) {
        auto const next = frontier.back();
        frontier.pop_back();
        for (auto const child : test::children_of(next)) {
            found.push_back(child);
            frontier.push_back(child);
        }
    }
    return found;
}

} // namespace pyfun::bench
