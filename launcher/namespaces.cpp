#include "namespaces.hpp"

#include "report.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <string_view>

namespace pyfun::launcher {
namespace {

using core::launcher_step;
using core::sandbox_layer;

void write_file(char const* path, std::string_view content)
{
    int const fd = ::open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        fail(launcher_step::id_maps);
    auto const written = ::write(fd, content.data(), content.size());
    int const error_number = errno;
    ::close(fd);
    if (written != static_cast<ssize_t>(content.size()))
        fail(launcher_step::id_maps, error_number);
}

// pid 1 of the namespace. The kernel does not deliver signals to it that it has no handler for (other than
// SIGKILL from outside), so the learner cannot end it; the launcher does when the learner's process is done.
// It collects whatever is re-parented to it, should the learner's process have children.
[[noreturn]] void be_init()
{
    sigset_t child_exits;
    ::sigemptyset(&child_exits);
    ::sigaddset(&child_exits, SIGCHLD);
    ::sigprocmask(SIG_BLOCK, &child_exits, nullptr);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0UL, 0UL, 0UL);
    close_status();
    for (int fd = 0; fd <= 2; ++fd)
        ::close(fd);  // so that only the learner's process holds the output pipes
    for (;;) {
        int signal_number = 0;
        ::sigwait(&child_exits, &signal_number);
        while (::waitpid(-1, nullptr, WNOHANG) > 0) {
        }
    }
}

// The wait status of `pid`, or -1 if it cannot be had.
int wait_for(pid_t pid)
{
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return status;
}

// Ends this process the way the learner's process ended: a signal is raised again (with its default action),
// an exit code is passed on.
[[noreturn]] void end_like(int status)
{
    if (WIFSIGNALED(status)) {
        int const signal_number = WTERMSIG(status);
        ::signal(signal_number, SIG_DFL);
        sigset_t only;
        ::sigemptyset(&only);
        ::sigaddset(&only, signal_number);
        ::sigprocmask(SIG_UNBLOCK, &only, nullptr);
        ::raise(signal_number);
        ::_exit(128 + signal_number);  // a signal whose default action is to ignore it
    }
    ::_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 127);
}

}  // namespace

void enter_namespaces(core::sandbox_layer_set layers)
{
    if (!layers.has(sandbox_layer::user_ns))
        fail(launcher_step::arguments, EINVAL);
    uid_t const uid = ::getuid();
    gid_t const gid = ::getgid();
    int flags = CLONE_NEWUSER;
    flags |= layers.has(sandbox_layer::mount_ns) ? CLONE_NEWNS : 0;
    flags |= layers.has(sandbox_layer::pid_ns) ? CLONE_NEWPID : 0;
    flags |= layers.has(sandbox_layer::net_ns) ? CLONE_NEWNET : 0;
    flags |= layers.has(sandbox_layer::ipc_ns) ? CLONE_NEWIPC : 0;
    flags |= layers.has(sandbox_layer::uts_ns) ? CLONE_NEWUTS : 0;
    if (::unshare(flags) != 0)
        fail(launcher_step::unshare);

    // An unprivileged process may map only its own ids, and the gid map only once setgroups is denied.
    write_file("/proc/self/setgroups", "deny");
    write_file("/proc/self/uid_map", std::to_string(uid) + ' ' + std::to_string(uid) + " 1");
    write_file("/proc/self/gid_map", std::to_string(gid) + ' ' + std::to_string(gid) + " 1");

    if (layers.has(sandbox_layer::uts_ns)) {
        constexpr std::string_view host_name = "pyfun";
        if (::sethostname(host_name.data(), host_name.size()) != 0)
            fail(launcher_step::hostname);
    }
}

void split_for_pid_namespace()
{
    pid_t const init = ::fork();  // the first child in the new namespace is its pid 1
    if (init < 0)
        fail(launcher_step::fork);
    if (init == 0)
        be_init();

    pid_t const learner = ::fork();
    if (learner < 0) {
        ::kill(init, SIGKILL);
        fail(launcher_step::fork);
    }
    if (learner == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0UL, 0UL, 0UL);
        // Its own process group: kill(0, ...) then reaches the learner's process only, not the launcher.
        if (::setsid() < 0)
            fail(launcher_step::fork);
        return;
    }

    close_status();
    for (int fd = 0; fd <= 2; ++fd)
        ::close(fd);
    int const status = wait_for(learner);
    ::kill(init, SIGKILL);  // pid 1 ends, and with it anything still in the namespace
    wait_for(init);
    if (status < 0)
        ::_exit(127);
    end_like(status);
}

}  // namespace pyfun::launcher
