// Cold start of the Lambda entrypoint, printed, not asserted (hidden: run with "[lambda-bench]"): from the
// posix_spawn of bootstrap to the first response posted to the fake Runtime API, and the process's peak RSS
// (VmHWM from /proc/<pid>/status, read right after that post). posix_spawn (vfork-like) keeps the cost of
// copying this large test process out of the figure. Set PYFUN_BENCH_BOOTSTRAP to measure another build (an
// optimised one) than this test binary's.

#include "fake_runtime_api.hpp"
#include "lambda_harness.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <csignal>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

extern char** environ;

namespace {

// bootstrap with the fake's address and the fixture lessons, stderr to /dev/null; killed and reaped on scope
// exit.
class spawned_bootstrap {
public:
    spawned_bootstrap(std::string const& path, std::string const& api_address)
    {
        std::vector<std::string> env_strings;
        for (char** e = environ; *e != nullptr; ++e)
            env_strings.emplace_back(*e);
        env_strings.push_back("AWS_LAMBDA_RUNTIME_API=" + api_address);
        env_strings.push_back("PYFUN_LESSONS=" + pyfun::test::lambda_lessons());
        std::vector<char*> envp;
        for (auto& entry : env_strings)
            envp.push_back(entry.data());
        envp.push_back(nullptr);
        std::string program = path;
        std::string handler = "router";
        std::array<char*, 3> argv{program.data(), handler.data(), nullptr};

        posix_spawn_file_actions_t actions;
        ::posix_spawn_file_actions_init(&actions);
        ::posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
        int const failed = ::posix_spawn(&pid_, path.c_str(), &actions, nullptr, argv.data(), envp.data());
        ::posix_spawn_file_actions_destroy(&actions);
        if (failed != 0)
            pid_ = -1;
    }
    ~spawned_bootstrap()
    {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    spawned_bootstrap(spawned_bootstrap const&) = delete;
    spawned_bootstrap& operator=(spawned_bootstrap const&) = delete;

    pid_t pid() const { return pid_; }

private:
    pid_t pid_ = -1;
};

long peak_rss_kb(pid_t pid)
{
    std::ifstream status{"/proc/" + std::to_string(pid) + "/status"};
    std::string line;
    while (std::getline(status, line))
        if (line.starts_with("VmHWM:"))
            return std::stol(line.substr(6));
    return -1;
}

template <typename T>
T percentile(std::vector<T> values, double p)
{
    std::sort(values.begin(), values.end());
    auto const index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
    return values[index];
}

void measure(std::string const& label, std::string const& event)
{
    constexpr int spawns = 20;
    char const* other = std::getenv("PYFUN_BENCH_BOOTSTRAP");
    std::string const bootstrap = other != nullptr ? other : pyfun::test::binary("bootstrap");
    pyfun::test::fake_runtime_api api;
    std::vector<double> millis;
    std::vector<long> rss;
    for (int i = 0; i < spawns; ++i) {
        auto const id = api.enqueue(event);  // waiting before the process starts, as in a cold invocation
        auto const started = std::chrono::steady_clock::now();
        spawned_bootstrap child{bootstrap, api.address()};
        REQUIRE(child.pid() > 0);
        auto const posted = api.wait_for_result(id);
        REQUIRE(posted);
        millis.push_back(std::chrono::duration<double, std::milli>(posted->received - started).count());
        rss.push_back(peak_rss_kb(child.pid()));
    }
    std::cout << "cold start, " << label << " (" << bootstrap << ", " << spawns << " spawns): median "
              << percentile(millis, 0.5) << " ms, min " << percentile(millis, 0.0) << " ms, p90 "
              << percentile(millis, 0.9) << " ms, max " << percentile(millis, 1.0) << " ms; peak RSS median "
              << percentile(rss, 0.5) << " kB, max " << percentile(rss, 1.0) << " kB\n";
}

}  // namespace

TEST_CASE("cold start of bootstrap to the first response posted", "[.][lambda-bench]")
{
    measure("GET /stage", pyfun::test::http_api_event("GET", "/stage"));
    measure(
        "first verify (runs Python)",
        pyfun::test::http_api_event("POST", "/stage/basics/hello", R"({"answer": {"field_1": "'hello'"}})"));
}
