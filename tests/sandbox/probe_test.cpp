// The probe and the policy: which layers work here, and what auto, strict and portable make of that.

#include "sandbox/sandbox_support.hpp"

#include "lib/sandbox_probe.hpp"
#include "support/run_sync.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

namespace {

namespace core = pyfun::core;
using core::sandbox_layer;

core::runner_options base_options()
{
    return core::runner_options{pyfun::test::facts().interpreter, {}};
}

// The auto plan itself, whatever the suites were told to use (sandbox_support.hpp).
core::sandbox_plan const& auto_plan()
{
    static auto const plan = [] {
        auto found = core::plan_sandbox(core::sandbox_policy::automatic, base_options());
        REQUIRE(found.has_value());
        return *found;
    }();
    return plan;
}

bool probed(core::sandbox_plan const& plan, std::string const& layer)
{
    auto const named = [&](core::layer_probe const& p) { return p.layer == layer; };
    return std::any_of(plan.probes.begin(), plan.probes.end(), named);
}

}  // namespace

TEST_CASE("the sandbox policy is auto, strict or portable", "[sandbox][probe]")
{
    CHECK(core::parse_sandbox_policy("auto") == core::sandbox_policy::automatic);
    CHECK(core::parse_sandbox_policy("strict") == core::sandbox_policy::strict);
    CHECK(core::parse_sandbox_policy("portable") == core::sandbox_policy::portable);
    CHECK_FALSE(core::parse_sandbox_policy(""));
    CHECK_FALSE(core::parse_sandbox_policy("Auto"));
    CHECK_FALSE(core::parse_sandbox_policy("none"));
    for (auto const policy :
         {core::sandbox_policy::automatic, core::sandbox_policy::strict, core::sandbox_policy::portable})
        CHECK(core::parse_sandbox_policy(core::policy_name(policy)) == policy);
}

TEST_CASE("launcher layer sets round-trip through their command-line text", "[sandbox][probe]")
{
    core::sandbox_layer_set const layers{sandbox_layer::user_ns, sandbox_layer::net_ns,
                                         sandbox_layer::seccomp};
    CHECK(layers.to_string() == "user_ns,net_ns,seccomp");
    CHECK(core::sandbox_layer_set::parse(layers.to_string()) == layers);
    CHECK(core::sandbox_layer_set::parse("") == core::sandbox_layer_set{});
    CHECK_FALSE(core::sandbox_layer_set::parse("user_ns,bogus"));
    CHECK_FALSE(core::sandbox_layer_set::parse("user_ns,"));
}

TEST_CASE("the portable policy probes nothing and needs no launcher", "[sandbox][probe]")
{
    auto options = base_options();
    options.launcher = "/nonexistent/pyfun-launcher";

    auto const plan = core::plan_sandbox(core::sandbox_policy::portable, options);

    REQUIRE(plan.has_value());
    CHECK(plan->layers.empty());
    CHECK(plan->launcher.empty());
    CHECK(plan->probes.empty());
    CHECK(plan->warnings.empty());
}

TEST_CASE("without a launcher auto falls back to the portable layers and strict refuses", "[sandbox][probe]")
{
    auto options = base_options();
    options.launcher = "/nonexistent/pyfun-launcher";

    auto const automatic = core::plan_sandbox(core::sandbox_policy::automatic, options);
    REQUIRE(automatic.has_value());
    CHECK(automatic->layers.empty());
    REQUIRE(automatic->warnings.size() == 1);
    CHECK_THAT(automatic->warnings.front(), Catch::Contains("/nonexistent/pyfun-launcher"));

    auto const strict = core::plan_sandbox(core::sandbox_policy::strict, options);
    REQUIRE(strict.has_error());
    CHECK_THAT(strict.error(), Catch::Contains("pyfun-launcher not found"));
}

TEST_CASE("PYFUN_LAUNCHER names the launcher when none is configured", "[sandbox][probe]")
{
    auto const beside_us = core::find_launcher({});
    REQUIRE(beside_us);
    CHECK(beside_us->filename() == "pyfun-launcher");

    ::setenv("PYFUN_LAUNCHER", "/nonexistent/pyfun-launcher", 1);
    CHECK_FALSE(core::find_launcher({}));
    CHECK(core::find_launcher(*beside_us) == beside_us);  // a configured one wins
    ::unsetenv("PYFUN_LAUNCHER");
    CHECK_FALSE(core::find_launcher("relative/pyfun-launcher"));
}

TEST_CASE("the probe tries every launcher layer and the cgroup, and explains each one that fails",
          "[sandbox][probe]")
{
    auto const& plan = auto_plan();

    for (auto const& [layer, name] : core::sandbox_layer_names)
        CHECK(probed(plan, std::string{name}));
    CHECK(probed(plan, "cgroup"));
    for (auto const& probe : plan.probes) {
        INFO(probe.layer);
        CHECK(probe.works == probe.detail.empty());
    }
    // What works is in use, what does not is not; namespaces come only with user_ns.
    for (auto const& [layer, name] : core::sandbox_layer_names) {
        auto const probe = std::find_if(plan.probes.begin(), plan.probes.end(),
                                        [&, n = name](auto const& p) { return p.layer == n; });
        CHECK(plan.layers.has(layer) == probe->works);
    }
    if (plan.layers.any_namespace())
        CHECK(plan.layers.has(sandbox_layer::user_ns));
    CHECK(plan.launcher.empty() == plan.layers.empty());
    CHECK_THAT(core::describe(plan), Catch::StartsWith("sandbox auto:"));
}

TEST_CASE("the probe finds the layers the caller expects, if it says", "[sandbox][probe]")
{
    // Set by the nobody test (nobody_test.cpp): an unprivileged server gets the layers a root one gets.
    char const* const expected = std::getenv("PYFUN_SANDBOX_TEST_LAYERS");
    if (expected == nullptr)
        return;
    CHECK(pyfun::test::facts().plan.layers.to_string() == expected);
}

TEST_CASE("a layer whose throwaway run fails is off, with the reason", "[sandbox][probe]")
{
    auto options = base_options();
    options.interpreter = "/bin/false";  // starts under every layer, then fails

    auto const automatic = core::plan_sandbox(core::sandbox_policy::automatic, options);
    REQUIRE(automatic.has_value());
    CHECK(automatic->layers.empty());
    CHECK(automatic->launcher.empty());
    for (auto const& probe : automatic->probes) {
        INFO(probe.layer);
        CHECK_FALSE(probe.works);
    }
    CHECK_THAT(automatic->probes.front().detail, Catch::Contains("exit code 1"));

    auto const strict = core::plan_sandbox(core::sandbox_policy::strict, options);
    REQUIRE(strict.has_error());
    CHECK_THAT(strict.error(), Catch::Contains("user_ns (the interpreter ended with exit code 1"));
}

TEST_CASE("strict starts exactly when every namespace and seccomp work", "[sandbox][probe]")
{
    auto const& found = auto_plan().layers;
    bool const complete = found.has(sandbox_layer::user_ns) && found.has(sandbox_layer::mount_ns) &&
                          found.has(sandbox_layer::pid_ns) && found.has(sandbox_layer::net_ns) &&
                          found.has(sandbox_layer::ipc_ns) && found.has(sandbox_layer::uts_ns) &&
                          found.has(sandbox_layer::seccomp);

    auto const strict = core::plan_sandbox(core::sandbox_policy::strict, base_options());

    CHECK(strict.has_value() == complete);
    if (strict)
        CHECK(strict->layers == found);
    else
        CHECK_THAT(strict.error(), Catch::StartsWith("sandbox strict:"));
}

TEST_CASE("a runner names its launcher layers among its sandbox layers", "[sandbox][probe]")
{
    auto options = base_options();
    options.launcher = pyfun::test::facts().launcher;
    options.layers = {sandbox_layer::user_ns, sandbox_layer::seccomp};
    core::runner const sandbox{options};

    auto const layers = sandbox.sandbox_layers();

    CHECK(std::count(layers.begin(), layers.end(), "rlimits") == 1);
    CHECK(std::count(layers.begin(), layers.end(), "user_ns") == 1);
    CHECK(std::count(layers.begin(), layers.end(), "seccomp") == 1);
    CHECK(std::count(layers.begin(), layers.end(), "landlock") == 0);
}

TEST_CASE("launcher layers without a launcher are a programming error", "[sandbox][probe]")
{
    auto options = base_options();
    options.layers = {sandbox_layer::seccomp};
    CHECK_THROWS_AS(core::runner{options}, std::invalid_argument);
}

TEST_CASE("a launcher that cannot start or set up is a sandbox error, never the learner's output",
          "[sandbox][probe]")
{
    pyfun::test::scratch_folder const root{"pyfun-probe-test"};
    core::run_limits limits;
    limits.wall = std::chrono::seconds{5};

    SECTION("a missing launcher")
    {
        auto options = pyfun::test::sandboxed_options(root.path(), {sandbox_layer::seccomp});
        options.launcher = "/nonexistent/pyfun-launcher";
        core::runner sandbox{options};
        auto const result = pyfun::test::run_sync(sandbox.run("print('hi')\n", {}, limits));
        CHECK(result.status == core::run_status::sandbox_error);
        CHECK_THAT(result.error, Catch::Contains("execve(/nonexistent/pyfun-launcher)"));
    }
    SECTION("a namespace without user_ns, which an unprivileged launcher cannot make")
    {
        core::runner sandbox{pyfun::test::sandboxed_options(root.path(), {sandbox_layer::net_ns})};
        auto const result = pyfun::test::run_sync(sandbox.run("print('hi')\n", {}, limits));
        CHECK(result.status == core::run_status::sandbox_error);
        CHECK_THAT(result.error, Catch::StartsWith("launcher: bad arguments"));
        CHECK(result.stdout_bytes.empty());
        CHECK(result.stderr_bytes.empty());
    }
    CHECK(root.empty());
    CHECK(pyfun::test::own_children() == 0);
}
