#pragma once
// Entering the namespaces, and the process tree a pid namespace needs.

#include "lib/sandbox_protocol.hpp"

namespace pyfun::launcher {

// unshare() of every namespace in `layers` at once (user_ns must be among them: we are unprivileged), then
// identity uid/gid maps: the learner keeps its uid and gid, which are not root, so it holds no capability
// once it execs. With uts_ns the host name becomes "pyfun".
void enter_namespaces(core::sandbox_layer_set layers);

// After enter_namespaces() with pid_ns: forks the namespace's init (pid 1, which only reaps) and then the
// learner's process (pid 2), and returns in the latter only. The launcher itself stays outside, waits for the
// learner's process, ends the namespace and then ends the way the learner's process ended (exit code or
// signal), so that the runner's wait status and rusage describe the learner's program.
void split_for_pid_namespace();

}  // namespace pyfun::launcher
