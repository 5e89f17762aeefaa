// bootstrap started the way Lambda starts a container image's entrypoint, since no Docker engine is at hand:
// Lambda's environment variables only, an unwritable working folder and HOME, and, where bubblewrap works, a
// read-only root with only /tmp writable, as a non-root user.

#include "support/fake_runtime_api.hpp"
#include "lambda_harness.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

using variable_list = std::vector<std::pair<std::string, std::string>>;

// What Lambda sets for a custom runtime (names from AWS's "Defined runtime environment variables"), with
// fake credentials that learner code must never see.
variable_list lambda_variables(pyfun::test::fake_runtime_api const& api, std::string const& task_root)
{
    return {
        {"AWS_LAMBDA_RUNTIME_API", api.address()},
        {"_HANDLER", "router"},
        {"LAMBDA_TASK_ROOT", task_root},
        {"LAMBDA_RUNTIME_DIR", "/var/runtime"},
        {"AWS_LAMBDA_FUNCTION_NAME", "pyfun-verify"},
        {"AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"},
        {"AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512"},
        {"AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand"},
        {"AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/pyfun-verify"},
        {"AWS_LAMBDA_LOG_STREAM_NAME", "2024/03/01/[$LATEST]0123456789abcdef0123456789abcdef"},
        {"AWS_REGION", "eu-west-1"},
        {"AWS_DEFAULT_REGION", "eu-west-1"},
        {"AWS_ACCESS_KEY_ID", "ASIAEXAMPLEEXAMPLE00"},
        {"AWS_SECRET_ACCESS_KEY", "lambda-test-secret-never-shown"},
        {"AWS_SESSION_TOKEN", "lambda-test-session-token"},
        {"TZ", ":UTC"},
        {"LANG", "en_US.UTF-8"},
        {"PATH", "/usr/local/bin:/usr/bin/:/bin:/opt/bin"},
        {"LD_LIBRARY_PATH",
         "/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib"},
        {"HOME", task_root},  // read-only like the rest of the task root
    };
}

bool bwrap_works()
{
    if (::access("/usr/bin/bwrap", X_OK) != 0)
        return false;
    pyfun::test::child_process probe{
        "/usr/bin/bwrap", {"--ro-bind", "/", "/", "--unshare-user", "--uid", "993", "--", "/bin/true"}};
    return probe.wait_exit(20s) == 0;
}

// bwrap: the host's root read-only, a fresh /tmp the only writable place, a non-root uid, Lambda's variables
// only, the task root as working folder. The network stays shared: the Runtime API listens on our loopback.
std::vector<std::string> bwrap_arguments(variable_list const& variables, std::string const& task_root)
{
    std::vector<std::string> arguments{"--ro-bind",
                                       "/",
                                       "/",
                                       "--dev",
                                       "/dev",
                                       "--proc",
                                       "/proc",
                                       "--tmpfs",
                                       "/tmp",
                                       // A checkout or build under /tmp would vanish under the fresh /tmp.
                                       "--ro-bind",
                                       PYFUN_SOURCE_DIR,
                                       PYFUN_SOURCE_DIR,
                                       "--ro-bind",
                                       PYFUN_BIN_DIR,
                                       PYFUN_BIN_DIR,
                                       "--unshare-user",
                                       "--uid",
                                       "993",
                                       "--gid",
                                       "990",
                                       "--unshare-pid",
                                       "--unshare-ipc",
                                       "--unshare-uts",
                                       "--die-with-parent",
                                       "--clearenv"};
    for (auto const& [name, value] : variables) {
        arguments.insert(arguments.end(), {"--setenv", name, value});
    }
    arguments.insert(arguments.end(),
                     {"--chdir", task_root, "--", pyfun::test::binary("bootstrap"), "router"});
    return arguments;
}

// Without bwrap: only the environment and the working folder are Lambda's.
std::vector<std::string> env_arguments(variable_list const& variables, std::string const& task_root)
{
    std::vector<std::string> arguments{"-i", "-C", task_root};
    for (auto const& [name, value] : variables)
        arguments.push_back(name + "=" + value);
    arguments.insert(arguments.end(), {pyfun::test::binary("bootstrap"), "router"});
    return arguments;
}

std::string verify_event(std::string const& answer)
{
    return pyfun::test::http_api_event(
        "POST", "/stage/basics/hello",
        json::serialize(json::object{{"answer", json::object{{"field_1", answer}}}}));
}

}  // namespace

TEST_CASE(
    "bootstrap serves under Lambda's conditions: its variables only, read-only root, only /tmp writable, "
    "not root",
    "[lambda]")
{
    pyfun::test::fake_runtime_api api;
    // The task root holds lessons/ and nothing else bootstrap needs: lessons are found through
    // LAMBDA_TASK_ROOT.
    std::string const task_root = std::string{PYFUN_FIXTURES} + "/lambda";
    auto const variables = lambda_variables(api, task_root);
    bool const sandboxed = bwrap_works();
    if (!sandboxed)
        WARN("bubblewrap (bwrap) is missing or cannot create a user namespace here: bootstrap runs with "
             "Lambda's "
             "environment and working folder only, NOT on a read-only root as a non-root user (install the "
             "Debian "
             "package bubblewrap to test that part)");
    pyfun::test::child_process bootstrap{sandboxed ? "/usr/bin/bwrap" : "/usr/bin/env",
                                         sandboxed ? bwrap_arguments(variables, task_root)
                                                   : env_arguments(variables, task_root)};

    auto const ready = bootstrap.wait_for_line(
        [](std::string const& line) { return line.find("\"message\":\"ready\"") != std::string::npos; });
    REQUIRE(ready);
    CHECK(ready->find("\"lessons\":\"dir:" + task_root + "/lessons\"") != std::string::npos);
    if (sandboxed)
        CHECK(ready->find("uid_drop") == std::string::npos);  // not root: nothing to drop

    auto const stages = api.wait_for_result(api.enqueue(pyfun::test::http_api_event("GET", "/stage")));
    REQUIRE(stages);
    CHECK(pyfun::test::read_answer(stages->body).json_body.at("data").at("basics").at("index") == 1);

    // Learner code runs: its work folder lives under /tmp.
    auto const accepted = api.wait_for_result(api.enqueue(verify_event("'hello'")));
    REQUIRE(accepted);
    auto const verdict = pyfun::test::read_answer(accepted->body).json_body.at("data");
    CHECK(verdict.at("result") == true);
    CHECK(verdict.at("verdict") == "accepted");

    // It does not see the function's credentials.
    auto const secret = api.wait_for_result(
        api.enqueue(verify_event("__import__('os').environ.get('AWS_SECRET_ACCESS_KEY')")));
    REQUIRE(secret);
    CHECK(pyfun::test::read_answer(secret->body).json_body.at("data").at("stdout") == json::array{"None\n"});
    CHECK(secret->body.find("lambda-test-secret") == std::string::npos);

    if (sandboxed) {
        // The harness really is read-only outside /tmp (so the answers above were made under that condition).
        auto const write =
            api.wait_for_result(api.enqueue(verify_event("open('" + task_root + "/probe', 'w')")));
        REQUIRE(write);
        auto const stderr_lines = pyfun::test::read_answer(write->body).json_body.at("data").at("stderr");
        CHECK(json::serialize(stderr_lines).find("Read-only file system") != std::string::npos);
    }

    api.stop();  // Lambda going away: bootstrap gives up after its retries
    auto const exit_code = bootstrap.wait_exit(20s);
    REQUIRE(exit_code);
    CHECK(*exit_code != 0);
}
