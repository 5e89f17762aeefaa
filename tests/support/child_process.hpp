#pragma once
// Starts one of our binaries for an end-to-end test and watches its output (stdout and stderr, merged)
// from a thread, so a test can wait for a line (such as the "serving ... on http://127.0.0.1:PORT/" banner) without polling.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <sys/types.h>

namespace pyfun::test {

class child_process {
public:
    // `environment` entries ("NAME=value") are added to a copy of ours.
    child_process(std::string const& executable, std::vector<std::string> const& arguments,
                  std::vector<std::string> const& environment = {});
    ~child_process();  // SIGKILLs and reaps the process if it is still running
    child_process(child_process const&) = delete;
    child_process& operator=(child_process const&) = delete;

    // The first stderr line for which `match` holds, waiting at most `timeout`; nullopt on timeout or exit.
    std::optional<std::string> wait_for_line(std::function<bool(std::string const&)> const& match,
                                             std::chrono::milliseconds timeout = std::chrono::seconds{20});

    // Every stderr line so far.
    std::vector<std::string> lines() const;

    void send_signal(int signal) const;

    // The exit status (WEXITSTATUS, or 128 + signal), or nullopt if it did not end within `timeout`.
    std::optional<int> wait_exit(std::chrono::milliseconds timeout);

    pid_t pid() const { return pid_; }

private:
    void read_stderr(int fd);

    pid_t pid_ = -1;
    std::optional<int> exit_status_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::string> lines_;
    bool stderr_closed_ = false;
    std::thread reader_;
};

// Reads the port from a banner such as "... on https://127.0.0.1:40123/ ...".
std::optional<unsigned short> port_from_banner(std::string const& line);

}  // namespace pyfun::test
