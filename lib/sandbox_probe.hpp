#pragma once
// Which sandbox layers work on this host, found at start-up by trying each one once in a throwaway run, and
// the policy that turns the findings into the layers every run gets (PYFUN_SANDBOX=auto|strict|portable).

#include "runner.hpp"
#include "sandbox_protocol.hpp"

#include <boost/system/result.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pyfun::core {

enum class sandbox_policy {
    portable,   // the layers that hold everywhere, AWS Lambda included; no launcher, nothing probed
    automatic,  // every launcher layer that works here ("auto")
    strict,     // refuse to run learner code without all namespaces and seccomp
};

// "auto", "strict", "portable"; nullopt for anything else.
std::optional<sandbox_policy> parse_sandbox_policy(std::string_view text);
std::string_view policy_name(sandbox_policy policy);

struct layer_probe {
    std::string layer;  // a sandbox_layer name, or "cgroup"
    bool works = false;
    std::string detail;  // why not, when it does not
};

struct sandbox_plan {
    sandbox_policy policy = sandbox_policy::portable;
    std::filesystem::path launcher;     // empty: runs start the interpreter themselves
    sandbox_layer_set layers;           // what every run gets on top of the portable layers
    std::filesystem::path cgroup_parent;               // empty: runs get no cgroup of their own
    std::vector<std::string> cgroup_controllers;       // enabled for the runs' groups ("memory", "pids")
    std::vector<layer_probe> probes;    // what was tried (nothing with the portable policy)
    std::vector<std::string> warnings;  // for the log: why auto settled for less
};

// pyfun-launcher: `configured` if not empty, else $PYFUN_LAUNCHER, else beside the running executable.
// nullopt when that file is not an executable.
std::optional<std::filesystem::path> find_launcher(std::filesystem::path const& configured);

// Call after prepare_supervisor_process(); it blocks for a few throwaway runs (tens of milliseconds). `base`
// gives the interpreter, the work root and a configured launcher (may be empty); its layers are ignored.
// Tries user_ns alone, each other namespace with it, seccomp and Landlock alone, then all that worked
// together, then a run in a cgroup of its own (sandbox_cgroup.hpp) with those layers. Returns an error text
// only with the strict policy when namespaces or seccomp are missing (cgroups stay optional).
boost::system::result<sandbox_plan, std::string> plan_sandbox(sandbox_policy policy,
                                                              runner_options const& base);

// `base` with the plan's launcher and layers: the options for the runner every request uses.
runner_options with_plan(runner_options base, sandbox_plan const& plan);

// One line for the log: "sandbox auto: user_ns mount_ns ... on; cgroup off (no cgroup v2 ...)".
std::string describe(sandbox_plan const& plan);

}  // namespace pyfun::core
