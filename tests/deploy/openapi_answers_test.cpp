// openapi.yaml against real answers: four pyfun-server processes (folder lessons, the same in compat mode,
// lessons from the fake GitHub with the push webhook, and a GitHub source that cannot be reached) answer
// every documented route and status; tests/deploy/check_answers.js sends the requests and validates them.

#include "deploy/deploy_check.hpp"

#include "github/github_test_support.hpp"
#include "support/child_process.hpp"
#include "support/fake_github.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <memory>

namespace {

namespace json = boost::json;
using pyfun::test::child_process;

constexpr char const* webhook_secret = "openapi-webhook-secret";
constexpr int max_body_bytes = 4096;

// Starts pyfun-server on an ephemeral port and returns its base URL, read from the banner.
std::string start_server(std::vector<std::unique_ptr<child_process>>& servers, std::vector<std::string> arguments,
                         std::vector<std::string> environment = {})
{
    std::vector<std::string> args{"--listen", "127.0.0.1:0", "--plain-http", "--max-body-bytes",
                                  std::to_string(max_body_bytes)};
    args.insert(args.end(), arguments.begin(), arguments.end());
    servers.push_back(std::make_unique<child_process>(std::string{PYFUN_BIN_DIR} + "/pyfun-server", args, environment));
    auto const banner = servers.back()->wait_for_line(
        [](std::string const& line) { return line.starts_with("pyfun-server: serving "); });
    REQUIRE(banner.has_value());
    auto const port = pyfun::test::port_from_banner(*banner);
    REQUIRE(port.has_value());
    return "http://127.0.0.1:" + std::to_string(*port);
}

}  // namespace

TEST_CASE("every documented route and status of openapi.yaml is a real answer of pyfun-server, and back",
          "[deploy][e2e]")
{
    pyfun::test::fake_github fake;
    auto const head = fake.push(pyfun::test::lesson_repository(1, 1));
    std::string const folder_lessons = "dir:" + std::string{PYFUN_FIXTURES} + "/lambda/lessons";
    std::string const github_lessons = "github:" + fake.owner() + "/" + fake.name() + "@main";
    std::string const secret_variable = std::string{"PYFUN_GITHUB_WEBHOOK_SECRET="} + webhook_secret;

    std::vector<std::unique_ptr<child_process>> servers;
    json::object urls;
    urls["plain"] = start_server(servers, {"--lessons", folder_lessons});
    urls["compat"] = start_server(servers, {"--lessons", folder_lessons, "--compat", "pyfun-v2"});
    urls["github"] = start_server(servers, {"--lessons", github_lessons},
                                  {"PYFUN_GITHUB_API=" + fake.api_url(), "PYFUN_GITHUB_CA_FILE=" + fake.ca_file(),
                                   "PYFUN_GITHUB_TOKEN=" + std::string{pyfun::test::test_token}, secret_variable});
    // Port 1 on loopback: nothing listens there, so every GitHub request fails at once.
    urls["github_down"] = start_server(servers, {"--lessons", github_lessons},
                                       {"PYFUN_GITHUB_API=https://127.0.0.1:1", secret_variable});

    json::object config{{"servers", urls},
                        {"webhook_secret", webhook_secret},
                        {"head_commit", head},
                        {"github_lesson", "/stage/stage_1/lesson_1"},
                        {"github_answer", {{"field_1", "answer 1.1"}}},
                        {"max_body_bytes", max_body_bytes}};
    std::string const config_file = std::string{PYFUN_BIN_DIR} + "/../openapi-answers.json";
    std::ofstream{config_file} << json::serialize(config);

    pyfun::test::expect_deploy_check({"answers", config_file});
}
