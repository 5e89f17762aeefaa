#pragma once
// Runs one Python program in a fresh sandboxed child process and reports how it ended.
// The portable layers always (they hold inside AWS Lambda too): rlimits, empty environment, private work
// folder, own session, wall timer, output caps, kill and reap of every descendant. With launcher layers
// (namespaces, seccomp, Landlock: see sandbox_probe.hpp for which work here) the child execs pyfun-launcher,
// which applies them and then execs the interpreter. The loop never blocks: the child's exit is awaited
// through a pidfd and its pipes through stream descriptors.

#include "run_slots.hpp"
#include "sandbox_protocol.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pyfun::core {

namespace detail {
class warm_pool;
}

struct run_limits {
    std::chrono::milliseconds cpu{2000};    // RLIMIT_CPU (soft; hard one second later)
    std::chrono::milliseconds wall{5000};   // supervisor's timer
    std::size_t memory_bytes = 256u << 20;  // RLIMIT_AS
    std::size_t output_bytes = 64u << 10;   // cap for stdout and for stderr, each
    std::size_t file_bytes = 1u << 20;      // RLIMIT_FSIZE
    unsigned open_files = 64;               // RLIMIT_NOFILE
    unsigned processes = 256;               // RLIMIT_NPROC of the sandbox uid (all runs together), when we are root
    std::size_t scratch_bytes = 16u << 20;  // size of the private /tmp and work folder (with mount_ns only)
    unsigned tasks = 128;                   // pids.max of the run's own cgroup: its processes and threads
};

enum class run_status {
    exited,        // ended by itself: see exit_code / signal
    cpu_limit,     // CPU rlimit reached
    wall_limit,    // the supervisor's wall timer fired
    memory_limit,  // an allocation failed at the address-space limit
    output_limit,  // stdout or stderr cap exceeded, or the file-size limit hit
    sandbox_error, // our fault: the run could not be set up or supervised
};

struct run_result {
    run_status status = run_status::sandbox_error;
    int exit_code = -1;  // valid when the process exited normally
    int signal = 0;      // non-zero when a signal ended it
    std::string stdout_bytes;
    std::string stderr_bytes;
    std::chrono::milliseconds wall_time{0};
    std::chrono::milliseconds cpu_time{0};  // user + system, from rusage
    long max_rss_kb = 0;
    std::string error;  // what went wrong when status is sandbox_error (for logs, never shown to learners)
};

struct input_file {
    std::string name;  // plain file name inside the work folder
    std::string content;
};

struct runner_options {
    std::filesystem::path interpreter;  // absolute path to python3
    std::filesystem::path work_root;    // parent of the per-run work folders; empty: $TMPDIR or /tmp
    // Default member initializers keep `runner_options{interpreter, root}` free of missing-initializer
    // warnings.
    std::filesystem::path launcher{};   // pyfun-launcher; required when `layers` is not empty
    sandbox_layer_set layers{};         // empty: the portable layers only, no launcher
    // A cgroup v2 folder made ready by prepare_cgroup_parent() (sandbox_cgroup.hpp): every run gets a group of
    // its own below it. Empty: no cgroups.
    std::filesystem::path cgroup_parent{};
    std::vector<std::string> cgroup_controllers{};  // what prepare_cgroup_parent() enabled, for /healthz
    std::size_t max_concurrent_runs = 0;  // runs of this runner at once, the rest wait (run_slots.hpp); 0: any
    // Runs kept started ahead of need, with `warm_limits` (warm_pool.hpp). Honoured only where
    // isolates_waiting_runs(layers); 0: every run starts when it is asked for.
    std::size_t warm_runs = 0;
    run_limits warm_limits{};
};

// What the warm-run pool did, for /healthz and the bench.
struct warm_runs_stats {
    std::size_t capacity = 0;       // 0: no pool
    std::size_t waiting = 0;        // started, waiting for a program
    std::size_t warm = 0;           // runs whose program went to a waiting interpreter
    std::size_t cold = 0;           // runs that started their own (none waiting, or other start limits)
    std::size_t lost = 0;           // waiting runs that had died before a program reached them
    std::size_t failed_starts = 0;  // refills that could not start a run
};

// Whether a run that waits for its program is out of reach of the programs that run meanwhile: they have a
// pid namespace of their own (they cannot name it: no kill, ptrace or /proc) and a mount namespace of their
// own (they cannot see its work folder). Only then may runs be started ahead of need.
bool isolates_waiting_runs(sandbox_layer_set layers);

// Finds python3 once at start-up: $PYFUN_PYTHON if set, else the first python3 on $PATH, as an absolute,
// canonical path. Returns nullopt when there is none that can be executed.
std::optional<std::filesystem::path> find_interpreter();

// Process-wide settings the runner relies on; call once from main() (and from tests) before any run:
// the process becomes non-dumpable (learner code cannot read its /proc/<pid>/environ or memory) and a child
// subreaper (descendants that escape their process group are re-parented to us and can be reaped).
void prepare_supervisor_process();

class runner {
public:
    // Throws std::invalid_argument for layers without a launcher (a bug in the caller).
    explicit runner(runner_options options);

    // Runs `program` (Python source, stored as main.py in a fresh work folder beside `files`) as
    // `<interpreter> -I -S -B -X utf8` with an empty stdin. Never throws for anything the program does;
    // sandbox_error when the run could not be set up. The work folder is gone when this returns. With a
    // warm pool the program may go to a run started earlier; its wall time starts when it is handed over.
    boost::asio::awaitable<run_result> run(std::string program, std::vector<input_file> files,
                                           run_limits limits);

    std::filesystem::path const& interpreter() const { return options_.interpreter; }

    // Fills the warm pool now rather than at the first run (call once the server is up). Nothing without one.
    void warm_up();
    warm_runs_stats warm_runs() const;

    // How many runs hold a slot, wait for one, and the limit (0: none), for /healthz.
    run_slots const& slots() const { return *slots_; }

    // The isolation layers every run gets here, for logs and /healthz ("rlimits", "uid_drop", ...,
    // "user_ns", "seccomp", ...).
    std::vector<std::string> sandbox_layers() const;

private:
    runner_options options_;
    std::unique_ptr<run_slots> slots_;  // on the heap: run_slots stays put while a runner is moved
    // Shared with the refills run() posts, which hold it weakly: a refill after the runner is gone does nothing.
    std::shared_ptr<detail::warm_pool> warm_;
};

}  // namespace pyfun::core
