#include "bench/proc_status.hpp"

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

} // namespace pyfun::bench
