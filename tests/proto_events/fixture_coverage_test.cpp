// The real recorded payloads in ../shared/fixtures/lambda-events are reference only, never read here. Each row
// names one of those 14 files and checks that our own fixture shows the same shape and quirk.

#include "proto_events/events.hpp"

#include "event_fixtures.hpp"

#include <boost/json/value.hpp>

#include <catch2/catch.hpp>

#include <functional>
#include <optional>

namespace json = boost::json;
using pyfun::events::origin;

namespace {

struct shape {
    std::string shared_file;
    std::string our_file;
    std::optional<origin> decodes_as;  // none for response shapes
    std::function<bool(json::object const&)> quirk;
};

bool is_null(json::object const& event, std::string_view key)
{
    auto const* value = event.if_contains(key);
    return value && value->is_null();
}

bool has(json::object const& event, std::string_view key, json::kind kind)
{
    auto const* value = event.if_contains(key);
    return value && value->kind() == kind;
}

json::object const& object_at(json::object const& event, std::string_view key) { return event.at(key).as_object(); }

std::string_view text_at(json::object const& event, std::string_view key) { return event.at(key).as_string(); }

bool any_value_contains(json::object const& map, std::string_view part)
{
    for (auto const& entry : map)
        if (entry.value().is_string() && entry.value().as_string().find(part) != json::string::npos)
            return true;
    return false;
}

bool any_key_has_upper_case(json::object const& map)
{
    for (auto const& entry : map)
        for (char const c : entry.key())
            if (c >= 'A' && c <= 'Z')
                return true;
    return false;
}

bool on_lambda_url(json::object const& event)
{
    return text_at(object_at(event, "requestContext"), "domainName").find(".lambda-url.") != json::string::npos;
}

std::vector<shape> shared_shapes()
{
    using k = json::kind;
    return {
        {"apigw-v1-rest-proxy-request.json", "rest-proxy-post.json", origin::api_gateway_rest,
         [](auto const& e) {
             return has(e, "headers", k::object) && has(e, "multiValueHeaders", k::object) &&
                    has(e, "queryStringParameters", k::object) && has(e, "multiValueQueryStringParameters", k::object) &&
                    !e.contains("isBase64Encoded") && any_key_has_upper_case(object_at(e, "headers")) &&
                    text_at(e, "body").find("\r\n") != json::string::npos;
         }},
        {"apigw-v1-console-test-request-null-headers.json", "rest-console-test-null-maps.json",
         origin::api_gateway_rest,
         [](auto const& e) {
             return is_null(e, "headers") && is_null(e, "multiValueHeaders") && is_null(e, "queryStringParameters") &&
                    is_null(e, "multiValueQueryStringParameters") && is_null(e, "pathParameters") &&
                    text_at(object_at(e, "requestContext"), "stage") == "test-invoke-stage";
         }},
        {"apigw-v2-http-request-no-authorizer.json", "http-api-get-no-authorizer.json", origin::api_gateway_http,
         [](auto const& e) {
             return text_at(e, "rawQueryString").empty() && !e.contains("body") &&
                    has(object_at(object_at(e, "requestContext"), "authentication"), "clientCert", k::object) &&
                    text_at(object_at(e, "requestContext"), "stage") == "$default";
         }},
        {"apigw-v2-http-request-iam-cookies-multiquery.json", "http-api-iam-cookies-multiquery.json",
         origin::api_gateway_http,
         [](auto const& e) {
             auto const& headers = object_at(e, "headers");
             return has(e, "cookies", k::array) && !headers.contains("cookie") && !headers.contains("Cookie") &&
                    text_at(e, "rawQueryString").starts_with("tag=one&tag=two") &&
                    any_value_contains(object_at(e, "queryStringParameters"), ",") &&
                    any_value_contains(headers, ",") &&
                    has(object_at(object_at(e, "requestContext"), "authorizer"), "iam", k::object);
         }},
        {"alb-request-headers-only.json", "alb-headers-only.json", origin::alb,
         [](auto const& e) {
             return has(e, "headers", k::object) && !e.contains("multiValueHeaders") &&
                    has(e, "queryStringParameters", k::object) && text_at(e, "body").empty();
         }},
        {"alb-request-multivalue-headers.json", "alb-multi-value-headers.json", origin::alb_multi_value,
         [](auto const& e) {
             return has(e, "multiValueHeaders", k::object) && has(e, "multiValueQueryStringParameters", k::object) &&
                    !e.contains("headers") && !e.contains("queryStringParameters");
         }},
        {"alb-request-encoded-query-parameters.json", "alb-encoded-query.json", origin::alb,
         [](auto const& e) { return any_value_contains(object_at(e, "queryStringParameters"), "%3F"); }},
        {"alb-request-base64-body.json", "alb-base64-text-body.json", origin::alb,
         [](auto const& e) {
             return e.at("isBase64Encoded") == true && text_at(object_at(e, "headers"), "content-type") == "text/plain";
         }},
        {"function-url-request-headers-cookies-text-body.json", "function-url-post-cookies-text-body.json",
         origin::function_url,
         [](auto const& e) {
             auto const& headers = object_at(e, "headers");
             return on_lambda_url(e) && has(e, "cookies", k::array) && headers.contains("cookie") &&
                    any_value_contains(headers, ",") && !text_at(e, "rawQueryString").empty() &&
                    e.at("isBase64Encoded") == false && !text_at(e, "body").empty();
         }},
        {"function-url-request-base64-body.json", "function-url-base64-body.json", origin::function_url,
         [](auto const& e) {
             return on_lambda_url(e) && e.at("isBase64Encoded") == true &&
                    text_at(object_at(e, "headers"), "content-type") == "application/x-lesson";
         }},
        {"function-url-get-no-body.json", "function-url-get-no-body.json", origin::function_url,
         [](auto const& e) {
             return on_lambda_url(e) && !e.contains("body") && !e.contains("cookies") &&
                    text_at(e, "rawQueryString").empty() &&
                    text_at(object_at(object_at(e, "requestContext"), "http"), "method") == "GET";
         }},
        // Responses: ours are what encode() must produce; the REST one deliberately has one header map.
        {"function-url-response-cookies.json", "function-url-response.json", std::nullopt,
         [](auto const& e) {
             return has(e, "headers", k::object) && e.at("cookies").as_array().size() == 2 &&
                    e.at("isBase64Encoded") == false && e.at("statusCode") == 201;
         }},
        {"alb-response-multivalue-headers.json", "alb-multi-value-response.json", std::nullopt,
         [](auto const& e) {
             return text_at(e, "statusDescription") == "200 OK" &&
                    object_at(e, "multiValueHeaders").at("set-cookie").as_array().size() == 2;
         }},
        {"apigw-v1-response.json", "rest-response.json", std::nullopt,
         [](auto const& e) {
             return has(e, "multiValueHeaders", k::object) && !e.contains("headers") && e.contains("isBase64Encoded");
         }},
    };
}

}  // namespace

TEST_CASE("each of the 14 shared Lambda event shapes has a fixture of ours with its quirk", "[proto_events]")
{
    auto const shapes = shared_shapes();
    REQUIRE(shapes.size() == 14);

    for (auto const& row : shapes) {
        CAPTURE(row.shared_file, row.our_file);
        auto const fixture = pyfun::test::event_fixture_json(row.our_file);
        REQUIRE(fixture.is_object());
        CHECK(row.quirk(fixture.as_object()));
        if (row.decodes_as) {
            auto const decoded = pyfun::events::decode(pyfun::test::event_fixture(row.our_file));
            REQUIRE(decoded.has_value());
            CHECK(decoded->origin == *row.decodes_as);
        }
    }
}
