#include "proto_events/events.hpp"

#include "event_fixtures.hpp"

#include <catch2/catch.hpp>

using pyfun::events::decode;
using pyfun::events::origin;
using pyfun::test::event_fixture;
using pyfun::test::header_values;
using pyfun::test::with_field;

TEST_CASE("an ALB event is recognised by requestContext.elb, before its httpMethod", "[proto_events]")
{
    auto const decoded = decode(event_fixture("alb-headers-only.json"));

    REQUIRE(decoded.has_value());
    CHECK(decoded->origin == origin::alb);
    CHECK(decoded->request.method == "GET");
    CHECK(decoded->request.path == "/stage?lang=en");
    CHECK(decoded->request.body.empty());
    CHECK(decoded->request.headers.size() == 9);
    CHECK(header_values(decoded->request.headers, "x-lesson-client") == std::vector<std::string>{"cli"});
}

TEST_CASE("an ALB event with multiValueHeaders is in multi-value mode", "[proto_events]")
{
    auto const decoded = decode(event_fixture("alb-multi-value-headers.json"));

    REQUIRE(decoded.has_value());
    CHECK(decoded->origin == origin::alb_multi_value);
    CHECK(header_values(decoded->request.headers, "x-lesson-client") == std::vector<std::string>{"cli", "batch"});
    CHECK(decoded->request.path == "/stage?lang=en&lang=nl");
}

TEST_CASE("an ALB event whose multiValueHeaders is null is in single-value mode", "[proto_events]")
{
    auto const decoded = decode(with_field("alb-headers-only.json", {"multiValueHeaders"}, nullptr));

    REQUIRE(decoded.has_value());
    CHECK(decoded->origin == origin::alb);
}

TEST_CASE("ALB query values are still percent-encoded and kept as they are", "[proto_events]")
{
    auto const decoded = decode(event_fixture("alb-encoded-query.json"));

    REQUIRE(decoded.has_value());
    CHECK(decoded->request.path == "/?next=%2Fstage%3Flang%3Den&q=a+b%20c");
}

TEST_CASE("an ALB base64 body is decoded even when its content type is text", "[proto_events]")
{
    auto const decoded = decode(event_fixture("alb-base64-text-body.json"));

    REQUIRE(decoded.has_value());
    CHECK(decoded->request.method == "POST");
    CHECK(decoded->request.body == R"({"answer": {"field_1": "print"}})");
}
