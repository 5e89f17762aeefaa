#pragma once
// Runs a check script of ours (a shell script driving Node.js tools installed from npm into the build tree)
// and asserts, with Catch2, that it passed. Such scripts print "ok - ..." / "not ok - ..." lines and end with
// "all checks passed", "<n> check(s) failed" or "SKIP: <why>" (exit 77: no Node.js, registry unreachable),
// which only warns.

#include <chrono>
#include <string>
#include <vector>

namespace pyfun::test {

// `what` names the check in messages; `budget` bounds the wait for the summary (a first run installs).
void expect_script_passes(std::string const& what, std::vector<std::string> const& bash_arguments,
                          std::chrono::seconds budget);

}  // namespace pyfun::test
