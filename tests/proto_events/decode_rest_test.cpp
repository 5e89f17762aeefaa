#include "proto_events/events.hpp"

#include "event_fixtures.hpp"

#include <catch2/catch.hpp>

using pyfun::events::decode;
using pyfun::events::origin;
using pyfun::test::event_fixture;
using pyfun::test::header_values;
using pyfun::test::with_field;
using pyfun::test::without_field;

TEST_CASE("a REST v1 event is recognised by its httpMethod", "[proto_events]")
{
    auto const decoded = decode(event_fixture("rest-proxy-post.json"));

    REQUIRE(decoded.has_value());
    CHECK(decoded->origin == origin::api_gateway_rest);
    CHECK(decoded->request.method == "POST");
    CHECK(decoded->request.path.starts_with("/stage/basics/hello?"));
}

TEST_CASE("an HTTP API payload 1.0 event (version 1.0) decodes as REST v1", "[proto_events]")
{
    auto const decoded = decode(with_field("rest-proxy-post.json", {"version"}, "1.0"));

    REQUIRE(decoded.has_value());
    CHECK(decoded->origin == origin::api_gateway_rest);
}

TEST_CASE("a missing isBase64Encoded means a plain body, kept byte for byte", "[proto_events]")
{
    auto const decoded = decode(event_fixture("rest-proxy-post.json"));

    REQUIRE(decoded.has_value());
    CHECK(decoded->request.body == "{\r\n\t\"answer\": {\"field_1\": \"print\"}\r\n}");
}

TEST_CASE("REST v1 headers come from multiValueHeaders, lower-cased, repeats kept, not doubled",
          "[proto_events]")
{
    auto const decoded = decode(event_fixture("rest-proxy-post.json"));

    REQUIRE(decoded.has_value());
    auto const& headers = decoded->request.headers;
    CHECK(headers.size() == 11);
    CHECK(header_values(headers, "content-type") == std::vector<std::string>{"application/json"});
    CHECK(header_values(headers, "x-trace-hop") == std::vector<std::string>{"first", "second"});
    CHECK(header_values(headers, "x-forwarded-for") == std::vector<std::string>{"203.0.113.7, 198.51.100.20"});
    CHECK(headers.count("Content-Type") == 0);
}

TEST_CASE("REST v1 headers fall back to the single-value map", "[proto_events]")
{
    auto const decoded = decode(without_field("rest-proxy-post.json", {"multiValueHeaders"}));

    REQUIRE(decoded.has_value());
    CHECK(decoded->request.headers.size() == 9);
    CHECK(header_values(decoded->request.headers, "x-lesson-client") == std::vector<std::string>{"vue"});
}

TEST_CASE("REST v1 query is rebuilt from multiValueQueryStringParameters, percent-encoded", "[proto_events]")
{
    auto const decoded = decode(event_fixture("rest-proxy-post.json"));

    REQUIRE(decoded.has_value());
    CHECK(decoded->request.path == "/stage/basics/hello?hint=a%20b%26c%3Dd&tag=one&tag=two");
}

TEST_CASE("REST v1 query bytes outside the unreserved set are encoded as UTF-8 percent escapes", "[proto_events]")
{
    auto const decoded = decode(with_field("rest-proxy-post.json", {"multiValueQueryStringParameters"},
                                           {{"caf\xC3\xA9", {"a/b?c#d", "~._-"}}, {"empty", {""}}}));

    REQUIRE(decoded.has_value());
    CHECK(decoded->request.path == "/stage/basics/hello?caf%C3%A9=a%2Fb%3Fc%23d&caf%C3%A9=~._-&empty=");
}

TEST_CASE("REST v1 query falls back to queryStringParameters", "[proto_events]")
{
    auto const decoded = decode(without_field("rest-proxy-post.json", {"multiValueQueryStringParameters"}));

    REQUIRE(decoded.has_value());
    CHECK(decoded->request.path == "/stage/basics/hello?hint=a%20b%26c%3Dd&tag=two");
}

TEST_CASE("null maps read as empty (the console's test invoke)", "[proto_events]")
{
    auto const decoded = decode(event_fixture("rest-console-test-null-maps.json"));

    REQUIRE(decoded.has_value());
    CHECK(decoded->origin == origin::api_gateway_rest);
    CHECK(decoded->request.headers.empty());
    CHECK(decoded->request.path == "/stage/basics/hello");
    CHECK(decoded->path_parameters.empty());
    CHECK(decoded->request.body == R"({"answer": {"field_1": "x"}})");
}

TEST_CASE("pathParameters reach the per-route handlers", "[proto_events]")
{
    auto const decoded = decode(event_fixture("rest-proxy-post.json"));

    REQUIRE(decoded.has_value());
    CHECK(decoded->path_parameters ==
          std::map<std::string, std::string>{{"lesson_name", "hello"}, {"stage_name", "basics"}});
}

TEST_CASE("a REST v1 base64 body is decoded to its bytes", "[proto_events]")
{
    auto const decoded = decode(event_fixture("rest-base64-body.json"));

    REQUIRE(decoded.has_value());
    CHECK(decoded->request.body == std::string("\x00\x01\x02\xfd\xfe\xff", 6));
}

TEST_CASE("a lower-case method is upper-cased", "[proto_events]")
{
    auto const decoded = decode(with_field("rest-proxy-post.json", {"httpMethod"}, "post"));

    REQUIRE(decoded.has_value());
    CHECK(decoded->request.method == "POST");
}
