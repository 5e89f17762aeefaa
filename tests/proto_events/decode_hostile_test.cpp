#include "proto_events/events.hpp"

#include "lib/base64.hpp"
#include "lib/error.hpp"

#include "event_fixtures.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace json = boost::json;
using pyfun::events::decode;
using pyfun::test::event_fixture;
using pyfun::test::with_field;

namespace {

struct hostile_case {
    std::string name;
    std::string payload;
};

void check_malformed(hostile_case const& bad)
{
    CAPTURE(bad.name);
    boost::system::result<pyfun::events::decoded_event> decoded = pyfun::errc::stage_not_found;
    REQUIRE_NOTHROW(decoded = decode(bad.payload));
    REQUIRE(decoded.has_error());
    CHECK(decoded.error() == pyfun::errc::malformed_event);
}

std::string nested_arrays(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

// A field of a valid event replaced by `replacement` (JSON text): the only thing wrong with the payload.
hostile_case field(std::string_view fixture, std::initializer_list<std::string_view> path,
                   std::string_view replacement)
{
    std::string name{fixture};
    for (auto const key : path)
        name.append(" .").append(key);
    name.append(" = ").append(replacement.substr(0, 60));
    return {std::move(name), with_field(fixture, path, json::parse(replacement))};
}

std::string quoted(std::string const& text) { return '"' + text + '"'; }

}  // namespace

TEST_CASE("the events the hostile cases start from are valid", "[proto_events]")
{
    for (auto const* name : {"rest-proxy-post.json", "http-api-iam-cookies-multiquery.json",
                             "function-url-post-cookies-text-body.json", "alb-headers-only.json",
                             "alb-multi-value-headers.json", "rest-base64-body.json"})
        CHECK(decode(event_fixture(name)).has_value());
}

TEST_CASE("payloads that are not JSON objects are malformed events", "[proto_events]")
{
    auto const bad = GENERATE(values<hostile_case>({
        {"empty", ""},
        {"truncated", R"({"httpMethod": "GET", "path": "/")"},
        {"trailing comma", R"({"httpMethod": "GET", "path": "/",})"},
        {"text", "GET / HTTP/1.1"},
        {"array", "[]"},
        {"null", "null"},
        {"string", R"("x")"},
        {"number", "42"},
        {"two documents", R"({"httpMethod": "GET", "path": "/"} {})"},
        {"NUL byte", std::string("{\"httpMethod\": \"GET\", \"path\": \"/\"}\0", 35)},
    }));

    check_malformed(bad);
}

TEST_CASE("events that are not HTTP events are malformed events", "[proto_events]")
{
    auto const bad = GENERATE(values<hostile_case>({
        {"empty object", "{}"},
        {"only rawPath", R"({"rawPath": "/"})"},
        {"S3 notification", R"({"Records": [{"eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion":
            "eu-west-1", "eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "lessons"},
            "object": {"key": "basics/s1_hello.json", "size": 512}}}]})"},
        {"SQS message", R"({"Records": [{"messageId": "m-1", "receiptHandle": "r", "body": "hello",
            "attributes": {"ApproximateReceiveCount": "1"}, "eventSource": "aws:sqs",
            "eventSourceARN": "arn:aws:sqs:eu-west-1:111122223333:queue"}]})"},
        {"EventBridge schedule", R"({"version": "0", "id": "e-1", "detail-type": "Scheduled Event",
            "source": "aws.events", "time": "2024-03-02T10:00:00Z", "detail": {}})"},
        {"WebSocket message", R"({"requestContext": {"routeKey": "$default", "eventType": "MESSAGE",
            "connectionId": "c-1"}, "body": "hi", "isBase64Encoded": false})"},
        {"version 2.0 without requestContext", R"({"version": "2.0", "rawPath": "/"})"},
        {"version 2.0 without requestContext.http", R"({"version": "2.0", "rawPath": "/", "requestContext": {}})"},
        {"REST without path", R"({"httpMethod": "GET"})"},
        {"ALB without httpMethod", R"({"requestContext": {"elb": {}}, "path": "/"})"},
    }));

    check_malformed(bad);
}

TEST_CASE("fields of the wrong type make the event malformed", "[proto_events]")
{
    auto const rest = "rest-proxy-post.json";
    auto const v2 = "http-api-iam-cookies-multiquery.json";
    auto const url = "function-url-post-cookies-text-body.json";
    auto const alb = "alb-headers-only.json";
    auto const alb_multi = "alb-multi-value-headers.json";
    auto const bad = GENERATE_COPY(values<hostile_case>({
        field(rest, {"httpMethod"}, "1"),
        field(rest, {"httpMethod"}, "null"),
        field(rest, {"httpMethod"}, R"(["GET"])"),
        field(rest, {"path"}, "{}"),
        field(rest, {"headers"}, "[]"),
        field(rest, {"headers"}, R"("accept: */*")"),
        field(rest, {"headers", "Accept"}, "1"),
        field(rest, {"headers", "Accept"}, "null"),
        field(rest, {"multiValueHeaders"}, "true"),
        field(rest, {"multiValueHeaders", "Accept"}, R"("*/*")"),
        field(rest, {"multiValueHeaders", "Accept"}, R"(["*/*", 2])"),
        field(rest, {"queryStringParameters"}, "[]"),
        field(rest, {"queryStringParameters", "tag"}, R"(["two"])"),
        field(rest, {"multiValueQueryStringParameters", "tag"}, R"("one")"),
        field(rest, {"multiValueQueryStringParameters", "tag"}, "[null]"),
        field(rest, {"pathParameters"}, R"(["basics"])"),
        field(rest, {"pathParameters", "stage_name"}, "7"),
        field(rest, {"body"}, R"({"answer": {}})"),
        field(rest, {"body"}, "12"),
        field(rest, {"isBase64Encoded"}, R"("true")"),
        field(rest, {"isBase64Encoded"}, "1"),
        field(rest, {"requestContext"}, R"("prod")"),
        field(v2, {"version"}, "2.0"),
        field(v2, {"rawPath"}, "[]"),
        field(v2, {"rawQueryString"}, "1"),
        field(v2, {"cookies"}, R"("session=abc")"),
        field(v2, {"cookies"}, R"(["session=abc", {}])"),
        field(v2, {"headers"}, "0"),
        field(v2, {"requestContext", "http"}, R"("GET")"),
        field(v2, {"requestContext", "http", "method"}, "false"),
        field(url, {"requestContext", "domainName"}, "5"),
        field(alb, {"requestContext", "elb"}, R"("arn")"),
        field(alb, {"requestContext", "elb"}, "null"),
        field(alb, {"queryStringParameters", "lang"}, R"(["en"])"),
        field(alb_multi, {"multiValueQueryStringParameters", "lang"}, R"("en")"),
    }));

    check_malformed(bad);
}

TEST_CASE("values that would break the request or a log line make the event malformed", "[proto_events]")
{
    auto const rest = "rest-proxy-post.json";
    auto const v2 = "http-api-iam-cookies-multiquery.json";
    auto const alb = "alb-headers-only.json";
    auto const bad = GENERATE_COPY(values<hostile_case>({
        field(rest, {"httpMethod"}, R"("")"),
        field(rest, {"httpMethod"}, R"("GE T")"),
        field(rest, {"httpMethod"}, R"("GET\r\nX-Injected: 1")"),
        field(rest, {"httpMethod"}, quoted(std::string(1 << 20, 'A'))),
        field(rest, {"path"}, R"("")"),
        field(rest, {"path"}, R"("stage/basics")"),
        field(rest, {"path"}, R"("/stage\r\nX-Injected: 1")"),
        field(rest, {"path"}, R"("/stage\u0000")"),
        field(rest, {"headers"}, R"({"bad name": "x"})"),
        field(rest, {"multiValueHeaders"}, R"({"": ["x"]})"),
        field(rest, {"multiValueHeaders"}, R"({"accept": ["x\r\nX-Injected: 1"]})"),
        field(rest, {"multiValueHeaders"}, R"({"accept": ["x\n"]})"),
        field(v2, {"rawQueryString"}, R"("a=1\r\nX-Injected: 1")"),
        field(v2, {"cookies"}, R"(["session=abc\nX-Injected: 1"])"),
        field(v2, {"requestContext", "http", "method"}, R"("")"),
        field(alb, {"queryStringParameters"}, R"({"lang": "en\r\n"})"),
    }));

    check_malformed(bad);
}

TEST_CASE("invalid base64 bodies make the event malformed", "[proto_events]")
{
    auto const text = GENERATE(as<std::string>{}, "not base64!", "Zg", "Zg=", "Zm9v\n", "Zm9v====", "Zh==",
                               "PGxlc3Nvbi8+ ", "-_-_");

    check_malformed(
        {"body " + text, with_field("function-url-base64-body.json", {"body"}, json::string_view{text})});
}

TEST_CASE("invalid UTF-8 anywhere in the payload makes the event malformed", "[proto_events]")
{
    // Raw bytes, then JSON escapes of lone UTF-16 surrogates, which no UTF-8 text can hold.
    auto const sequence = GENERATE(as<std::string>{}, "\xff", "\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                                   "\xe2\x82", "\\ud800", "\\udc00x");
    auto const where = GENERATE(as<std::string>{}, "method", "path", "header", "body");

    std::string payload = R"({"httpMethod": "GET", "path": "/", "headers": {"accept": "*/*"}, "body": ""})";
    auto const slot = where == "method" ? payload.find("GET") + 1
                      : where == "path"  ? payload.find(R"("/")") + 2
                      : where == "header" ? payload.find("*/*") + 1
                                          : payload.find(R"("body": "")") + 9;
    payload.insert(slot, sequence);
    check_malformed({"invalid UTF-8 in " + where, payload});
}

TEST_CASE("deep nesting makes the event malformed", "[proto_events]")
{
    auto const depth = GENERATE(as<std::size_t>{}, 17, 100, 100000);
    std::string payload = R"({"httpMethod": "GET", "path": "/", "requestContext": {"deep": )" +
                          nested_arrays(depth) + "}}";

    check_malformed({"nesting " + std::to_string(depth), payload});
}

TEST_CASE("huge numbers where text or flags belong make the event malformed", "[proto_events]")
{
    auto const number = GENERATE(as<std::string>{}, "1e99999", "-1e99999", "123456789012345678901234567890",
                                 std::string(100000, '9'));
    auto const key = GENERATE(as<std::string>{}, "httpMethod", "body", "isBase64Encoded");

    // Spliced as text: the test cannot build some of these numbers through json::parse.
    std::string payload = R"({"httpMethod": "GET", "path": "/", "body": "", "isBase64Encoded": false})";
    auto const at = payload.find("\"" + key + "\": ") + key.size() + 4;
    payload.replace(at, payload.find_first_of(",}", at) - at, number);
    check_malformed({key + " = " + number.substr(0, 20), payload});
}

TEST_CASE("huge but valid values decode intact", "[proto_events]")
{
    std::string const bytes(4 << 20, '\xab');
    std::string const header(1 << 20, 'h');
    auto root = pyfun::test::event_fixture_json("rest-base64-body.json");
    root.as_object()["body"] = pyfun::core::base64_encode(bytes);
    root.as_object()["multiValueHeaders"].as_object()["x-big"] = json::array{json::string_view{header}};

    auto const decoded = decode(json::serialize(root));

    REQUIRE(decoded.has_value());
    CHECK(decoded->request.body == bytes);
    CHECK(pyfun::test::header_values(decoded->request.headers, "x-big") == std::vector<std::string>{header});
}
