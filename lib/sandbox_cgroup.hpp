#pragma once
// Looks for a cgroup v2 subtree delegated to us with the memory and pids controllers (for /healthz and logs).

#include "sandbox_probe.hpp"

namespace pyfun::core::detail {

// Reads /proc/self/cgroup, /proc/self/mountinfo and the cgroup's own files; starts nothing. Per-run cgroups
// are not implemented, so `works` stays false: the detail says whether a subtree would have been available.
layer_probe probe_cgroup();

}  // namespace pyfun::core::detail
