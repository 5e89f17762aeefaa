#include "sandbox_cgroup.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace pyfun::core::detail {
namespace {

// "0::/some/group" in /proc/self/cgroup: our place in the v2 hierarchy.
std::string own_cgroup()
{
    std::ifstream in{"/proc/self/cgroup"};
    for (std::string line; std::getline(in, line);)
        if (line.rfind("0::", 0) == 0)
            return line.substr(3);
    return {};
}

// The mount point of the cgroup2 file system, from /proc/self/mountinfo ("... <mount point> ... - cgroup2
// ...").
std::string cgroup2_mount()
{
    std::ifstream in{"/proc/self/mountinfo"};
    for (std::string line; std::getline(in, line);) {
        auto const separator = line.find(" - ");
        if (separator == std::string::npos || line.compare(separator + 3, 8, "cgroup2 ") != 0)
            continue;
        std::istringstream fields{line.substr(0, separator)};
        std::string id, parent, device, root, mount_point;
        if (fields >> id >> parent >> device >> root >> mount_point)
            return mount_point;
    }
    return {};
}

bool has_word(std::string const& words, std::string const& word)
{
    std::istringstream in{words};
    for (std::string w; in >> w;)
        if (w == word)
            return true;
    return false;
}

}  // namespace

layer_probe probe_cgroup()
{
    layer_probe probe{"cgroup", false, {}};
    auto const mount = cgroup2_mount();
    auto const group = own_cgroup();
    if (mount.empty() || group.empty()) {
        probe.detail = "no cgroup v2 hierarchy is mounted for us";
        return probe;
    }
    auto const folder = mount + (group == "/" ? "" : group);
    std::ifstream in{folder + "/cgroup.controllers"};
    std::string controllers;
    std::getline(in, controllers);
    if (!has_word(controllers, "memory") || !has_word(controllers, "pids")) {
        probe.detail = "the cgroup v2 group " + folder + " offers [" + controllers + "]: no memory and pids";
        return probe;
    }
    if (::access(folder.c_str(), W_OK) != 0) {
        probe.detail = "the cgroup v2 group " + folder + " is not delegated to us (not writable)";
        return probe;
    }
    probe.detail = "a delegated cgroup v2 group exists at " + folder +
                   " but per-run cgroup limits are not implemented; the rlimits hold";
    return probe;
}

}  // namespace pyfun::core::detail
