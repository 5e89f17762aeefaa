#pragma once
// One child process for the benchmarks: posix_spawn (no copy of this process's memory, so the spawn cost is
// the child's own), its stderr either dropped or read line by line until a wanted line and then drained by a
// thread so a chatty child (an access log per request) never blocks on a full pipe. Reaped with wait4 for
// its CPU time. Killed and reaped on destruction if still running. Its ru_maxrss is not reported: Linux
// carries the RSS of the process that called exec into it (with posix_spawn, ours), so a small child shows
// our size; read VmHWM from /proc (proc_status.hpp) while it still runs instead.

#include <sys/resource.h>
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace pyfun::bench {

enum class child_output { discard, read_lines };

struct exit_info {
    int status = -1;   // WEXITSTATUS, or 128 + signal
    double cpu_ms = 0; // user + system time, from wait4's rusage
};

class spawned_process {
  public:
    // `environment` entries ("NAME=value") come before a copy of ours, so they win (getenv finds the first).
    // Throws std::runtime_error when the program cannot be started.
    spawned_process(std::string const& program,
                    std::vector<std::string> const& arguments,
                    std::vector<std::string> const& environment,
                    child_output output);
    ~spawned_process();
    spawned_process(spawned_process const&) = delete;
    spawned_process& operator=(spawned_process const&) = delete;

    pid_t pid() const { return pid_; }

    // Reads stderr+stdout lines until `match` holds for one (returned), the output ends or `timeout` passes
    // (nullopt). Afterwards a thread drains the rest. Only with child_output::read_lines, once.
    std::optional<std::string> wait_for_line(std::function<bool(std::string const&)> const& match,
                                             std::chrono::milliseconds timeout);
    // Every line read by wait_for_line, for error messages.
    std::vector<std::string> const& lines_read() const { return lines_; }

    // Sends `signal` (unless already reaped) and reaps.
    exit_info stop(int signal);
    // Waits for the exit (blocking) and reaps.
    exit_info wait();

  private:
    pid_t pid_ = -1;
    int output_fd_ = -1;
    std::vector<std::string> lines_;
    std::thread drain_;
    std::optional<exit_info> exited_;
};

// The environment of this process plus `extra` in front, as posix_spawn wants it (owned strings).
std::vector<std::string> environment_with(std::vector<std::string> const& extra);

} // namespace pyfun::bench
