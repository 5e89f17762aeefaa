#pragma once
// The learner's view of the file system, built in the new mount namespace and entered with pivot_root:
// read-only binds of the system paths (view_paths.hpp) and of the interpreter's own folders, a few /dev
// nodes, its own /proc (with pid_ns), a private size-capped /tmp, and the work folder as a size-capped tmpfs
// holding a copy of the files the runner wrote. Nothing it writes reaches the host's disk.

#include "options.hpp"

namespace pyfun::launcher {

// Call in the learner's process (after split_for_pid_namespace(), so that /proc shows its namespace).
// Ends in the work folder, at the same path as on the host.
void build_view(launch_options const& options);

}  // namespace pyfun::launcher
