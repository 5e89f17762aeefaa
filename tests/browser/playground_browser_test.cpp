// The playground in a real browser: tests/browser/playground_browser.sh installs Chromium (apt) and
// playwright-core (npm) when missing, and tests/browser/playground_browser.mjs drives the page against the real
// pyfun-server with --watch. Screenshots land in <build>/browser/run/screenshots.

#include "e2e/script_check.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>

TEST_CASE("the playground works in headless Chromium against the real pyfun-server", "[browser][e2e]")
{
    using namespace std::chrono_literals;
    std::string const script = std::string{PYFUN_SOURCE_DIR} + "/tests/browser/playground_browser.sh";
    std::string const work_dir = std::string{PYFUN_BIN_DIR} + "/../browser";
    // Under ctest's 300 s; a first run installs playwright-core (and Chromium when missing).
    pyfun::test::expect_script_passes("the browser test", {script, PYFUN_BIN_DIR, work_dir}, 280s);
}
