#include "proto_events/events.hpp"

#include "event_fixtures.hpp"

#include <catch2/catch.hpp>

using pyfun::events::decode;
using pyfun::events::origin;
using pyfun::test::event_fixture;
using pyfun::test::header_values;
using pyfun::test::with_field;

TEST_CASE("an HTTP API 2.0 event is recognised by version 2.0 and requestContext.http", "[proto_events]")
{
    auto const decoded = decode(event_fixture("http-api-get-no-authorizer.json"));

    REQUIRE(decoded.has_value());
    CHECK(decoded->origin == origin::api_gateway_http);
    CHECK(decoded->request.method == "GET");
    CHECK(decoded->request.body.empty());
    CHECK(header_values(decoded->request.headers, "host") ==
          std::vector<std::string>{"q1w2e3r4t5.execute-api.eu-west-1.amazonaws.com"});
}

TEST_CASE("an empty rawQueryString adds no question mark", "[proto_events]")
{
    auto const decoded = decode(event_fixture("http-api-get-no-authorizer.json"));

    REQUIRE(decoded.has_value());
    CHECK(decoded->request.path == "/");
}

TEST_CASE("HTTP API 2.0 takes the query from rawQueryString as is, not from the joined map", "[proto_events]")
{
    auto const decoded = decode(event_fixture("http-api-iam-cookies-multiquery.json"));

    REQUIRE(decoded.has_value());
    CHECK(decoded->request.path == "/stage/basics?tag=one&tag=two&note=a%20b");
}

TEST_CASE("the cookies array becomes one cookie header joined with '; '", "[proto_events]")
{
    auto const decoded = decode(event_fixture("http-api-iam-cookies-multiquery.json"));

    REQUIRE(decoded.has_value());
    CHECK(header_values(decoded->request.headers, "cookie") == std::vector<std::string>{"session=abc; theme=dark"});
}

TEST_CASE("HTTP API 2.0 header names are lower-cased and comma-joined values kept", "[proto_events]")
{
    auto const decoded = decode(event_fixture("http-api-iam-cookies-multiquery.json"));

    REQUIRE(decoded.has_value());
    CHECK(header_values(decoded->request.headers, "x-repeated") == std::vector<std::string>{"first,second"});
    CHECK(header_values(decoded->request.headers, "accept") == std::vector<std::string>{"application/json"});
    CHECK(decoded->request.headers.count("Accept") == 0);
}

TEST_CASE("HTTP API 2.0 pathParameters are kept", "[proto_events]")
{
    auto const decoded = decode(event_fixture("http-api-iam-cookies-multiquery.json"));

    REQUIRE(decoded.has_value());
    CHECK(decoded->path_parameters == std::map<std::string, std::string>{{"stage_name", "basics"}});
}

TEST_CASE("a 2.0 event from a .lambda-url. domain is a Function URL", "[proto_events]")
{
    auto const decoded = decode(event_fixture("function-url-get-no-body.json"));

    REQUIRE(decoded.has_value());
    CHECK(decoded->origin == origin::function_url);
    CHECK(decoded->request.method == "GET");
    CHECK(decoded->request.path == "/");
    CHECK(decoded->request.body.empty());
    CHECK(decoded->path_parameters.empty());
}

TEST_CASE("a 2.0 event without a domain name is an HTTP API event", "[proto_events]")
{
    auto const decoded =
        decode(with_field("function-url-get-no-body.json", {"requestContext", "domainName"}, nullptr));

    REQUIRE(decoded.has_value());
    CHECK(decoded->origin == origin::api_gateway_http);
}

TEST_CASE("a Function URL's cookies array and cookie header give one cookie header", "[proto_events]")
{
    auto const decoded = decode(event_fixture("function-url-post-cookies-text-body.json"));

    REQUIRE(decoded.has_value());
    CHECK(decoded->origin == origin::function_url);
    CHECK(header_values(decoded->request.headers, "cookie") == std::vector<std::string>{"session=abc; theme=dark"});
    CHECK(header_values(decoded->request.headers, "x-two") == std::vector<std::string>{"a,b"});
    CHECK(decoded->request.path == "/stage/basics/hello?lang=en&debug=1");
    CHECK(decoded->request.body == R"({"answer": {"field_1": "print"}})");
}

TEST_CASE("a Function URL base64 body is decoded", "[proto_events]")
{
    auto const decoded = decode(event_fixture("function-url-base64-body.json"));

    REQUIRE(decoded.has_value());
    CHECK(decoded->request.method == "POST");
    CHECK(decoded->request.body == "<lesson/>");
}
