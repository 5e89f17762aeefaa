#include "bench/spawned_process.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace pyfun::bench {
namespace {

std::vector<char*> pointers(std::vector<std::string>& strings)
{
    std::vector<char*> out;
    for (auto& s : strings)
        out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

double millis(timeval const& t)
{
    return static_cast<double>(t.tv_sec) * 1000.0 + static_cast<double>(t.tv_usec) / 1000.0;
}

} // namespace

std::vector<std::string> environment_with(std::vector<std::string> const& extra)
{
    std::vector<std::string> out = extra;
    for (char** e = environ; *e != nullptr; ++e)
        out.emplace_back(*e);
    return out;
}

spawned_process::spawned_process(std::string const& program,
                                 std::vector<std::string> const& arguments,
                                 std::vector<std::string> const& environment,
                                 child_output output)
{
    std::vector<std::string> argv_strings{ program };
    argv_strings.insert(argv_strings.end(), arguments.begin(), arguments.end());
    auto env_strings = environment_with(environment);
    auto argv = pointers(argv_strings);
    auto envp = pointers(env_strings);

    posix_spawn_file_actions_t actions;
    ::posix_spawn_file_actions_init(&actions);
    int pipe_fds[2] = { -1, -1 };
    if (output == child_output::read_lines) {
        if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
            throw std::runtime_error("pipe2 failed");
        ::posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
        ::posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
    }
    else {
        ::posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
        ::posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    }
    // Our own sockets (a fake server's listener) are not all close-on-exec: the child must not hold them.
    ::posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    int const failed = ::posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv.data(), envp.data());
    ::posix_spawn_file_actions_destroy(&actions);
    if (pipe_fds[1] >= 0)
        ::close(pipe_fds[1]);
    output_fd_ = pipe_fds[0];
    if (failed != 0) {
        if (output_fd_ >= 0)
            ::close(output_fd_);
        pid_ = -1;
        throw std::runtime_error("cannot start " + program + ": " + std::strerror(failed));
    }
}

spawned_process::~spawned_process()
{
    if (!exited_)
        stop(SIGKILL);
    if (drain_.joinable())
        drain_.join();
    else if (output_fd_ >= 0)
        ::close(output_fd_);
}

std::optional<std::string> spawned_process::wait_for_line(
  std::function<bool(std::string const&)> const& match,
  std::chrono::milliseconds timeout)
{
    if (output_fd_ < 0 || drain_.joinable())
        return std::nullopt;
    auto const deadline = std::chrono::steady_clock::now() + timeout;
    std::string pending;
    std::optional<std::string> found;
    while (!found) {
        auto const left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            break;
        pollfd waiting{ output_fd_, POLLIN, 0 };
        if (::poll(&waiting, 1, static_cast<int>(left.count())) <= 0)
            continue; // timeout (checked above) or EINTR
        char buffer[4096];
        auto const n = ::read(output_fd_, buffer, sizeof buffer);
        if (n <= 0)
            break;
        pending.append(buffer, static_cast<std::size_t>(n));
        for (auto newline = pending.find('\n'); newline != std::string::npos && !found;
             newline = pending.find('\n')) {
            lines_.push_back(pending.substr(0, newline));
            pending.erase(0, newline + 1);
            if (match(lines_.back()))
                found = lines_.back();
        }
    }
    drain_ = std::thread{ [fd = output_fd_] {
        char buffer[16384];
        while (::read(fd, buffer, sizeof buffer) > 0) {
        }
        ::close(fd);
    } };
    return found;
}

exit_info spawned_process::stop(int signal)
{
    if (!exited_ && pid_ > 0)
        ::kill(pid_, signal);
    return wait();
}

exit_info spawned_process::wait()
{
    if (exited_ || pid_ <= 0)
        return exited_.value_or(exit_info{});
    int status = 0;
    rusage usage{};
    pid_t reaped = -1;
    do
        reaped = ::wait4(pid_, &status, 0, &usage);
    while (reaped < 0 && errno == EINTR);
    exit_info info;
    if (reaped == pid_) {
        info.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        info.cpu_ms = millis(usage.ru_utime) + millis(usage.ru_stime);
    }
    exited_ = info;
    return info;
}

} // namespace pyfun::bench
