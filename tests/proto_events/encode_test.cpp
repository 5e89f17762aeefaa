#include "proto_events/events.hpp"

#include "lib/base64.hpp"

#include "event_fixtures.hpp"

#include <boost/json/parse.hpp>

#include <catch2/catch.hpp>

namespace json = boost::json;
using pyfun::core::response;
using pyfun::events::encode;
using pyfun::events::origin;
using pyfun::test::event_fixture_json;

namespace {

response json_response(unsigned status, pyfun::core::header_map extra, std::string body)
{
    extra.emplace("content-type", "application/json");
    return response{status, std::move(extra), std::move(body), {}};
}

json::object encoded(origin to, response const& res) { return json::parse(encode(to, res)).as_object(); }

}  // namespace

TEST_CASE("a REST v1 response has multiValueHeaders only, never both maps", "[proto_events]")
{
    auto const res = json_response(
        200, {{"access-control-allow-origin", "*"}, {"set-cookie", "session=abc"}, {"set-cookie", "theme=dark"}},
        R"({"success": true})");

    CHECK(json::parse(encode(origin::api_gateway_rest, res)) == event_fixture_json("rest-response.json"));
}

TEST_CASE("an HTTP API 2.0 response moves set-cookie into cookies and joins repeated headers", "[proto_events]")
{
    auto const res = json_response(201,
                                   {{"access-control-allow-origin", "*"},
                                    {"set-cookie", "session=abc; Max-Age=3600; Secure; HttpOnly"},
                                    {"vary", "Origin"},
                                    {"set-cookie", "theme=dark; Expires=Wed, 01 Jan 2031 00:00:00 GMT"},
                                    {"vary", "Accept-Encoding"}},
                                   R"({"success": true})");
    auto const expected = event_fixture_json("function-url-response.json");

    CHECK(json::parse(encode(origin::api_gateway_http, res)) == expected);
    CHECK(json::parse(encode(origin::function_url, res)) == expected);
}

TEST_CASE("an HTTP API 2.0 response without cookies has an empty cookies array", "[proto_events]")
{
    auto const out = encoded(origin::function_url, json_response(200, {}, "{}"));

    CHECK(out.at("cookies") == json::array{});
    CHECK(out.at("headers") == json::object{{"content-type", "application/json"}});
}

TEST_CASE("a multi-value ALB response has statusDescription and multiValueHeaders", "[proto_events]")
{
    auto const res = json_response(200,
                                   {{"set-cookie", "session=abc; Secure; HttpOnly"},
                                    {"set-cookie", "theme=dark; Expires=Wed, 01 Jan 2031 00:00:00 GMT"}},
                                   R"({"success": true})");

    CHECK(json::parse(encode(origin::alb_multi_value, res)) == event_fixture_json("alb-multi-value-response.json"));
}

TEST_CASE("a single-value ALB response has headers, repeats joined, the last set-cookie kept", "[proto_events]")
{
    auto const res = json_response(
        404, {{"vary", "Origin"}, {"set-cookie", "session=abc"}, {"set-cookie", "theme=dark"}, {"vary", "Accept-Encoding"}},
        R"({"fail": true, "error": "no such lesson"})");

    CHECK(json::parse(encode(origin::alb, res)) == event_fixture_json("alb-single-value-response.json"));
}

TEST_CASE("ALB statusDescription is the code and its reason phrase", "[proto_events]")
{
    auto const [status, description] = GENERATE(table<unsigned, std::string>({
        {200, "200 OK"},
        {204, "204 No Content"},
        {301, "301 Moved Permanently"},
        {304, "304 Not Modified"},
        {400, "400 Bad Request"},
        {404, "404 Not Found"},
        {405, "405 Method Not Allowed"},
        {413, "413 Content Too Large"},
        {429, "429 Too Many Requests"},
        {500, "500 Internal Server Error"},
        {503, "503 Service Unavailable"},
        {504, "504 Gateway Timeout"},
        {299, "299"},
        {599, "599"},
    }));

    auto const out = encoded(origin::alb, response{status, {}, "", {}});

    CHECK(out.at("statusCode") == status);
    CHECK(out.at("statusDescription") == json::string_view{description});
}

TEST_CASE("text bodies go out plain and everything else as base64", "[proto_events]")
{
    auto const [content_type, content_encoding, plain] = GENERATE(table<std::string, std::string, bool>({
        {"", "", true},  // no content type at all
        {"text/plain", "", true},
        {"text/html; charset=utf-8", "", true},
        {"Text/CSS", "", true},
        {"application/json", "", true},
        {"application/json; charset=utf-8", "", true},
        {"application/problem+json", "", true},
        {"application/javascript", "", true},
        {"application/xml", "", true},
        {"image/svg+xml", "", true},
        {"application/yaml", "", true},
        {"application/x-yaml", "", true},
        {"application/vnd.api+yaml", "", true},
        {"image/png", "", false},
        {"application/octet-stream", "", false},
        {"application/pdf", "", false},
        {"multipart/form-data; boundary=json", "", false},
        {"text/plain", "gzip", false},
        {"application/json", "br", false},
        {"", "identity", false},
    }));
    pyfun::core::header_map headers;
    if (!content_type.empty())
        headers.emplace("content-type", content_type);
    if (!content_encoding.empty())
        headers.emplace("content-encoding", content_encoding);
    std::string const body = "{\"a\": \"caf\xC3\xA9\"}";

    for (auto const to : {origin::api_gateway_rest, origin::api_gateway_http, origin::function_url, origin::alb,
                          origin::alb_multi_value}) {
        auto const out = encoded(to, response{200, headers, body, {}});
        CHECK(out.at("isBase64Encoded") == !plain);
        CHECK(out.at("body") == json::string_view{plain ? body : pyfun::core::base64_encode(body)});
    }
}

TEST_CASE("a text-typed body that is not UTF-8 goes out as base64", "[proto_events]")
{
    std::string const body = "ok \xff\xfe";

    auto const out = encoded(origin::function_url, response{200, {{"content-type", "text/plain"}}, body, {}});

    CHECK(out.at("isBase64Encoded") == true);
    CHECK(out.at("body") == json::string_view{pyfun::core::base64_encode(body)});
}

TEST_CASE("binary bytes survive base64 in the response", "[proto_events]")
{
    std::string const bytes("\x00\x01\x02\xfd\xfe\xff", 6);

    auto const out = encoded(origin::api_gateway_rest, response{200, {{"content-type", "image/png"}}, bytes, {}});

    CHECK(out.at("body") == "AAEC/f7/");
    CHECK(pyfun::core::base64_decode(out.at("body").as_string()) == bytes);
}

TEST_CASE("an empty response is valid in every shape", "[proto_events]")
{
    auto const to = GENERATE(origin::api_gateway_rest, origin::api_gateway_http, origin::function_url, origin::alb,
                             origin::alb_multi_value);

    auto const out = encoded(to, response{204, {}, "", {}});

    CHECK(out.at("statusCode") == 204);
    CHECK(out.at("body") == "");
    CHECK(out.at("isBase64Encoded") == false);
}

TEST_CASE("control characters and quotes in headers and bodies are escaped in the JSON", "[proto_events]")
{
    std::string const body = std::string("line\n\"quoted\"\t\\ \0 end", 21);

    auto const text = encode(origin::api_gateway_http, response{200, {{"x-note", "a \"b\""}}, body, {}});

    auto const out = json::parse(text).as_object();
    CHECK(out.at("body") == json::string_view{body});
    CHECK(out.at("headers").at("x-note") == "a \"b\"");
}
