#include "bench/proc_status.hpp"

#include "support/read_file.hpp"

#include <filesystem>
#include <map>
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
    std::multimap<pid_t, pid_t> children_of;
    std::error_code ec;
    for (std::filesystem::directory_iterator it{ "/proc", ec }, end; !ec && it != end; it.increment(ec)) {
        auto const name = it->path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos)
            continue;
        // "pid (comm) state ppid ...": comm may hold spaces, so the fields count from the last ')'.
        auto const stat = test::read_file_or_empty((it->path() / "stat").string());
        auto const close = stat.rfind(')');
        if (close == std::string::npos)
            continue;
        std::istringstream fields{ stat.substr(close + 1) };
        std::string state;
        pid_t parent = 0;
        if (fields >> state >> parent)
            children_of.emplace(parent, static_cast<pid_t>(std::stol(name)));
    }
    std::vector<pid_t> found;
    std::vector<pid_t> frontier{ pid };
    while (!frontier.empty()) {
        auto const next = frontier.back();
        frontier.pop_back();
        auto const [first, last] = children_of.equal_range(next);
        for (auto it = first; it != last; ++it) {
            found.push_back(it->second);
            frontier.push_back(it->second);
        }
    }
    return found;
}

} // namespace pyfun::bench
