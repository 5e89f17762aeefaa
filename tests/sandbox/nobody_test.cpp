// The sandbox suites again, with the whole test process running as nobody (uid/gid 65534): the server need
// not be root for the layers to work. Runs only where we are root, so that setpriv can switch. The probe as
// nobody must find the layers it found as root (checked inside, through PYFUN_SANDBOX_TEST_LAYERS).

#include "sandbox/sandbox_support.hpp"

#include "support/child_process.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>

TEST_CASE("runs keep their layers and verdicts when the server is not root", "[sandbox][nobody]")
{
    if (::geteuid() != 0) {
        WARN("not root: this process is the unprivileged case already");
        return;
    }
    REQUIRE(std::filesystem::exists("/usr/bin/setpriv"));  // util-linux, essential on Debian
    auto const self = std::filesystem::read_symlink("/proc/self/exe").string();
    pyfun::test::child_process suites{
        "/usr/bin/setpriv",
        {"--reuid=65534", "--regid=65534", "--clear-groups", "--", self, "[hostile],[layers],[probe]"},
        {"TMPDIR=/tmp", "PYFUN_SANDBOX_TEST_LAYERS=" + pyfun::test::facts().plan.layers.to_string()}};

    auto const status = suites.wait_exit(std::chrono::minutes{5});

    std::string output;
    for (auto const& line : suites.lines())
        output += line + '\n';
    INFO(output);
    REQUIRE(status);
    CHECK(*status == 0);
    CHECK_THAT(output, Catch::Contains("All tests passed"));
}
