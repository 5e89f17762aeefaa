#pragma once
// Internal to the runner: starts the sandboxed child (a clone that works like vfork, async-signal-safe setup,
// execve) and owns the parent's ends of its pipes. Setup failures in the child come back through the
// exec-status pipe.

#include "runner.hpp"
#include "sandbox_protocol.hpp"
#include "unique_fd.hpp"

#include <boost/system/result.hpp>

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

namespace pyfun::core::detail {

// The identity (nobody / nogroup) the child takes when the supervisor runs as root.
inline constexpr unsigned sandbox_id = 65534;

struct child_request {
    std::string executable;                // absolute path of the interpreter or the launcher; also argv[0]
    std::vector<std::string> arguments;    // argv[1..]
    std::vector<std::string> environment;  // the whole environment, "NAME=value"
    std::string workdir;
    run_limits limits;
    bool drop_privileges = false;  // we are root: become nobody/nogroup before execve
    bool launcher = false;         // `executable` is pyfun-launcher: it inherits the exec-status pipe
    int cgroup_procs_fd = -1;      // the run's cgroup.procs, which the child joins first; -1: no cgroup
};

struct child_process {
    pid_t pid = -1;
    unique_fd stdin_write;  // the child's stdin: the runner writes the program there, then closes it
    unique_fd stdout_read;
    unique_fd stderr_read;
    unique_fd exec_status_read;  // EOF once execve succeeded, else one exec_failure record
};

// What the child (or the launcher after it) writes to the exec-status pipe when a setup step fails, before
// _exit(127).
using exec_failure = setup_failure;

// Forks and sets up the child. On success the pid is already in the live-run registry
// (runner_reaper.hpp); the caller removes it once it has collected the exit status.
boost::system::result<child_process, std::string> spawn_child(child_request const& request);

// "execve(/usr/bin/python3): No such file or directory", "launcher: unshare: Operation not permitted" and the
// like, for sandbox_error texts.
std::string describe(exec_failure const& failure, child_request const& request);

}  // namespace pyfun::core::detail
