// End to end: the real pyfun-server and `pyfun lint` reading lessons from the fake GitHub over HTTPS.

#include "github/github_test_support.hpp"

#include "service/test_client.hpp"
#include "support/child_process.hpp"
#include "support/fake_github.hpp"
#include "support/run_sync.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <openssl/hmac.h>

#include <catch2/catch.hpp>

#include <csignal>

namespace {

namespace net = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;
using pyfun::test::child_process;
using pyfun::test::fake_github;
using pyfun::test::http_reply;
using pyfun::test::run_sync;
using pyfun::test::test_client;
using pyfun::test::test_token;

constexpr char const* webhook_secret = "e2e-webhook-secret";

std::vector<std::string> github_environment(fake_github const& fake)
{
    return {"PYFUN_GITHUB_API=" + fake.api_url(), "PYFUN_GITHUB_CA_FILE=" + fake.ca_file(),
            "PYFUN_GITHUB_TOKEN=" + std::string{test_token},
            "PYFUN_GITHUB_WEBHOOK_SECRET=" + std::string{webhook_secret}};
}

http_reply call(unsigned short port, std::string method, std::string target, std::string body = {},
                pyfun::test::header_list headers = {})
{
    return run_sync([&]() -> net::awaitable<http_reply> {
        auto client = co_await test_client::connect(port);
        auto reply = co_await client.request(std::move(method), std::move(target), std::move(body),
                                             std::move(headers));
        co_return reply;
    }());
}

std::string signature(std::string const& body)
{
    unsigned char digest[32];
    unsigned int length = 0;
    std::string const key = webhook_secret;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<unsigned char const*>(body.data()), body.size(), digest, &length);
    std::string out = "sha256=";
    constexpr char hex[] = "0123456789abcdef";
    for (unsigned i = 0; i < length; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 0xf];
    }
    return out;
}

}  // namespace

TEST_CASE("pyfun-server --lessons github:... serves a repository from the fake GitHub end to end",
          "[github][e2e]")
{
    fake_github fake;
    fake.push(pyfun::test::lesson_repository(2, 3));
    child_process server{std::string{PYFUN_BIN_DIR} + "/pyfun-server",
                         {"--listen", "127.0.0.1:0", "--plain-http", "--lessons", "github:acme/lessons@main"},
                         github_environment(fake)};
    auto const banner =
        server.wait_for_line([](auto const& line) { return line.starts_with("pyfun-server: serving "); });
    REQUIRE(banner.has_value());
    CHECK(banner->find("github:acme/lessons@main") != std::string::npos);
    auto const port = pyfun::test::port_from_banner(*banner);
    REQUIRE(port.has_value());
    std::vector<std::string> bodies;

    auto const stages = call(*port, "GET", "/stage");
    bodies.push_back(stages.body);
    REQUIRE(stages.status == 200);
    CHECK(json::parse(stages.body).at("data").at("stage_2").at("url") == "/stage/stage_2/");

    auto const stage = call(*port, "GET", "/stage/stage_1");
    bodies.push_back(stage.body);
    REQUIRE(stage.status == 200);
    CHECK(json::parse(stage.body).at("data").at("lesson_3").at("title") == "Lesson 1.3");

    auto const lesson = call(*port, "GET", "/stage/stage_1/lesson_2");
    bodies.push_back(lesson.body);
    REQUIRE(lesson.status == 200);
    CHECK(json::parse(lesson.body).at("data").at("title") == "Lesson 1.2");
    CHECK(fake.count() ==
          1 + 1 + 8);  // ref, tree, every file once (for the stage list); the lesson was cached

    auto const verified =
        call(*port, "POST", "/stage/stage_1/lesson_2", R"({"answer": {"field_1": "answer 1.2"}})");
    bodies.push_back(verified.body);
    REQUIRE(verified.status == 200);
    CHECK(json::parse(verified.body).at("data").at("result") == true);

    auto const missing = call(*port, "GET", "/stage/stage_1/nope");
    CHECK(missing.status == 404);

    auto const health = call(*port, "GET", "/healthz");
    bodies.push_back(health.body);
    REQUIRE(health.status == 200);
    auto const github = json::parse(health.body).at("github");
    CHECK(github.at("commit").as_string() == fake.head());
    CHECK(github.at("cache").at("entries") == 8);
    CHECK(github.at("breaker").at("state") == "closed");

    // A push and its signed webhook: the next read serves the new commit at once.
    auto const pushed = fake.push({{"stage_1/s2_lesson_2.json", pyfun::test::lesson_json("Pushed", "p")}});
    auto const payload = json::serialize(json::object{{"ref", "refs/heads/main"}, {"after", pushed}});
    pyfun::test::header_list const unsigned_headers{{"X-GitHub-Event", "push"}};
    CHECK(call(*port, "POST", "/webhook/github", payload, unsigned_headers).status == 401);
    pyfun::test::header_list const signed_headers{{"X-GitHub-Event", "push"},
                                                  {"X-Hub-Signature-256", signature(payload)}};
    auto const hook = call(*port, "POST", "/webhook/github", payload, signed_headers);
    bodies.push_back(hook.body);
    CHECK(hook.status == 200);
    auto const changed = call(*port, "GET", "/stage/stage_1/lesson_2");
    CHECK(json::parse(changed.body).at("data").at("title") == "Pushed");

    server.send_signal(SIGTERM);
    CHECK(server.wait_exit(20s) == 0);
    for (auto const& line : server.lines())
        CHECK(line.find(test_token) == std::string::npos);
    for (auto const& body : bodies)
        CHECK(body.find(test_token) == std::string::npos);
    for (auto const& request : fake.requests())
        CHECK(request.header("authorization") == "Bearer " + std::string{test_token});
}

TEST_CASE("pyfun lint github:... checks a repository on the fake GitHub", "[github][e2e]")
{
    fake_github fake;
    fake.push(pyfun::test::lesson_repository(1, 2));
    std::vector<std::string> const args{"lint", "--jobs", "2", "github:acme/lessons@main"};
    {
        child_process lint{std::string{PYFUN_BIN_DIR} + "/pyfun", args, github_environment(fake)};
        CHECK(lint.wait_exit(60s) == 0);
        auto const summary =
            lint.wait_for_line([](auto const& line) { return line.find(" checked, ") != std::string::npos; });
        REQUIRE(summary.has_value());
        CHECK(*summary == "github:acme/lessons@main: 2 checked, 2 ok, 0 failed");
    }
    auto wrong = pyfun::test::lesson_json("Wrong", "expected");
    wrong.replace(wrong.rfind("expected"), 8, "mistaken");  // the solution no longer prints what is expected
    fake.push({{"stage_1/s2_lesson_2.json", wrong}});
    child_process lint{std::string{PYFUN_BIN_DIR} + "/pyfun", args, github_environment(fake)};
    CHECK(lint.wait_exit(60s) == 1);
}
