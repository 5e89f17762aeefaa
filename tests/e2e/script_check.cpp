#include "e2e/script_check.hpp"

#include "support/child_process.hpp"

#include <catch2/catch.hpp>

namespace pyfun::test {

void expect_script_passes(std::string const& what, std::vector<std::string> const& bash_arguments,
                          std::chrono::seconds budget)
{
    using namespace std::chrono_literals;
    child_process script{"/bin/bash", bash_arguments};
    // The summary comes last; then the exit. A process that outlives the script keeps our stderr pipe open,
    // which shows up as a missing exit below.
    auto const summary = script.wait_for_line(
        [](std::string const& line) {
            return line.starts_with("SKIP") || line == "all checks passed" || line.ends_with("check(s) failed") ||
                   (line.starts_with("not ok - ") && line.find("script failed") != std::string::npos);
        },
        budget);
    auto const exit_code = script.wait_exit(30s);
    std::string report;
    for (auto const& line : script.lines())
        report += line + "\n";
    INFO(what << ":\n" << report);
    REQUIRE(summary);
    REQUIRE(exit_code);
    if (*exit_code == 77) {
        WARN(what << " was skipped:\n" << report);
        return;
    }
    CHECK(*summary == "all checks passed");
    CHECK(*exit_code == 0);
    CHECK(report.find("not ok") == std::string::npos);
}

}  // namespace pyfun::test
