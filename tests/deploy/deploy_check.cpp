#include "deploy/deploy_check.hpp"

#include "e2e/script_check.hpp"

#include <chrono>

namespace pyfun::test {

void expect_deploy_check(std::vector<std::string> const& arguments)
{
    using namespace std::chrono_literals;
    std::vector<std::string> script_arguments{std::string{PYFUN_SOURCE_DIR} + "/tests/deploy/check.sh",
                                              std::string{PYFUN_BIN_DIR} + "/.."};
    script_arguments.insert(script_arguments.end(), arguments.begin(), arguments.end());
    expect_script_passes("the deploy check " + arguments.front(), script_arguments, 250s);
}

}  // namespace pyfun::test
