// The handler selection and one event through decode -> handle -> encode, in process with scripted handlers.

#include "lambda_harness.hpp"

#include "lambda/function_handler.hpp"
#include "lambda/invoke_event.hpp"

#include "lib/base64.hpp"
#include "support/run_sync.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <stdexcept>

namespace {

namespace net = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;
using pyfun::lambda::function_handler;
using pyfun::lambda::function_kind;

// Answers "METHOD PATH" and remembers what it saw; "/slow" waits a minute on a timer, "/boom" throws.
class scripted_api : public pyfun::core::handler {
public:
    net::awaitable<pyfun::core::response> handle(pyfun::core::request req) override
    {
        ++calls;
        seen = req;
        if (req.path == "/boom")
            throw std::logic_error("secret internal detail");
        if (req.path == "/slow") {
            net::steady_timer timer{co_await net::this_coro::executor, 60s};
            co_await timer.async_wait(net::use_awaitable);
        }
        co_return pyfun::core::response{
            200, {{"content-type", "text/plain"}}, req.method + " " + req.path, {}};
    }

    int calls = 0;
    pyfun::core::request seen;
};

pyfun::events::decoded_event event(std::string method, std::string path,
                                   std::map<std::string, std::string> parameters = {})
{
    pyfun::events::decoded_event ev{pyfun::events::origin::api_gateway_rest, {}, std::move(parameters)};
    ev.request.method = std::move(method);
    ev.request.path = std::move(path);
    return ev;
}

json::object body_of(pyfun::core::response const& res)
{
    return json::parse(res.body).as_object();
}

}  // namespace

TEST_CASE("the router passes every request through unchanged", "[lambda]")
{
    scripted_api api;
    function_handler handler{api, function_kind::router, {}};
    auto const res =
        pyfun::test::run_sync(handler.handle(event("PUT", "/anything?x=1", {{"stage_name", "x"}})));
    CHECK(res.body == "PUT /anything?x=1");
    CHECK(api.seen.path == "/anything?x=1");
}

TEST_CASE("per-route functions build their path from pathParameters", "[lambda]")
{
    scripted_api api;
    std::map<std::string, std::string> const both{{"stage_name", "basics"}, {"lesson_name", "hello"}};

    SECTION("stages_info ignores the event's path")
    {
        function_handler handler{api, function_kind::stages_info, {}};
        CHECK(pyfun::test::run_sync(handler.handle(event("GET", "/prod/whatever"))).body == "GET /stage");
    }
    SECTION("stage_info")
    {
        function_handler handler{api, function_kind::stage_info, {}};
        CHECK(pyfun::test::run_sync(handler.handle(event("GET", "/x", both))).body == "GET /stage/basics");
    }
    SECTION("lesson_info")
    {
        function_handler handler{api, function_kind::lesson_info, {}};
        CHECK(pyfun::test::run_sync(handler.handle(event("GET", "/x", both))).body ==
              "GET /stage/basics/hello");
    }
    SECTION("lesson_verify keeps the body")
    {
        function_handler handler{api, function_kind::lesson_verify, {}};
        auto ev = event("POST", "/x", both);
        ev.request.body = R"({"answer": {}})";
        CHECK(pyfun::test::run_sync(handler.handle(std::move(ev))).body == "POST /stage/basics/hello");
        CHECK(api.seen.body == R"({"answer": {}})");
    }
}

TEST_CASE("a per-route function without its path parameter answers 400 without calling the API", "[lambda]")
{
    scripted_api api;
    auto const kind =
        GENERATE(function_kind::stage_info, function_kind::lesson_info, function_kind::lesson_verify);
    std::string const method = kind == function_kind::lesson_verify ? "POST" : "GET";
    function_handler handler{api, kind, {}};

    auto const none = pyfun::test::run_sync(handler.handle(event(method, "/x")));
    CHECK(none.status == 400);
    CHECK(body_of(none).at("fail") == true);
    CHECK(body_of(none).at("error").as_string().starts_with("pathParameters.stage_name"));
    CHECK(none.headers.find("access-control-allow-origin")->second == "*");

    auto const empty = pyfun::test::run_sync(handler.handle(event(method, "/x", {{"stage_name", ""}})));
    CHECK(empty.status == 400);
    if (kind != function_kind::stage_info) {
        auto const no_lesson =
            pyfun::test::run_sync(handler.handle(event(method, "/x", {{"stage_name", "basics"}})));
        CHECK(no_lesson.status == 400);
        CHECK(body_of(no_lesson).at("error").as_string().starts_with("pathParameters.lesson_name"));
    }
    CHECK(api.calls == 0);
}

TEST_CASE("a path parameter that would add path segments is an unknown name, not another route", "[lambda]")
{
    scripted_api api;
    function_handler handler{api, function_kind::stage_info, {}};
    auto const name = GENERATE(as<std::string>{}, "basics/hello", "a?b=1", "a#b", "/");
    CAPTURE(name);
    auto const res = pyfun::test::run_sync(handler.handle(event("GET", "/x", {{"stage_name", name}})));
    CHECK(res.status == 404);
    CHECK(api.calls == 0);
}

TEST_CASE("a per-route function serves only its method, and always answers CORS preflights", "[lambda]")
{
    scripted_api api;
    function_handler info{api, function_kind::lesson_info, {}};
    function_handler verify{api, function_kind::lesson_verify, {}};
    std::map<std::string, std::string> const both{{"stage_name", "basics"}, {"lesson_name", "hello"}};

    auto const post_to_info = pyfun::test::run_sync(info.handle(event("POST", "/x", both)));
    CHECK(post_to_info.status == 405);
    CHECK(post_to_info.headers.find("allow")->second == "GET, OPTIONS");
    auto const get_to_verify = pyfun::test::run_sync(verify.handle(event("GET", "/x", both)));
    CHECK(get_to_verify.status == 405);
    CHECK(get_to_verify.headers.find("allow")->second == "POST, OPTIONS");
    CHECK(api.calls == 0);

    auto const preflight = pyfun::test::run_sync(verify.handle(event("OPTIONS", "/stage/basics/hello")));
    CHECK(preflight.body == "OPTIONS /stage/basics/hello");
    CHECK(api.calls == 1);
}

TEST_CASE("answers made by the function follow the CORS origin and the pyfun-v2 compat mode", "[lambda]")
{
    scripted_api api;
    function_handler handler{api, function_kind::stage_info, {"https://learn.example.org", true}};
    auto const res = pyfun::test::run_sync(handler.handle(event("GET", "/x")));
    CHECK(res.status == 400);
    CHECK(res.headers.find("access-control-allow-origin")->second == "https://learn.example.org");
    CHECK(res.headers.find("vary")->second == "Origin");
    CHECK(res.headers.find("content-type")->second == "text/plain; charset=utf-8");
    auto const decoded = pyfun::core::base64_decode(res.body);
    REQUIRE(decoded);
    CHECK(json::parse(*decoded).at("fail") == true);
}

TEST_CASE("an event through invoke_event comes back encoded for its origin", "[lambda]")
{
    scripted_api api;
    function_handler handler{api, function_kind::router, {}};
    auto const outcome = pyfun::test::run_sync(
        pyfun::lambda::invoke_event(handler, pyfun::test::http_api_event("GET", "/stage"), std::nullopt));
    REQUIRE(outcome.succeeded);
    auto const answer = pyfun::test::read_answer(outcome.payload);
    CHECK(answer.status == 200);
    CHECK(answer.body == "GET /stage");
    CHECK(outcome.log_fields.at("origin") == "api_gateway_http");
}

TEST_CASE("a malformed event becomes a MalformedEvent error, never an exception", "[lambda]")
{
    scripted_api api;
    function_handler handler{api, function_kind::router, {}};
    auto const payload = GENERATE(as<std::string>{}, "", "not json", "[]", "null", R"({"hello": "world"})",
                                  R"({"httpMethod": 5, "path": "/"})", std::string(100000, '['));
    auto const outcome = pyfun::test::run_sync(pyfun::lambda::invoke_event(handler, payload, std::nullopt));
    CHECK_FALSE(outcome.succeeded);
    CHECK(outcome.error_type == "Runtime.MalformedEvent");
    auto const error = json::parse(outcome.payload).as_object();
    CHECK(error.at("errorType") == "Runtime.MalformedEvent");
    CHECK(error.at("errorMessage").as_string().size() > 10);
    CHECK(error.at("stackTrace").as_array().empty());
    CHECK(api.calls == 0);
}

TEST_CASE("a handler bug becomes an InternalError without its detail in the posted error", "[lambda]")
{
    scripted_api api;
    function_handler handler{api, function_kind::router, {}};
    auto const outcome = pyfun::test::run_sync(
        pyfun::lambda::invoke_event(handler, pyfun::test::http_api_event("GET", "/boom"), 5s));
    CHECK_FALSE(outcome.succeeded);
    CHECK(outcome.error_type == "Runtime.InternalError");
    CHECK(outcome.payload.find("secret") == std::string::npos);
    CHECK(outcome.log_fields.at("exception") == "secret internal detail");
}

TEST_CASE("the time budget cuts a slow handler off with a 504 in the event's shape", "[lambda][timeout]")
{
    scripted_api api;
    function_handler handler{api, function_kind::router, {}};
    auto const started = std::chrono::steady_clock::now();
    auto const outcome = pyfun::test::run_sync(
        pyfun::lambda::invoke_event(handler, pyfun::test::rest_event("GET", "/slow"), 50ms));
    CHECK(std::chrono::steady_clock::now() - started < 5s);
    REQUIRE(outcome.succeeded);
    auto const answer = pyfun::test::read_answer(outcome.payload);
    CHECK(answer.status == 504);
    CHECK(answer.json_body.at("error").as_string().find("deadline") != json::string::npos);
    CHECK(outcome.log_fields.at("deadline_reached") == true);
}

TEST_CASE("the reader serves the router's reads and the webhook, and refuses every other write", "[lambda]")
{
    scripted_api api;
    function_handler reader{api, function_kind::reader, {}};
    CHECK(pyfun::lambda::parse_function_kind("reader") == function_kind::reader);

    auto const get = pyfun::test::run_sync(reader.handle(event("GET", "/stage/basics/hello")));
    CHECK(get.body == "GET /stage/basics/hello");
    auto const preflight = pyfun::test::run_sync(reader.handle(event("OPTIONS", "/stage/basics/hello")));
    CHECK(preflight.body == "OPTIONS /stage/basics/hello");
    auto const webhook = pyfun::test::run_sync(reader.handle(event("POST", "/webhook/github/")));
    CHECK(webhook.body == "POST /webhook/github/");
    REQUIRE(api.calls == 3);

    for (auto const* method : {"POST", "PUT", "DELETE"}) {
        auto const verify = pyfun::test::run_sync(reader.handle(event(method, "/stage/basics/hello")));
        CHECK(verify.status == 405);
        CHECK(verify.headers.find("allow")->second == "GET, OPTIONS");
        CHECK(body_of(verify).at("fail") == true);
    }
    // A look-alike of the webhook path is not the webhook.
    auto const look_alike = pyfun::test::run_sync(reader.handle(event("POST", "/webhook/githubx")));
    CHECK(look_alike.status == 405);
    CHECK(api.calls == 3);
}
