#include "support/child_process.hpp"

#include <csignal>
#include <cstring>
#include <regex>
#include <stdexcept>

#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace pyfun::test {

child_process::child_process(std::string const& executable, std::vector<std::string> const& arguments,
                             std::vector<std::string> const& environment)
{
    std::vector<std::string> argv_strings{executable};
    argv_strings.insert(argv_strings.end(), arguments.begin(), arguments.end());
    std::vector<std::string> env_strings;
    for (char** e = environ; *e; ++e)
        env_strings.emplace_back(*e);
    env_strings.insert(env_strings.end(), environment.begin(), environment.end());
    std::vector<char*> argv;
    for (auto& s : argv_strings)
        argv.push_back(s.data());
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (auto& s : env_strings)
        envp.push_back(s.data());
    envp.push_back(nullptr);

    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe2 failed");
    pid_ = ::fork();
    if (pid_ == 0) {
        ::dup2(fds[1], 1);
        ::dup2(fds[1], 2);
        // Asio's sockets are not close-on-exec: a child must not keep a test server's listener alive.
        ::syscall(SYS_close_range, 3U, ~0U, 0U);
        ::execve(executable.c_str(), argv.data(), envp.data());
        ::_exit(127);
    }
    ::close(fds[1]);
    if (pid_ < 0) {
        ::close(fds[0]);
        throw std::runtime_error("fork failed");
    }
    reader_ = std::thread{[this, fd = fds[0]] { read_stderr(fd); }};
}

child_process::~child_process()
{
    if (!exit_status_ && pid_ > 0) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
    if (reader_.joinable())
        reader_.join();
}

void child_process::read_stderr(int fd)
{
    std::string pending;
    char buffer[4096];
    for (;;) {
        auto const n = ::read(fd, buffer, sizeof buffer);
        if (n <= 0)
            break;
        pending.append(buffer, static_cast<std::size_t>(n));
        std::size_t newline;
        while ((newline = pending.find('\n')) != std::string::npos) {
            std::lock_guard lock{mutex_};
            lines_.push_back(pending.substr(0, newline));
            pending.erase(0, newline + 1);
            changed_.notify_all();
        }
    }
    ::close(fd);
    std::lock_guard lock{mutex_};
    if (!pending.empty())
        lines_.push_back(pending);
    stderr_closed_ = true;
    changed_.notify_all();
}

std::optional<std::string> child_process::wait_for_line(std::function<bool(std::string const&)> const& match,
                                                        std::chrono::milliseconds timeout)
{
    std::unique_lock lock{mutex_};
    std::size_t checked = 0;
    auto const deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        for (; checked < lines_.size(); ++checked)
            if (match(lines_[checked]))
                return lines_[checked];
        if (stderr_closed_ || changed_.wait_until(lock, deadline) == std::cv_status::timeout)
            return std::nullopt;
    }
}

std::vector<std::string> child_process::lines() const
{
    std::lock_guard lock{mutex_};
    return lines_;
}

void child_process::send_signal(int signal) const { ::kill(pid_, signal); }

std::optional<int> child_process::wait_exit(std::chrono::milliseconds timeout)
{
    if (exit_status_)
        return exit_status_;
    // The process closes stderr as it exits: wait for that, then reap without blocking for long.
    {
        std::unique_lock lock{mutex_};
        if (!changed_.wait_for(lock, timeout, [&] { return stderr_closed_; }))
            return std::nullopt;
    }
    int status = 0;
    if (::waitpid(pid_, &status, 0) != pid_)
        return std::nullopt;
    exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return exit_status_;
}

std::optional<unsigned short> port_from_banner(std::string const& line)
{
    static std::regex const pattern{R"(https?://[^ /]+:(\d+)/)"};
    std::smatch m;
    if (!std::regex_search(line, m, pattern))
        return std::nullopt;
    return static_cast<unsigned short>(std::stoul(m[1].str()));
}

}  // namespace pyfun::test
