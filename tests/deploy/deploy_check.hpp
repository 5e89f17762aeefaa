#pragma once
// Runs one check of tests/deploy/check.sh (Node.js tools from npm, installed into the build tree on first
// use) and asserts, with Catch2, that it passed; a check skipped for want of Node.js or the npm registry
// (exit 77) only warns.

#include <string>
#include <vector>

namespace pyfun::test {

// `arguments` follow the build folder: {"workflows"}, {"answers", "/path/config.json"}, ...
void expect_deploy_check(std::vector<std::string> const& arguments);

}  // namespace pyfun::test
