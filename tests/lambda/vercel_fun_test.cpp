// A real third-party Runtime API peer: @vercel/fun (from npm) runs and invokes the real bootstrap.
// tests/e2e/lambda_vercel_fun.sh installs it into the build tree and runs tests/lambda/vercel_fun_peer.js.

#include "lambda_harness.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>

TEST_CASE("@vercel/fun 1.3.6 runs bootstrap under its provided runtime and gets the right answers",
          "[lambda][e2e]")
{
    using namespace std::chrono_literals;
    std::string const script = std::string{PYFUN_SOURCE_DIR} + "/tests/e2e/lambda_vercel_fun.sh";
    std::string const work_dir = std::string{PYFUN_BIN_DIR} + "/../vercel-fun";
    pyfun::test::child_process peer{"/bin/bash", {script, PYFUN_BIN_DIR, PYFUN_FIXTURES, work_dir}};

    // The peer prints a summary line last; wait for it, then for the exit. A process that outlives the peer
    // keeps our stderr pipe open, which shows up as a missing exit below.
    auto const summary = peer.wait_for_line(
        [](std::string const& line) {
            return line.starts_with("SKIP") || line == "all checks passed" ||
                   line.ends_with("check(s) failed") || line.starts_with("not ok - the peer script failed");
        },
        280s);  // a first run installs the package
    auto const exit_code = peer.wait_exit(30s);
    std::string report;
    for (auto const& line : peer.lines())
        if (line.starts_with("ok - ") || line.starts_with("not ok - ") || line.starts_with("SKIP") ||
            line.find("check") != std::string::npos || line.find("Error") != std::string::npos)
            report += line + "\n";
    INFO(report);
    REQUIRE(summary);
    REQUIRE(exit_code);  // nothing the peer started outlived it
    if (*exit_code == 77) {
        WARN("the @vercel/fun peer test was skipped:\n" << report);
        return;
    }
    CHECK(*exit_code == 0);
    CHECK(report.find("all checks passed") != std::string::npos);
}
