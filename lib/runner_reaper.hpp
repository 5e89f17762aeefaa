#pragma once
// Internal to the runner: the process-wide registry of runs in progress and the orphan reaper.
// We are a child subreaper, so descendants that escape a run's process group end up as our children.
// Nothing here calls waitpid(-1): that would steal the exit status of another run's main child.

#include <sys/types.h>

#include <cstddef>
#include <mutex>

namespace pyfun::core::detail {

// Held across fork() so that no reap round can see a new main child before it is registered.
std::unique_lock<std::mutex> lock_live_runs();

// `held` must come from lock_live_runs().
void add_live_run(pid_t pid, std::unique_lock<std::mutex> const& held);

// Call once the run has collected its main child's exit status.
void remove_live_run(pid_t pid);

// One round: SIGKILLs every child of this process that is neither a live run's main child nor in a live
// run's session, and collects those already dead (WNOHANG). Returns how many it saw; 0 means none is left.
std::size_t reap_orphans_once();

}  // namespace pyfun::core::detail
