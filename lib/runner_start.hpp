#pragma once
// Internal to the runner: a run started up to the point where its interpreter waits for the program. The
// work folder (and cgroup) exist, the child is cloned and execs the launcher or the interpreter, and the
// bootstrap blocks reading its stdin (run_payload.hpp). The runner then takes the child and its descriptors
// and hands the program over. A started run dropped unused ends its child cleanly: stdin closes without a
// program, the bootstrap exits at once, and the child is collected.

#include "runner.hpp"
#include "runner_child.hpp"
#include "runner_workdir.hpp"
#include "sandbox_cgroup.hpp"
#include "unique_fd.hpp"

#include <boost/system/result.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace pyfun::core::detail {

// Exit codes the bootstrap uses for itself. A program could fake either with sys.exit(), only to give its own
// run a worse verdict.
inline constexpr int memory_error_exit = 90;    // a MemoryError ended the program: _exit(90) in the bootstrap
inline constexpr int delivery_error_exit = 91;  // the program or an input file could not be written: _exit(91)

// The limits a run's process is started with (rlimits, tmpfs size, cgroup limits): everything but the wall
// limit and the output caps, which the supervisor applies. Runs with the same start limits are
// interchangeable before their program arrives.
bool same_start_limits(run_limits const& a, run_limits const& b);

class started_run {
public:
    static boost::system::result<started_run, std::string> start(runner_options const& options,
                                                                 run_limits const& limits);

    started_run(started_run&& other) noexcept;
    started_run& operator=(started_run&&) = delete;
    started_run(started_run const&) = delete;
    started_run& operator=(started_run const&) = delete;
    ~started_run();  // ends a child that was never taken

    // The child is gone already, before any program reached it: it died while it waited, or its setup
    // failed. Such a run is only good for dropping.
    bool ended() const;

    run_limits const& limits() const { return limits_; }
    child_request const& request() const { return request_; }
    run_cgroup* group() { return group_ ? &*group_ : nullptr; }
    std::chrono::steady_clock::time_point started_at() const { return started_at_; }

    // For the supervisor, once: the child and its pidfd. The folder and the cgroup stay here, so they go when
    // this object does, after the run.
    child_process take_child();
    unique_fd take_pidfd() { return std::move(pidfd_); }

private:
    started_run(work_folder folder, std::optional<run_cgroup> group, child_request request, run_limits limits);

    void end_unused_child() noexcept;

    work_folder folder_;
    std::optional<run_cgroup> group_;
    child_request request_;
    run_limits limits_;
    child_process child_;  // pid -1 once taken
    unique_fd pidfd_;
    std::chrono::steady_clock::time_point started_at_;
};

}  // namespace pyfun::core::detail
