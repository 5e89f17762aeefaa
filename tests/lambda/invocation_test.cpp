// Pure pieces of the runtime: deadlines, request ids, the Runtime API address, handler names.

#include "lambda/function_handler.hpp"
#include "lambda/invocation.hpp"
#include "lambda/runtime_client.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>

namespace {

using namespace std::chrono_literals;
using std::chrono::system_clock;

system_clock::time_point const now{std::chrono::milliseconds{1'709'287'200'000}};

std::string ms_from_now(std::chrono::milliseconds offset)
{
    return std::to_string(
        std::chrono::duration_cast<std::chrono::milliseconds>((now + offset).time_since_epoch()).count());
}

}  // namespace

TEST_CASE("a plausible Lambda-Runtime-Deadline-Ms becomes the deadline", "[lambda]")
{
    auto const in_three_seconds = pyfun::lambda::parse_deadline(ms_from_now(3s), now);
    REQUIRE(in_three_seconds);
    CHECK(*in_three_seconds == now + 3s);
    CHECK(pyfun::lambda::parse_deadline(ms_from_now(15min), now) == now + 15min);
    CHECK(pyfun::lambda::parse_deadline(ms_from_now(-30s), now) == now - 30s);  // late, but within a minute
}

TEST_CASE("an implausible deadline is treated as none", "[lambda]")
{
    auto const header = GENERATE(as<std::string>{},
                                 "5000",  // @vercel/fun's constant
                                 "0", "", "-1", "abc", "1709287203000.5", " 1709287203000", "1709287203000 ",
                                 "99999999999999999999999", "0x10");
    CAPTURE(header);
    CHECK_FALSE(pyfun::lambda::parse_deadline(header, now));
}

TEST_CASE("a deadline long past or beyond Lambda's 15 minutes is treated as none", "[lambda]")
{
    CHECK_FALSE(pyfun::lambda::parse_deadline(ms_from_now(-2min), now));
    CHECK_FALSE(pyfun::lambda::parse_deadline(ms_from_now(17min), now));
}

TEST_CASE("the time budget keeps a margin for posting and never goes negative", "[lambda]")
{
    CHECK(pyfun::lambda::time_budget(now + 2s, 300ms, now) == 1700ms);
    CHECK(pyfun::lambda::time_budget(now + 100ms, 300ms, now) == 0ms);
    CHECK(pyfun::lambda::time_budget(now - 10s, 300ms, now) == 0ms);
    CHECK_FALSE(pyfun::lambda::time_budget(std::nullopt, 300ms, now));
}

TEST_CASE("request ids that could change the answer's URL are refused", "[lambda]")
{
    CHECK(pyfun::lambda::is_valid_request_id("8476a536-e9f4-11e8-9739-2dfe598c3fcd"));
    CHECK(pyfun::lambda::is_valid_request_id("req-1"));
    auto const hostile = GENERATE(as<std::string>{}, "", "a/b", "../init/error", "a b", "a\r\nX-Evil: 1",
                                  "a?x", "a#b", "a%2f", std::string(300, 'a'), "caf\xc3\xa9");
    CAPTURE(hostile);
    CHECK_FALSE(pyfun::lambda::is_valid_request_id(hostile));
}

TEST_CASE("AWS_LAMBDA_RUNTIME_API is host:port", "[lambda]")
{
    auto const v4 = pyfun::lambda::parse_runtime_address("127.0.0.1:9001");
    REQUIRE(v4);
    CHECK(v4->host == "127.0.0.1");
    CHECK(v4->port == 9001);
    auto const v6 = pyfun::lambda::parse_runtime_address("[::1]:9001");
    REQUIRE(v6);
    CHECK(v6->host == "::1");
    CHECK(v6->port == 9001);
    CHECK(pyfun::lambda::parse_runtime_address("localhost:80")->host == "localhost");

    auto const bad =
        GENERATE(as<std::string>{}, "", "127.0.0.1", "127.0.0.1:", ":9001", "127.0.0.1:0", "127.0.0.1:65536",
                 "127.0.0.1:90x", "::1:9001", "[::1]9001", "[]:9001", "http://127.0.0.1:9001");
    CAPTURE(bad);
    CHECK_FALSE(pyfun::lambda::parse_runtime_address(bad));
}

TEST_CASE("handler names are the new ones and the old image's dotted ones", "[lambda]")
{
    using pyfun::lambda::function_kind;
    using pyfun::lambda::parse_function_kind;
    CHECK(parse_function_kind("router") == function_kind::router);
    CHECK(parse_function_kind("stages_info") == function_kind::stages_info);
    CHECK(parse_function_kind("stage_info") == function_kind::stage_info);
    CHECK(parse_function_kind("lesson_info") == function_kind::lesson_info);
    CHECK(parse_function_kind("lesson_verify") == function_kind::lesson_verify);
    CHECK(parse_function_kind("lambda_app.stages_info_handler") == function_kind::stages_info);
    CHECK(parse_function_kind("lambda_app.stage_info_handler") == function_kind::stage_info);
    CHECK(parse_function_kind("lambda_app.lesson_info_handler") == function_kind::lesson_info);
    CHECK(parse_function_kind("lambda_app.lesson_verify_handler") == function_kind::lesson_verify);
    auto const unknown = GENERATE(as<std::string>{}, "", "Router", "lambda_app.router", "lambda_app.handler",
                                  "stage_info ", "lambda_app.stage_info");
    CAPTURE(unknown);
    CHECK_FALSE(parse_function_kind(unknown));
}
