#include "runner_child.hpp"

#include "runner_reaper.hpp"
#include "system_text.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <string_view>
#include <system_error>

namespace pyfun::core::detail {
namespace {

constexpr int status_slot = launcher_status_fd;  // where the child keeps its exec-status pipe until execve
constexpr rlim_t max_fd_sweep = 1u << 20;

enum class setup_step : int {
    cgroup = 1,
    session,
    stdio,
    close_fds,
    workdir,
    limits,
    groups,
    gid,
    uid,
    parent_death,
    no_new_privs,
    execve,
};

using rlimit_resource = decltype(RLIMIT_CPU);  // glibc's C++ prototypes want its enum, not an int

struct limit_setting {
    rlimit_resource resource;
    rlimit value;
};

// Everything the child needs, prepared before the clone (start_child): after it, the child may only make
// async-signal-safe calls (no allocation, no locks, no exceptions).
struct child_plan {
    char const* path = nullptr;
    char* const* argv = nullptr;
    char* const* envp = nullptr;
    char const* workdir = nullptr;
    int stdin_fd = -1;
    int stdout_fd = -1;
    int stderr_fd = -1;
    int status_fd = -1;
    int cgroup_fd = -1;
    std::array<limit_setting, 6> limits{};
    bool drop_privileges = false;
    bool keep_status_open = false;  // the launcher reports its own steps on the pipe, then closes it at exec
    pid_t parent = 0;
};

// ---- child side: async-signal-safe only --------------------------------------------------------------

[[noreturn]] void fail(int status_fd, setup_step step) noexcept
{
    exec_failure const record{static_cast<int>(step), errno};
    // A write this small to a pipe is atomic; if it fails there is no one left to tell.
    [[maybe_unused]] auto const written = ::write(status_fd, &record, sizeof record);
    ::_exit(127);
}

// Ignored signals and the signal mask survive execve (we ignore SIGPIPE, for one): the program starts
// with the defaults. SIGKILL, SIGSTOP and glibc's internal signals refuse the change; that is fine.
void reset_signals() noexcept
{
    struct sigaction default_action{};
    default_action.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; ++sig)
        ::sigaction(sig, &default_action, nullptr);
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

// Everything above the status pipe (fd 3) goes; execve closes fd 3 itself (close-on-exec), unless the
// launcher is to inherit it.
bool close_other_fds() noexcept
{
#ifdef SYS_close_range
    if (::syscall(SYS_close_range, status_slot + 1u, ~0u, 0u) == 0)
        return true;
#endif
    rlimit open_files{};
    if (::getrlimit(RLIMIT_NOFILE, &open_files) != 0)
        return false;
    auto const end = std::min(open_files.rlim_cur, max_fd_sweep);
    for (rlim_t fd = status_slot + 1; fd < end; ++fd)
        ::close(static_cast<int>(fd));
    return true;
}

// Raw syscalls: glibc's set*id wrappers signal every thread of the process (setxid), which is
// not async-signal-safe and pointless in a fresh single-threaded child.
void drop_privileges(int status_fd) noexcept
{
    if (::syscall(SYS_setgroups, 0, nullptr) != 0)
        fail(status_fd, setup_step::groups);
    if (::syscall(SYS_setresgid, sandbox_id, sandbox_id, sandbox_id) != 0)
        fail(status_fd, setup_step::gid);
    if (::syscall(SYS_setresuid, sandbox_id, sandbox_id, sandbox_id) != 0)
        fail(status_fd, setup_step::uid);
}

[[noreturn]] void run_child(child_plan const& plan) noexcept
{
    int status_fd = plan.status_fd;
    // First, before anything that could allocate kernel memory or start threads on the run's behalf: from
    // here on the run's memory and task limits and its group kill cover it.
    if (plan.cgroup_fd >= 0 && ::write(plan.cgroup_fd, "0", 1) != 1)
        fail(status_fd, setup_step::cgroup);
    reset_signals();
    if (::setsid() < 0)
        fail(status_fd, setup_step::session);
    if (::dup2(plan.stdin_fd, 0) < 0 || ::dup2(plan.stdout_fd, 1) < 0 || ::dup2(plan.stderr_fd, 2) < 0)
        fail(status_fd, setup_step::stdio);
    if (status_fd != status_slot) {
        if (::dup2(status_fd, status_slot) < 0)
            fail(status_fd, setup_step::close_fds);
        status_fd = status_slot;
    }
    if (::fcntl(status_fd, F_SETFD, plan.keep_status_open ? 0 : FD_CLOEXEC) != 0 || !close_other_fds())
        fail(status_fd, setup_step::close_fds);
    if (::chdir(plan.workdir) != 0)
        fail(status_fd, setup_step::workdir);
    for (auto const& limit : plan.limits)
        if (::setrlimit(limit.resource, &limit.value) != 0)
            fail(status_fd, setup_step::limits);
    if (plan.drop_privileges)
        drop_privileges(status_fd);
    // Only now: any change of credentials clears the parent-death signal again.
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL, 0UL, 0UL, 0UL) != 0)
        fail(status_fd, setup_step::parent_death);
    if (::getppid() != plan.parent)
        ::_exit(127);  // the supervisor died before the line above; nobody would watch this run
    // Free and portable (Lambda too): no setuid program can give the child back any privilege.
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1UL, 0UL, 0UL, 0UL) != 0)
        fail(status_fd, setup_step::no_new_privs);
    ::execve(plan.path, plan.argv, plan.envp);
    fail(status_fd, setup_step::execve);
}

// clone()'s entry point for the child.
int child_entry(void* plan)
{
    run_child(*static_cast<child_plan const*>(plan));
}

// ---- parent side ---------------------------------------------------------------------------------------

constexpr std::size_t child_stack_bytes = 64 * 1024;

// Like posix_spawn: the child shares our memory until it execs (CLONE_VM | CLONE_VFORK; we are suspended
// meanwhile), so there is no page-table copy and, after it, no copy-on-write fault for every page the server
// writes. That cost about 2 ms per run on a 6 MB server, a third of an interpreter start. The child gets a
// stack of its own; it writes nothing else of ours. Every signal stays blocked across the clone, so none of
// our handlers can run on the child's side before reset_signals().
pid_t start_child(child_plan const& plan)
{
    std::vector<char> stack(child_stack_bytes);
    sigset_t all;
    sigset_t previous;
    ::sigfillset(&all);
    ::pthread_sigmask(SIG_SETMASK, &all, &previous);
    pid_t const pid = ::clone(child_entry, stack.data() + stack.size(), CLONE_VM | CLONE_VFORK | SIGCHLD,
                              const_cast<child_plan*>(&plan));
    int const error_number = errno;
    ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    errno = error_number;
    return pid;
}

using spawn_outcome = boost::system::result<child_process, std::string>;

spawn_outcome failed(std::string_view what, int error_number)
{
    return spawn_outcome{boost::system::in_place_error, system_text(what, error_number)};
}

// Keeps our descriptors out of slots 0-2: if the server runs with stdio closed, open() and pipe2() hand
// those out, and the child's dup2() calls onto 0-2 would clobber them.
unique_fd above_stdio(int fd)
{
    if (fd < 0 || fd > 2)
        return unique_fd{fd};
    int const moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
    int const error_number = errno;
    ::close(fd);
    errno = error_number;
    return unique_fd{moved};
}

struct pipe_ends {
    unique_fd read;
    unique_fd write;
};

// Both ends close-on-exec: the child dup2()s its end onto 0, 1 or 2, which clears the flag on that copy only.
bool make_pipe(pipe_ends& ends)
{
    std::array<int, 2> fds{};
    if (::pipe2(fds.data(), O_CLOEXEC) != 0)
        return false;
    ends.read = above_stdio(fds[0]);
    ends.write = above_stdio(fds[1]);
    return ends.read && ends.write;
}

// The child cannot raise a hard limit unless we are root: stay within ours.
limit_setting make_limit(rlimit_resource resource, rlim_t soft, rlim_t hard)
{
    rlimit current{};
    if (::getrlimit(resource, &current) == 0 && current.rlim_max != RLIM_INFINITY) {
        hard = std::min(hard, current.rlim_max);
        soft = std::min(soft, hard);
    }
    return {resource, rlimit{soft, hard}};
}

// RLIMIT_NPROC counts every process and thread of the real uid. It is set only for runs that drop to the
// sandbox uid, where that count is the runs' own; under the server's uid it would count the server too.
limit_setting process_limit(run_limits const& limits, bool drop_privileges)
{
    rlimit current{};
    ::getrlimit(RLIMIT_NPROC, &current);
    if (!drop_privileges)
        return {RLIMIT_NPROC, current};
    return make_limit(RLIMIT_NPROC, limits.processes, limits.processes);
}

std::array<limit_setting, 6> plan_limits(child_request const& request)
{
    auto const& limits = request.limits;
    // RLIMIT_CPU counts whole seconds: round up, at least one. The hard limit (SIGKILL) backs up the
    // soft one (SIGXCPU) for programs that ignore SIGXCPU.
    auto const cpu_ms = std::max<std::chrono::milliseconds::rep>(limits.cpu.count(), 1);
    auto const cpu_seconds = static_cast<rlim_t>((cpu_ms + 999) / 1000);
    return {{
        make_limit(RLIMIT_CPU, cpu_seconds, cpu_seconds + 1),
        make_limit(RLIMIT_AS, limits.memory_bytes, limits.memory_bytes),
        make_limit(RLIMIT_FSIZE, limits.file_bytes, limits.file_bytes),
        make_limit(RLIMIT_NOFILE, limits.open_files, limits.open_files),
        make_limit(RLIMIT_CORE, 0, 0),
        process_limit(limits, request.drop_privileges),
    }};
}

// execve() wants char* const[] ending in nullptr; the pointers refer into `strings`.
std::vector<char*> c_string_array(std::vector<std::string>& strings)
{
    std::vector<char*> pointers;
    pointers.reserve(strings.size() + 1);
    for (auto& s : strings)
        pointers.push_back(s.data());
    pointers.push_back(nullptr);
    return pointers;
}

char const* step_name(setup_step step)
{
    switch (step) {
    case setup_step::cgroup: return "joining the run's cgroup";
    case setup_step::session: return "setsid";
    case setup_step::stdio: return "redirecting stdio";
    case setup_step::close_fds: return "closing inherited descriptors";
    case setup_step::workdir: return "chdir to the work folder";
    case setup_step::limits: return "setrlimit";
    case setup_step::groups: return "setgroups";
    case setup_step::gid: return "setresgid";
    case setup_step::uid: return "setresuid";
    case setup_step::parent_death: return "prctl(PR_SET_PDEATHSIG)";
    case setup_step::no_new_privs: return "prctl(PR_SET_NO_NEW_PRIVS)";
    case setup_step::execve: return "execve";
    }
    return "unknown setup step";
}

}  // namespace

boost::system::result<child_process, std::string> spawn_child(child_request const& request)
{
    std::vector<std::string> argv_strings{request.executable};
    argv_strings.insert(argv_strings.end(), request.arguments.begin(), request.arguments.end());
    std::vector<std::string> env_strings = request.environment;
    auto const argv = c_string_array(argv_strings);
    auto const envp = c_string_array(env_strings);

    pipe_ends in, out, err, status;
    if (!make_pipe(in) || !make_pipe(out) || !make_pipe(err) || !make_pipe(status))
        return failed("pipe2", errno);

    child_plan plan;
    plan.path = request.executable.c_str();
    plan.argv = argv.data();
    plan.envp = envp.data();
    plan.workdir = request.workdir.c_str();
    plan.stdin_fd = in.read.get();
    plan.stdout_fd = out.write.get();
    plan.stderr_fd = err.write.get();
    plan.status_fd = status.write.get();
    plan.cgroup_fd = request.cgroup_procs_fd;
    plan.limits = plan_limits(request);
    plan.drop_privileges = request.drop_privileges;
    plan.keep_status_open = request.launcher;
    plan.parent = ::getpid();

    auto const registry_lock = lock_live_runs();
    pid_t const pid = start_child(plan);
    if (pid < 0)
        return failed("clone", errno);
    add_live_run(pid, registry_lock);
    // Our copies of the child's ends close on return, so EOF on the pipes means the child's side is done.
    return child_process{pid, std::move(in.write), std::move(out.read), std::move(err.read),
                         std::move(status.read)};
}

std::string describe(exec_failure const& failure, child_request const& request)
{
    if (failure.step >= static_cast<int>(launcher_step::arguments))
        return system_text(step_name(static_cast<launcher_step>(failure.step)), failure.error_number);
    auto const step = static_cast<setup_step>(failure.step);
    std::string what = step_name(step);
    if (step == setup_step::execve)
        what += "(" + request.executable + ")";
    else if (step == setup_step::workdir)
        what += " " + request.workdir;
    return system_text(what, failure.error_number);
}

}  // namespace pyfun::core::detail
