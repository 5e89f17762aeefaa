// A real third-party Runtime API peer: @vercel/fun (from npm) runs and invokes the real bootstrap.
// tests/e2e/lambda_vercel_fun.sh installs it into the build tree and runs tests/lambda/vercel_fun_peer.js.

#include "e2e/script_check.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>

TEST_CASE("@vercel/fun 1.3.6 runs bootstrap under its provided runtime and gets the right answers",
          "[lambda][e2e]")
{
    using namespace std::chrono_literals;
    std::string const script = std::string{PYFUN_SOURCE_DIR} + "/tests/e2e/lambda_vercel_fun.sh";
    std::string const work_dir = std::string{PYFUN_BIN_DIR} + "/../vercel-fun";
    // A first run installs the package.
    pyfun::test::expect_script_passes("the @vercel/fun peer test",
                                      {script, PYFUN_BIN_DIR, PYFUN_FIXTURES, work_dir}, 280s);
}
