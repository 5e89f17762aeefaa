#include "runner.hpp"

#include "run_payload.hpp"
#include "runner_child.hpp"
#include "runner_reaper.hpp"
#include "runner_start.hpp"
#include "system_text.hpp"
#include "warm_pool.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <stdexcept>
#include <string_view>
#include <system_error>

namespace pyfun::core {
namespace {

using detail::system_text;

namespace net = boost::asio;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using namespace boost::asio::experimental::awaitable_operators;
using steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr auto nothrow = net::as_tuple(net::use_awaitable);

constexpr auto drain_deadline = 200ms;  // an escaped descendant may hold the pipes open
constexpr auto reap_pause = 5ms;        // between reap rounds, while SIGKILLed processes die
constexpr int reap_rounds = 100;        // a fork loop may still be spawning while we kill
constexpr int status_attempts = 200;    // wait4 polls if the pidfd wait ended early (cancellation)

milliseconds to_milliseconds(timeval const& t)
{
    return milliseconds{t.tv_sec * 1000 + t.tv_usec / 1000};
}

net::awaitable<void> pause_for(steady::duration how_long)
{
    net::steady_timer timer{co_await net::this_coro::executor, how_long};
    co_await timer.async_wait(nothrow);
}

// Descendants that left the process group (setsid, setpgrp) were re-parented to us, the subreaper. Killing
// them takes a few rounds: a dying parent hands its own children to us only as it dies.
net::awaitable<void> reap_orphans()
{
    for (int round = 0; round < reap_rounds; ++round) {
        if (detail::reap_orphans_once() == 0)
            co_return;
        co_await pause_for(reap_pause);
    }
}

struct run_flags {
    bool wall_hit = false;
    bool output_hit = false;
    bool oom_killed = false;  // the kernel's OOM killer acted in the run's cgroup
};

// The verdict: our own flags first, then the wait status and rusage. Never the program's output.
run_status classify(run_flags flags, int exit_code, int signal, milliseconds cpu_time,
                    run_limits const& limits)
{
    if (flags.wall_hit)
        return run_status::wall_limit;
    if (flags.output_hit || signal == SIGXFSZ)
        return run_status::output_limit;
    // The hard CPU limit sends SIGKILL to a program that ignores SIGXCPU; we send SIGKILL only with a flag.
    if (signal == SIGXCPU || (signal == SIGKILL && cpu_time >= limits.cpu))
        return run_status::cpu_limit;
    if (exit_code == detail::memory_error_exit || (flags.oom_killed && signal == SIGKILL))
        return run_status::memory_limit;
    return run_status::exited;
}

// One started child and everything that watches it: pidfd, pipes, wall timer, flags. It lives in run()'s
// frame and run() awaits all its coroutines, so `this` outlives them.
class supervised_child {
public:
    // `group` (may be null) is the run's cgroup; it outlives this object. `may_orphan`: the program can
    // start processes that outlive it and come to us, the subreaper (see leaves_orphans()).
    supervised_child(net::any_io_executor const& executor, detail::child_process child,
                     detail::unique_fd pidfd, detail::run_cgroup const* group, bool may_orphan,
                     run_limits const& limits, steady::time_point started)
        : pid_{child.pid},
          group_{group},
          may_orphan_{may_orphan},
          pidfd_{executor, pidfd.release()},
          stdin_{executor, child.stdin_write.release()},
          stdout_{executor, child.stdout_read.release()},
          stderr_{executor, child.stderr_read.release()},
          exec_status_{executor, child.exec_status_read.release()},
          wall_timer_{executor, started + limits.wall},
          drain_timer_{executor},
          output_cap_{limits.output_bytes},
          started_{started},
          ended_{started}
    {
    }

    supervised_child(supervised_child const&) = delete;
    supervised_child& operator=(supervised_child const&) = delete;

    // Only if run() itself is destroyed half-way (its io_context went away): no program outlives us.
    ~supervised_child()
    {
        if (finished_)
            return;
        kill_group();
        detail::remove_live_run(pid_);  // a later reap round collects the zombie
    }

    // Empty once execve succeeded (the pipe closed), else what went wrong in the child's setup. The
    // launcher's setup (namespaces, mounts) is more than a few system calls, so it too must end within the
    // wall limit.
    net::awaitable<std::string> wait_for_exec(detail::child_request const& request)
    {
        detail::exec_failure failure;
        net::steady_timer setup_deadline{exec_status_.get_executor(), wall_timer_.expiry()};
        auto const first =
            co_await (net::async_read(exec_status_, net::buffer(&failure, sizeof failure), nothrow) ||
                      setup_deadline.async_wait(nothrow));
        boost::system::error_code ignored;
        exec_status_.close(ignored);
        if (first.index() == 1)
            co_return "the sandbox setup did not finish within the wall limit";
        auto const [ec, n] = std::get<0>(first);
        if (n == 0 && ec == net::error::eof)
            co_return std::string{};
        if (n == sizeof failure)
            co_return detail::describe(failure, request);
        co_return "reading the exec-status pipe: " + ec.message();
    }

    // Until the child ended, every descendant is gone and both pipes are drained (or the drain deadline hit).
    // The payload goes in meanwhile: a large one fills the pipe until the bootstrap reads it.
    net::awaitable<void> supervise(std::string const& payload)
    {
        co_await (hand_over(payload) && watch_exit() && read_capped(stdout_, stdout_bytes_) &&
                  read_capped(stderr_, stderr_bytes_));
    }

    // For a child whose setup failed: make sure it is dead, then collect it like any other.
    net::awaitable<void> abandon()
    {
        abandoned_ = true;
        kill_group();
        co_await pidfd_.async_wait(net::posix::descriptor_base::wait_read, nothrow);
        co_await finish();
    }

    run_result result(run_limits const& limits) &&
    {
        run_result r;
        r.stdout_bytes = std::move(stdout_bytes_);
        r.stderr_bytes = std::move(stderr_bytes_);
        r.wall_time = std::chrono::duration_cast<milliseconds>(ended_ - started_);
        if (!collected_ || cancelled_) {
            r.error = cancelled_ ? "the run was cancelled" : error_;
            return r;  // sandbox_error
        }
        r.cpu_time = to_milliseconds(usage_.ru_utime) + to_milliseconds(usage_.ru_stime);
        r.max_rss_kb = usage_.ru_maxrss;
        if (WIFEXITED(wait_status_))
            r.exit_code = WEXITSTATUS(wait_status_);
        if (WIFSIGNALED(wait_status_))
            r.signal = WTERMSIG(wait_status_);
        flags_.oom_killed = group_ != nullptr && group_->memory_exhausted();
        r.status = classify(flags_, r.exit_code, r.signal, r.cpu_time, limits);
        if (r.status == run_status::exited && r.exit_code == detail::delivery_error_exit) {
            r.status = run_status::sandbox_error;
            r.error = "the bootstrap could not write the program or an input file";
        }
        return r;
    }

private:
    // Writes the program and its files to the bootstrap's stdin, then closes it: the program reads EOF there.
    // A write fails only when the child ended before it read its program; its exit status tells why.
    net::awaitable<void> hand_over(std::string const& payload)
    {
        co_await net::this_coro::throw_if_cancelled(false);
        co_await net::async_write(stdin_, net::buffer(payload), nothrow);
        boost::system::error_code ignored;
        stdin_.close(ignored);
    }

    // The main child ends, or the wall timer fires first and we end it.
    net::awaitable<void> watch_exit()
    {
        co_await net::this_coro::throw_if_cancelled(false);  // cleanup must run even if run() is cancelled
        auto const first = co_await (pidfd_.async_wait(net::posix::descriptor_base::wait_read, nothrow) ||
                                     wall_timer_.async_wait(nothrow));
        bool const exited = first.index() == 0 && !std::get<0>(std::get<0>(first));
        flags_.wall_hit = first.index() == 1 && !std::get<0>(std::get<1>(first));
        cancelled_ = !exited && !flags_.wall_hit;  // run() was cancelled: stop the program now
        if (!exited) {
            kill_group();
            co_await pidfd_.async_wait(net::posix::descriptor_base::wait_read, nothrow);
        }
        co_await finish();
        co_await drain();
    }

    // Keeps at most output_cap_ bytes; one byte more ends the run.
    net::awaitable<void> read_capped(net::posix::stream_descriptor& stream, std::string& sink)
    {
        co_await net::this_coro::throw_if_cancelled(false);
        std::array<char, 16 * 1024> chunk;
        for (;;) {
            auto const [ec, n] = co_await stream.async_read_some(net::buffer(chunk), nothrow);
            auto const room = output_cap_ - sink.size();
            sink.append(chunk.data(), std::min(n, room));
            if (n > room) {
                flags_.output_hit = true;
                kill_group();
                break;
            }
            if (ec)
                break;  // eof: every writer is gone; operation_aborted: the drain deadline passed
        }
        boost::system::error_code ignored;
        stream.close(ignored);  // a writer that is still alive gets EPIPE rather than blocking
        if (--open_readers_ == 0)
            drain_timer_.cancel();
    }

    // The main child has ended (its pidfd is readable): collect it, then everything it left behind.
    net::awaitable<void> finish()
    {
        ended_ = steady::now();
        kill_group();  // leftovers of its group; the unreaped zombie keeps the group id from being reused
        co_await collect_status();
        detail::remove_live_run(pid_);
        // A launcher that ended by itself has reaped everything it started; one we stopped may not have.
        bool const ended_by_itself = collected_ && WIFEXITED(wait_status_) && !flags_.wall_hit &&
                                     !flags_.output_hit && !cancelled_ && !abandoned_;
        if (may_orphan_ || !ended_by_itself)
            co_await reap_orphans();
        finished_ = true;
    }

    // After the pidfd turned readable wait4 does not block. If the wait ended early (cancellation),
    // poll briefly: the child has been sent SIGKILL by then.
    net::awaitable<void> collect_status()
    {
        for (int attempt = 0; attempt < status_attempts; ++attempt) {
            pid_t const reaped = ::wait4(pid_, &wait_status_, WNOHANG, &usage_);
            if (reaped == pid_) {
                collected_ = true;
                co_return;
            }
            if (reaped < 0 && errno != EINTR) {
                // Someone else reaped it: a waitpid(-1) elsewhere, or SIGCHLD set to SIG_IGN.
                error_ = system_text("wait4", errno);
                co_return;
            }
            kill_group();
            co_await pause_for(reap_pause);
        }
        error_ = "the child did not end after SIGKILL";
    }

    // Lets the readers take what is left in the pipes, but not for long.
    net::awaitable<void> drain()
    {
        if (open_readers_ == 0)
            co_return;
        drain_timer_.expires_after(drain_deadline);
        co_await drain_timer_.async_wait(nothrow);  // ends early when the last reader finishes
        boost::system::error_code ignored;
        stdout_.cancel(ignored);
        stderr_.cancel(ignored);
    }

    // Once the main child is reaped its pid may be reused, so the process group is off limits from then on;
    // the cgroup is not: it holds only processes of this run.
    void kill_group() const noexcept
    {
        if (group_ != nullptr)
            group_->kill_all();
        if (collected_)
            return;
        ::kill(-pid_, SIGKILL);
        ::kill(pid_, SIGKILL);  // in case it had not reached setsid() yet
    }

    pid_t pid_;
    detail::run_cgroup const* group_;
    bool may_orphan_;
    net::posix::stream_descriptor pidfd_;
    net::posix::stream_descriptor stdin_;
    net::posix::stream_descriptor stdout_;
    net::posix::stream_descriptor stderr_;
    net::posix::stream_descriptor exec_status_;
    net::steady_timer wall_timer_;
    net::steady_timer drain_timer_;
    std::size_t output_cap_;
    steady::time_point started_;
    steady::time_point ended_;
    run_flags flags_;
    bool cancelled_ = false;
    bool abandoned_ = false;
    bool collected_ = false;
    bool finished_ = false;
    int open_readers_ = 2;
    int wait_status_ = 0;
    rusage usage_{};
    std::string stdout_bytes_;
    std::string stderr_bytes_;
    std::string error_;
};

// Every process of the run has been sent SIGKILL and reaped by now; the kernel may take a moment to take the
// last of them out of the group.
net::awaitable<void> remove_cgroup(detail::run_cgroup& group)
{
    for (int round = 0; round < reap_rounds && !group.remove(); ++round) {
        group.kill_all();
        co_await pause_for(reap_pause);
    }
}

// Whether a run's descendants can outlive it and be re-parented to us even when the launcher ends by itself.
// Not with a pid namespace (they die with its init, which reaps them) nor with seccomp (no new processes at
// all). Finding orphans means reading every /proc/<pid>/stat of the host, a millisecond or more on a busy
// one, so such runs skip it unless we had to stop the launcher.
bool leaves_orphans(sandbox_layer_set layers)
{
    return !layers.has(sandbox_layer::pid_ns) && !layers.has(sandbox_layer::seccomp);
}

bool is_executable_file(fs::path const& path)
{
    std::error_code ec;
    return fs::is_regular_file(path, ec) && ::access(path.c_str(), X_OK) == 0;
}

// pyenv and similar tools put shell-script shims first on PATH. They are slow and need an environment the
// sandbox does not give, so only real binaries qualify.
bool is_script(fs::path const& path)
{
    detail::unique_fd const fd{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    std::array<char, 2> start{};
    return fd && ::read(fd.get(), start.data(), start.size()) == 2 && start[0] == '#' && start[1] == '!';
}

std::optional<fs::path> canonical_path(fs::path const& path)
{
    std::error_code ec;
    auto resolved = fs::canonical(path, ec);
    if (ec)
        return std::nullopt;
    return resolved;
}

}  // namespace

std::optional<fs::path> find_interpreter()
{
    if (char const* configured = std::getenv("PYFUN_PYTHON"); configured != nullptr && *configured != '\0') {
        fs::path const path{configured};
        if (!path.is_absolute() || !is_executable_file(path))
            return std::nullopt;
        return canonical_path(path);
    }
    char const* search_path = std::getenv("PATH");
    if (search_path == nullptr)
        return std::nullopt;
    std::string_view rest{search_path};
    while (!rest.empty()) {
        auto const colon = rest.find(':');
        auto const dir = rest.substr(0, colon);
        rest.remove_prefix(colon == std::string_view::npos ? rest.size() : colon + 1);
        if (dir.empty() || dir.front() != '/')
            continue;  // relative entries depend on the current folder
        auto const candidate = fs::path{dir} / "python3";
        if (is_executable_file(candidate) && !is_script(candidate))
            return canonical_path(candidate);
    }
    return std::nullopt;
}

void prepare_supervisor_process()
{
    if (::prctl(PR_SET_DUMPABLE, 0UL, 0UL, 0UL, 0UL) != 0)
        throw std::system_error{errno, std::system_category(), "prctl(PR_SET_DUMPABLE)"};
    if (::prctl(PR_SET_CHILD_SUBREAPER, 1UL, 0UL, 0UL, 0UL) != 0)
        throw std::system_error{errno, std::system_category(), "prctl(PR_SET_CHILD_SUBREAPER)"};
    // A reader that went away must come back as EPIPE on a write, not end the whole server.
    ::signal(SIGPIPE, SIG_IGN);
}

bool isolates_waiting_runs(sandbox_layer_set layers)
{
    return layers.has(sandbox_layer::pid_ns) && layers.has(sandbox_layer::mount_ns);
}

runner::runner(runner_options options)
    : options_{std::move(options)}, slots_{std::make_unique<run_slots>(options_.max_concurrent_runs)}
{
    if (!options_.layers.empty() && !options_.launcher.is_absolute())
        throw std::invalid_argument{"runner: launcher layers need the launcher's absolute path"};
    if (options_.warm_runs > 0 && isolates_waiting_runs(options_.layers))
        warm_ = std::make_shared<detail::warm_pool>(options_, options_.warm_runs, options_.warm_limits);
}

std::vector<std::string> runner::sandbox_layers() const
{
    std::vector<std::string> layers{"rlimits",     "empty_environment", "private_workdir", "own_session",
                                    "wall_timer",  "output_caps",       "subreaper",       "non_dumpable",
                                    "no_new_privs"};
    if (::geteuid() == 0)
        layers.emplace_back("uid_drop");
    for (auto const& [layer, name] : sandbox_layer_names)
        if (options_.layers.has(layer))
            layers.emplace_back(name);
    if (!options_.cgroup_parent.empty()) {
        layers.emplace_back("cgroup");
        for (auto const& controller : options_.cgroup_controllers)
            layers.push_back("cgroup_" + controller);
    }
    return layers;
}

net::awaitable<run_result> runner::run(std::string program, std::vector<input_file> files, run_limits limits)
{
    // Cancelling run() stops the program at once, but the cleanup (kill, reap, remove the folder) still runs
    // to the end: the waits below see operation_aborted instead of throwing.
    co_await net::this_coro::throw_if_cancelled(false);
    run_result failed;  // status sandbox_error until a child was supervised
    auto payload = detail::encode_payload(program, files, limits.file_bytes);
    if (!payload) {
        failed.error = payload.error();
        co_return failed;
    }
    // Held until the run is cleaned up: its wall time starts only once it may run.
    auto const slot = co_await slots_->acquire();
    if (!slot) {
        failed.error = "the run was cancelled while it waited for its turn";
        co_return failed;
    }

    auto const executor = co_await net::this_coro::executor;
    auto taken = warm_ ? warm_->take(limits) : detail::warm_pool::taken{};
    if (taken.dropped_dead)
        co_await reap_orphans();
    auto& started = taken.run;
    bool const warm = started.has_value();
    if (!warm) {
        auto cold = detail::started_run::start(options_, limits);
        if (!cold) {
            failed.error = cold.error();
            co_return failed;
        }
        started.emplace(std::move(*cold));
    }
    if (warm_)  // on the next turn of the loop, while this program runs
        net::post(executor, [pool = std::weak_ptr{warm_}] {
            if (auto const alive = pool.lock())
                alive->refill();
        });

    supervised_child watched{executor,
                             started->take_child(),
                             started->take_pidfd(),
                             started->group(),
                             leaves_orphans(options_.layers),
                             limits,
                             warm ? steady::now() : started->started_at()};
    auto const setup_error = co_await watched.wait_for_exec(started->request());
    if (!setup_error.empty())
        co_await watched.abandon();
    else
        co_await watched.supervise(*payload);
    auto result = std::move(watched).result(limits);
    if (auto* group = started->group())
        co_await remove_cgroup(*group);
    if (!setup_error.empty()) {
        failed.error = setup_error;
        co_return failed;
    }
    co_return result;
}

void runner::warm_up()
{
    if (warm_)
        warm_->refill();
}

warm_runs_stats runner::warm_runs() const
{
    return warm_ ? warm_->stats() : warm_runs_stats{};
}

}  // namespace pyfun::core
