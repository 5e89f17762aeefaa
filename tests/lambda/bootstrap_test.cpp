// The real `bootstrap` binary driven by the fake Runtime API: each origin, the per-route functions, failures,
// deadlines, trace ids, a long run of invocations, and start-up outside Lambda.

#include "support/fake_runtime_api.hpp"
#include "lambda_harness.hpp"
#include "support/read_file.hpp"

#include "lib/base64.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <optional>
#include <string>

namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using pyfun::test::fake_runtime_api;
using pyfun::test::queued_invocation;
using pyfun::test::read_answer;

using both_names = std::map<std::string, std::string>;
both_names const hello_parameters{{"stage_name", "basics"}, {"lesson_name", "hello"}};

// Waits for the JSON log line of `request_id` with `message` (lines that are not JSON, such as sanitizer
// reports, never match). bootstrap logs the outcome after posting it, so tests wait for the line.
std::optional<json::object> log_entry(pyfun::test::child_process& child, std::string_view request_id,
                                      std::string_view message)
{
    std::optional<json::object> found;
    child.wait_for_line([&](std::string const& line) {
        boost::system::error_code ec;
        auto value = json::parse(line, ec);
        if (ec || !value.is_object())
            return false;
        auto const& entry = value.as_object();
        auto const* id = entry.if_contains("request_id");
        auto const* text = entry.if_contains("message");
        if (!id || !text || !id->is_string() || !text->is_string() || id->as_string() != request_id ||
            text->as_string() != message)
            return false;
        found = entry;
        return true;
    });
    return found;
}

bool wait_ready(pyfun::test::child_process& child)
{
    return child
        .wait_for_line(
            [](std::string const& line) { return line.find("\"message\":\"ready\"") != std::string::npos; })
        .has_value();
}

std::string verify_body(std::string const& answer)
{
    return json::serialize(json::object{{"answer", json::object{{"field_1", answer}}}});
}

std::string epoch_ms_from_now(std::chrono::milliseconds offset)
{
    auto const at = std::chrono::system_clock::now() + offset;
    return std::to_string(
        std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count());
}

// The children of `pid` right now (/proc/<pid>/task/<pid>/children).
std::string children_of(pid_t pid)
{
    auto children = pyfun::test::read_file_or_empty("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) +
                                                    "/children");
    return children.substr(0, children.find('\n'));
}

}  // namespace

TEST_CASE("bootstrap answers an event of every origin in that origin's shape", "[lambda]")
{
    fake_runtime_api api;
    auto bootstrap = pyfun::test::start_bootstrap(api);

    auto const rest_id = api.enqueue(pyfun::test::rest_event("GET", "/stage/basics/hello", hello_parameters));
    auto const rest = api.wait_for_result(rest_id);
    REQUIRE(rest);
    CHECK(rest->kind == "response");
    auto const rest_answer = read_answer(rest->body);
    CHECK(rest_answer.status == 200);
    CHECK(json::parse(rest->body).as_object().contains("multiValueHeaders"));
    CHECK(rest_answer.json_body.at("data").at("title") == "Hello");

    auto const http_id =
        api.enqueue(pyfun::test::http_api_event("POST", "/stage/basics/hello", verify_body("'hello'")));
    auto const http = api.wait_for_result(http_id);
    REQUIRE(http);
    auto const http_answer = read_answer(http->body);
    CHECK(http_answer.status == 200);
    CHECK(http_answer.json_body.at("data").at("result") == true);
    CHECK(http_answer.json_body.at("data").at("stdout").as_array() == json::array{"hello\n"});

    auto const url_id = api.enqueue(json::serialize(pyfun::test::event_fixture("function_url")));
    auto const url = api.wait_for_result(url_id);
    REQUIRE(url);
    CHECK(read_answer(url->body).json_body.at("data").at("basics").at("url") == "/stage/basics/");

    auto const alb_id = api.enqueue(json::serialize(pyfun::test::event_fixture("alb")));
    auto const alb = api.wait_for_result(alb_id);
    REQUIRE(alb);
    CHECK(json::parse(alb->body).at("statusDescription") == "200 OK");
    CHECK(read_answer(alb->body).json_body.at("data").at("hello").at("index") == "1");

    auto const multi_id = api.enqueue(json::serialize(pyfun::test::event_fixture("alb_multi_value")));
    auto const multi = api.wait_for_result(multi_id);
    REQUIRE(multi);
    CHECK(json::parse(multi->body).as_object().contains("multiValueHeaders"));
    CHECK(read_answer(multi->body).json_body.at("data").at("title") == "Hello");

    for (auto const& id : {rest_id, http_id, url_id, alb_id, multi_id}) {
        CAPTURE(id);
        CHECK(log_entry(*bootstrap, id, "invocation"));
        CHECK(log_entry(*bootstrap, id, "answered"));
    }
    auto const entry = log_entry(*bootstrap, http_id, "answered");
    REQUIRE(entry);
    CHECK(entry->at("verdict") == "accepted");
}

TEST_CASE("the old image's four functions serve their route from pathParameters", "[lambda]")
{
    struct route_case {
        std::string handler;
        std::string method;
        both_names parameters;
        std::string body;
    };
    auto const c = GENERATE(values<route_case>({
        {"stages_info", "GET", {}, ""},
        {"lambda_app.stages_info_handler", "GET", {}, ""},
        {"stage_info", "GET", {{"stage_name", "basics"}}, ""},
        {"lambda_app.stage_info_handler", "GET", {{"stage_name", "basics"}}, ""},
        {"lesson_info", "GET", hello_parameters, ""},
        {"lambda_app.lesson_info_handler", "GET", hello_parameters, ""},
        {"lesson_verify", "POST", hello_parameters, verify_body("'hello'")},
        {"lambda_app.lesson_verify_handler", "POST", hello_parameters, verify_body("'hello'")},
    }));
    CAPTURE(c.handler);
    fake_runtime_api api;
    // The image's CMD names the handler; without one, _HANDLER does (as @vercel/fun and zip deployments set
    // it).
    bool const by_env = c.handler.starts_with("lambda_app.");
    auto bootstrap = by_env ? pyfun::test::start_bootstrap(api, {}, {"_HANDLER=" + c.handler})
                            : pyfun::test::start_bootstrap(api, {c.handler});

    // API Gateway gives each function the resource path with the stage prefix; the function must not route on
    // it.
    auto const id = api.enqueue(pyfun::test::rest_event(c.method, "/prod/ignored", c.parameters, c.body));
    auto const posted = api.wait_for_result(id);
    REQUIRE(posted);
    REQUIRE(posted->kind == "response");
    auto const answer = read_answer(posted->body);
    CHECK(answer.status == 200);
    auto const& data = answer.json_body.at("data");
    if (c.handler.find("stages_info") != std::string::npos)
        CHECK(data.at("basics").at("index") == 1);
    else if (c.handler.find("stage_info") != std::string::npos)
        CHECK(data.at("sum").at("url") == "/stage/basics/sum");
    else if (c.handler.find("lesson_info") != std::string::npos)
        CHECK(data.at("fields").as_array() == json::array{"field_1"});
    else
        CHECK(data.at("result") == true);

    // Its own route only: another method is a 405, a missing path parameter a 400.
    auto const wrong_method =
        api.enqueue(pyfun::test::rest_event(c.method == "GET" ? "DELETE" : "GET", "/x", c.parameters));
    auto const refused = api.wait_for_result(wrong_method);
    REQUIRE(refused);
    CHECK(read_answer(refused->body).status == 405);
    if (!c.parameters.empty()) {
        auto const missing = api.enqueue(pyfun::test::rest_event(c.method, "/x", {}, c.body));
        auto const bad = api.wait_for_result(missing);
        REQUIRE(bad);
        CHECK(read_answer(bad->body).status == 400);
        CHECK(read_answer(bad->body).json_body.at("error").as_string().starts_with("pathParameters."));
    }
    auto const preflight = api.enqueue(pyfun::test::rest_event("OPTIONS", "/stage/basics", c.parameters));
    auto const allowed = api.wait_for_result(preflight);
    REQUIRE(allowed);
    CHECK(read_answer(allowed->body).status == 204);
}

TEST_CASE("a malformed event reaches /error with its error type, and the next event is served", "[lambda]")
{
    fake_runtime_api api;
    auto bootstrap = pyfun::test::start_bootstrap(api);
    auto const payload =
        GENERATE(as<std::string>{}, "{not json", R"({"hello": "world"})", "[1, 2]",
                 R"({"httpMethod": "GET", "path": "/", "isBase64Encoded": true, "body": "%%%"})");
    CAPTURE(payload);

    auto const bad = api.enqueue(payload);
    auto const error = api.wait_for_result(bad);
    REQUIRE(error);
    CHECK(error->kind == "error");
    CHECK(error->headers.at("lambda-runtime-function-error-type") == "Runtime.MalformedEvent");
    auto const body = json::parse(error->body).as_object();
    CHECK(body.at("errorType") == "Runtime.MalformedEvent");
    CHECK(body.at("errorMessage").is_string());
    CHECK(body.at("stackTrace").as_array().empty());

    auto const good = api.enqueue(pyfun::test::http_api_event("GET", "/stage"));
    auto const answer = api.wait_for_result(good);
    REQUIRE(answer);
    CHECK(answer->kind == "response");
    auto const entry = log_entry(*bootstrap, bad, "failed");
    REQUIRE(entry);
    CHECK(entry->at("error_type") == "Runtime.MalformedEvent");
}

TEST_CASE("a start-up failure reaches /init/error and bootstrap exits non-zero", "[lambda]")
{
    struct failure_case {
        std::vector<std::string> arguments;
        std::vector<std::string> environment;
        std::string error_type;
    };
    auto const c = GENERATE(values<failure_case>({
        {{"router"}, {"PYFUN_LESSONS=dir:/nonexistent"}, "Runtime.LessonsUnavailable"},
        {{"lambda_app.no_such_handler"}, {}, "Runtime.HandlerNotFound"},
        {{}, {"_HANDLER=nope"}, "Runtime.HandlerNotFound"},
        {{"router"}, {"PYFUN_COMPAT=pyfun-v3"}, "Runtime.InvalidConfiguration"},
        {{"router"}, {"PYFUN_PYTHON=/nonexistent/python3"}, "Runtime.InterpreterNotFound"},
    }));
    CAPTURE(c.error_type);
    fake_runtime_api api;
    auto bootstrap = pyfun::test::start_bootstrap(api, c.arguments, c.environment);

    auto const posted = api.wait_for_post([](auto const& post) { return post.kind == "init_error"; });
    REQUIRE(posted);
    CHECK(posted->headers.at("lambda-runtime-function-error-type") == c.error_type);
    auto const body = json::parse(posted->body).as_object();
    CHECK(body.at("errorType").as_string() == c.error_type);
    CHECK(body.at("errorMessage").as_string().size() > 10);
    auto const exit_code = bootstrap->wait_exit(20s);
    REQUIRE(exit_code);
    CHECK(*exit_code != 0);
    CHECK(api.next_requests() == 0);
}

TEST_CASE("a learner program still running at the invocation deadline is cut off and the answer says so",
          "[lambda][timeout]")
{
    fake_runtime_api api;
    auto bootstrap = pyfun::test::start_bootstrap(api);
    REQUIRE(wait_ready(*bootstrap));

    auto const started = std::chrono::steady_clock::now();
    queued_invocation sleeper;
    sleeper.payload = pyfun::test::rest_event("POST", "/stage/basics/hello", hello_parameters,
                                              verify_body("__import__('time').sleep(60)"));
    sleeper.deadline_ms = epoch_ms_from_now(1500ms);
    auto const id = api.enqueue(sleeper);
    auto const posted = api.wait_for_result(id);
    REQUIRE(posted);
    auto const elapsed = posted->received - started;
    CHECK(elapsed < 3s);
    CHECK(elapsed > 500ms);
    auto const answer = read_answer(posted->body);
    CHECK(answer.status == 504);
    CHECK(answer.json_body.at("error").as_string().find("deadline") != json::string::npos);
    auto const entry = log_entry(*bootstrap, id, "answered");
    REQUIRE(entry);
    CHECK(entry->at("deadline_reached") == true);
    // The cancelled run killed and reaped its program before the answer left.
    CHECK(children_of(bootstrap->pid()).empty());

    // The process goes on serving.
    auto const next = api.enqueue(pyfun::test::http_api_event("GET", "/stage"));
    REQUIRE(api.wait_for_result(next));
}

TEST_CASE("each invocation's trace id is copied into _X_AMZN_TRACE_ID and cleared when absent", "[lambda]")
{
    fake_runtime_api api;
    auto bootstrap = pyfun::test::start_bootstrap(api);
    std::string const trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

    queued_invocation with_trace;
    with_trace.payload = pyfun::test::http_api_event("GET", "/");
    with_trace.trace_id = trace;
    auto const traced = api.enqueue(with_trace);
    REQUIRE(api.wait_for_result(traced));
    auto const untraced = api.enqueue(pyfun::test::http_api_event("GET", "/"));
    REQUIRE(api.wait_for_result(untraced));

    auto const first = log_entry(*bootstrap, traced, "invocation");
    REQUIRE(first);
    CHECK(first->at("trace_id").as_string() == trace);
    auto const second = log_entry(*bootstrap, untraced, "invocation");
    REQUIRE(second);
    CHECK(second->at("trace_id") == "");
}

TEST_CASE("one bootstrap process serves fifty invocations in a row on one connection", "[lambda]")
{
    fake_runtime_api api;
    auto bootstrap = pyfun::test::start_bootstrap(api);
    constexpr int count = 50;
    std::vector<std::string> ids;
    for (int i = 0; i < count; ++i) {
        // Every tenth one runs learner code; the others read lessons.
        if (i % 10 == 9)
            ids.push_back(api.enqueue(pyfun::test::http_api_event("POST", "/stage/basics/sum",
                                                                  R"({"field_1": "2", "field_2": "3"})")));
        else
            ids.push_back(api.enqueue(pyfun::test::rest_event("GET", "/stage/basics/hello")));
    }
    int answered = 0;
    for (auto const& id : ids) {
        auto const posted = api.wait_for_result(id);
        REQUIRE(posted);
        CHECK(posted->kind == "response");
        CHECK(read_answer(posted->body).status == 200);
        answered += posted ? 1 : 0;
    }
    CHECK(answered == count);
    CHECK(api.wait_for_next_requests(count + 1));
    CHECK(api.connections() == 1);  // kept alive throughout
    auto const last = read_answer(api.wait_for_result(ids.back())->body);
    CHECK(last.json_body.at("data").at("result") == true);
    CHECK_FALSE(bootstrap->wait_exit(0ms));  // still running, waiting for the 51st
}

TEST_CASE("pyfun-v2 compat mode makes the body base64 text of the JSON, whatever the origin", "[lambda]")
{
    fake_runtime_api api;
    auto bootstrap = pyfun::test::start_bootstrap(api, {"router"}, {"PYFUN_COMPAT=pyfun-v2"});
    for (auto const& payload :
         {pyfun::test::rest_event("GET", "/stage"), pyfun::test::http_api_event("GET", "/stage")}) {
        auto const posted = api.wait_for_result(api.enqueue(payload));
        REQUIRE(posted);
        auto const reply = json::parse(posted->body).as_object();
        CHECK(reply.at("isBase64Encoded") == false);
        auto const decoded = pyfun::core::base64_decode(reply.at("body").as_string());
        REQUIRE(decoded);
        CHECK(json::parse(*decoded).at("success") == true);
    }
}

TEST_CASE("lost connections to the Runtime API are retried; an API gone for good ends the process",
          "[lambda]")
{
    fake_runtime_api api;
    api.drop_next_requests(2);
    auto bootstrap = pyfun::test::start_bootstrap(api);
    auto const id = api.enqueue(pyfun::test::http_api_event("GET", "/stage"));
    REQUIRE(api.wait_for_result(id));
    CHECK(api.next_requests() >= 3);

    REQUIRE(api.wait_for_next_requests(4));  // the one after the answer is waiting
    api.stop();
    auto const exit_code = bootstrap->wait_exit(20s);
    REQUIRE(exit_code);
    CHECK(*exit_code != 0);
    CHECK(bootstrap->wait_for_line(
        [](std::string const& line) {
            return line.find("cannot get the next invocation") != std::string::npos &&
                   line.find("\"failures_in_a_row\":3") != std::string::npos;
        },
        0ms));
}

TEST_CASE("a result the Runtime API refuses ends the process with a non-zero exit", "[lambda]")
{
    fake_runtime_api api;
    api.reject_posts();
    auto bootstrap = pyfun::test::start_bootstrap(api);
    auto const id = api.enqueue(pyfun::test::http_api_event("GET", "/stage"));
    REQUIRE(api.wait_for_result(id));
    auto const exit_code = bootstrap->wait_exit(20s);
    REQUIRE(exit_code);
    CHECK(*exit_code != 0);
    auto const entry = log_entry(*bootstrap, id, "cannot post the result: stopping");
    REQUIRE(entry);
    CHECK(entry->at("api_status") == 500);
}

TEST_CASE("bootstrap started outside Lambda says so and exits non-zero", "[lambda]")
{
    SECTION("no AWS_LAMBDA_RUNTIME_API")
    {
        pyfun::test::child_process bootstrap{pyfun::test::binary("bootstrap"), {"router"}};
        auto const exit_code = bootstrap.wait_exit(20s);
        REQUIRE(exit_code);
        CHECK(*exit_code != 0);
        CHECK(bootstrap.wait_for_line(
            [](std::string const& line) {
                return line.find("AWS_LAMBDA_RUNTIME_API is not set") != std::string::npos;
            },
            0ms));
    }
    SECTION("a value that is not host:port")
    {
        pyfun::test::child_process bootstrap{
            pyfun::test::binary("bootstrap"), {"router"}, {"AWS_LAMBDA_RUNTIME_API=http://127.0.0.1:9001/"}};
        auto const exit_code = bootstrap.wait_exit(20s);
        REQUIRE(exit_code);
        CHECK(*exit_code != 0);
        CHECK(bootstrap.wait_for_line(
            [](std::string const& line) { return line.find("must be host:port") != std::string::npos; },
            0ms));
    }
}
