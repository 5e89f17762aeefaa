// function_app::open wires what the settings ask for: the playground page only when PYFUN_PLAYGROUND is on,
// the GitHub webhook in front of the API when the lessons come from GitHub, and clear start-up failures.

#include "lambda/function_app.hpp"

#include "support/run_sync.hpp"
#include "support/scoped_environment.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>

#include <catch2/catch.hpp>

namespace {

namespace json = boost::json;
using pyfun::lambda::function_app;
using pyfun::lambda::function_settings;

function_settings settings_with(std::string playground, std::string lessons = {})
{
    function_settings settings;
    settings.lessons = lessons.empty() ? "dir:" + std::string{PYFUN_FIXTURES} + "/lambda/lessons" : lessons;
    settings.playground = std::move(playground);
    return settings;
}

pyfun::events::decoded_event event(std::string method, std::string path, std::string body = {})
{
    pyfun::events::decoded_event ev{pyfun::events::origin::function_url, {}, {}};
    ev.request.method = std::move(method);
    ev.request.path = std::move(path);
    ev.request.body = std::move(body);
    return ev;
}

}  // namespace

TEST_CASE("the Lambda function serves the playground page only when PYFUN_PLAYGROUND is on", "[lambda]")
{
    boost::asio::io_context ioc;
    for (auto const& [setting, served] : {std::pair<std::string, bool>{"", false},
                                          {"0", false},
                                          {"off", false},
                                          {"1", true},
                                          {"TRUE", true}}) {
        INFO("PYFUN_PLAYGROUND=" << setting);
        auto app = function_app::open(settings_with(setting), ioc.get_executor());
        REQUIRE(app.has_value());
        auto const page = pyfun::test::run_sync((*app)->handler().handle(event("GET", "/play")));
        CHECK((page.status == 200) == served);
        if (served)
            CHECK(page.headers.find("content-type")->second.starts_with("text/html"));
        CHECK((*app)->description().at("playground") == served);
        // The API answers either way.
        auto const stages = pyfun::test::run_sync((*app)->handler().handle(event("GET", "/stage")));
        CHECK(stages.status == 200);
    }
}

TEST_CASE("a PYFUN_PLAYGROUND that is not on or off stops the start-up with the reason", "[lambda]")
{
    boost::asio::io_context ioc;
    auto const app = function_app::open(settings_with("sometimes"), ioc.get_executor());
    REQUIRE_FALSE(app.has_value());
    CHECK(app.error().error_type == "Runtime.InvalidConfiguration");
    CHECK(app.error().message.find("PYFUN_PLAYGROUND") != std::string::npos);
}

TEST_CASE("with GitHub lessons the Lambda router serves the signed push webhook", "[lambda][github]")
{
    // Nothing is fetched: the signature check comes first, so no GitHub (fake or real) is needed.
    pyfun::test::scoped_environment const secret{"PYFUN_GITHUB_WEBHOOK_SECRET", "webhook-test-secret"};
    pyfun::test::scoped_environment const api{"PYFUN_GITHUB_API", "http://127.0.0.1:9"};
    boost::asio::io_context ioc;
    auto app = function_app::open(settings_with("", "github:example/lessons@main"), ioc.get_executor());
    REQUIRE(app.has_value());
    auto const unsigned_push = pyfun::test::run_sync(
        (*app)->handler().handle(event("POST", "/webhook/github", R"({"ref":"refs/heads/main"})")));
    CHECK(unsigned_push.status == 401);

    // With folder lessons there is no webhook: the API's own 404.
    auto folder_app = function_app::open(settings_with(""), ioc.get_executor());
    REQUIRE(folder_app.has_value());
    auto const no_webhook =
        pyfun::test::run_sync((*folder_app)->handler().handle(event("POST", "/webhook/github", "{}")));
    CHECK(no_webhook.status == 404);
}
