#pragma once
// cgroup v2 per-run groups. Where a cgroup v2 group is delegated to us, every run gets a child group of its
// own, which its process joins before execve: memory.max and pids.max then bound the run as a whole (all its
// processes and threads, and the pages of its tmpfs), cgroup.kill ends every process in it at once, and
// memory.events tells an out-of-memory kill from any other SIGKILL. Controllers the parent does not offer
// are skipped: joining and killing need none.

#include "runner.hpp"
#include "unique_fd.hpp"

#include <boost/system/result.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace pyfun::core {

// Where per-run groups would go, or why nowhere: $PYFUN_CGROUP (a folder of the cgroup v2 file system;
// "off" for none), else our own group when it is delegated to us (writable, and not the hierarchy's root).
struct cgroup_parent_choice {
    std::filesystem::path folder;  // empty: none
    std::string reason;            // why none
};
cgroup_parent_choice find_cgroup_parent();

// Our own group's folder in the mounted cgroup v2 hierarchy; nullopt when none is mounted for us.
std::optional<std::filesystem::path> own_cgroup_folder();

// Makes `folder` ready to hold per-run groups and returns the controllers enabled for them ("memory",
// "pids"; those offered). cgroup v2 hands controllers only to the children of a group without processes of
// its own: when `folder` is our own group and we are its only process, we move into a leaf
// "<folder>/supervisor" first. Blocks briefly (a few file writes); call at start-up.
boost::system::result<std::vector<std::string>, std::string> prepare_cgroup_parent(
    std::filesystem::path const& folder);

}  // namespace pyfun::core

namespace pyfun::core::detail {

// One run's group below a prepared parent. Destruction kills what is left in it and removes it.
class run_cgroup {
public:
    // mkdir + limits (memory.max = memory + scratch bytes, no swap, pids.max = limits.tasks, where enabled).
    static boost::system::result<run_cgroup, std::string> create(std::filesystem::path const& parent,
                                                                 run_limits const& limits);

    run_cgroup(run_cgroup&& other) noexcept;
    run_cgroup& operator=(run_cgroup&&) = delete;
    ~run_cgroup();

    // cgroup.procs, opened for writing: the child writes "0" to it (itself) between fork and execve.
    int procs_fd() const noexcept { return procs_.get(); }
    std::filesystem::path const& folder() const noexcept { return folder_; }

    // SIGKILL to every process in the group (cgroup.kill; on kernels before 5.14, each pid it lists).
    // Safe at any time: unlike a process group id, the group cannot name someone else's process.
    void kill_all() const noexcept;

    // The kernel's OOM killer ended a process of the run (memory.events oom_kill > 0).
    bool memory_exhausted() const;

    // rmdir: false while a process is still in it (it is dying: retry shortly).
    bool remove() noexcept;

private:
    run_cgroup(std::filesystem::path folder, unique_fd procs);

    std::filesystem::path folder_;  // empty once removed or moved from
    unique_fd procs_;
};

}  // namespace pyfun::core::detail
