#include "proto_events/events.hpp"

#include "event_fixtures.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <catch2/catch.hpp>

#include <set>

namespace json = boost::json;
using pyfun::events::decode;
using pyfun::events::encode;
using pyfun::events::origin;
using pyfun::test::event_fixture;

namespace {

std::set<std::string> keys_of(json::object const& object)
{
    std::set<std::string> keys;
    for (auto const& entry : object)
        keys.emplace(entry.key());
    return keys;
}

std::set<std::string> expected_keys(origin from)
{
    switch (from) {
    case origin::api_gateway_rest:
        return {"statusCode", "multiValueHeaders", "body", "isBase64Encoded"};
    case origin::api_gateway_http:
    case origin::function_url:
        return {"statusCode", "headers", "cookies", "body", "isBase64Encoded"};
    case origin::alb:
        return {"statusCode", "statusDescription", "headers", "body", "isBase64Encoded"};
    case origin::alb_multi_value:
        return {"statusCode", "statusDescription", "multiValueHeaders", "body", "isBase64Encoded"};
    }
    return {};
}

}  // namespace

TEST_CASE("every request fixture decodes and its answer encodes in the shape of its origin", "[proto_events]")
{
    auto const [fixture, from] = GENERATE(table<std::string, origin>({
        {"rest-proxy-post.json", origin::api_gateway_rest},
        {"rest-console-test-null-maps.json", origin::api_gateway_rest},
        {"rest-base64-body.json", origin::api_gateway_rest},
        {"http-api-get-no-authorizer.json", origin::api_gateway_http},
        {"http-api-iam-cookies-multiquery.json", origin::api_gateway_http},
        {"function-url-post-cookies-text-body.json", origin::function_url},
        {"function-url-base64-body.json", origin::function_url},
        {"function-url-get-no-body.json", origin::function_url},
        {"alb-headers-only.json", origin::alb},
        {"alb-encoded-query.json", origin::alb},
        {"alb-base64-text-body.json", origin::alb},
        {"alb-multi-value-headers.json", origin::alb_multi_value},
    }));
    CAPTURE(fixture);

    auto const decoded = decode(event_fixture(fixture));
    REQUIRE(decoded.has_value());
    REQUIRE(decoded->origin == from);

    // The answer echoes what was decoded, so the check below sees the request come back through the reply.
    json::object echo{{"method", decoded->request.method}, {"path", decoded->request.path}};
    pyfun::core::response const answer{200,
                                       {{"content-type", "application/json"},
                                        {"set-cookie", "a=1"},
                                        {"set-cookie", "b=2"},
                                        {"access-control-allow-origin", "*"}},
                                       json::serialize(echo),
                                       {}};
    auto const reply = json::parse(encode(decoded->origin, answer)).as_object();

    CHECK(keys_of(reply) == expected_keys(from));
    CHECK(reply.at("statusCode") == 200);
    CHECK(reply.at("isBase64Encoded") == false);
    CHECK(json::parse(reply.at("body").as_string()) == echo);
    auto const set_cookies = from == origin::alb_multi_value || from == origin::api_gateway_rest
                                 ? reply.at("multiValueHeaders").at("set-cookie")
                             : from == origin::alb ? json::array{reply.at("headers").at("set-cookie")}
                                                   : reply.at("cookies");
    CHECK(set_cookies == (from == origin::alb ? json::array{"b=2"} : json::array{"a=1", "b=2"}));
}

TEST_CASE("a binary body comes back as the same base64 text it arrived as", "[proto_events]")
{
    auto const decoded = decode(event_fixture("function-url-base64-body.json"));
    REQUIRE(decoded.has_value());

    pyfun::core::response const answer{200, {{"content-type", "application/x-lesson"}}, decoded->request.body, {}};
    auto const reply = json::parse(encode(decoded->origin, answer)).as_object();

    CHECK(reply.at("isBase64Encoded") == true);
    CHECK(reply.at("body") == "PGxlc3Nvbi8+");
}

TEST_CASE("a decoded request's headers encode back under their names in every shape", "[proto_events]")
{
    auto const decoded = decode(event_fixture("rest-proxy-post.json"));
    REQUIRE(decoded.has_value());

    pyfun::core::response const answer{200, decoded->request.headers, "", {}};
    auto const rest = json::parse(encode(origin::api_gateway_rest, answer)).as_object();
    auto const v2 = json::parse(encode(origin::api_gateway_http, answer)).as_object();

    CHECK(rest.at("multiValueHeaders").at("x-trace-hop") == json::array{"first", "second"});
    CHECK(v2.at("headers").at("x-trace-hop") == "first, second");
}
