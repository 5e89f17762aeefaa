#include "events.hpp"

#include "body_encoding.hpp"
#include "status_text.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace json = boost::json;

namespace pyfun::events {
namespace {

enum class set_cookie_rule {
    omit,       // HTTP API 2.0 and Function URL carry Set-Cookie in `cookies`
    last_only,  // ALB without multi-value headers has room for one; it keeps the last, as it does for queries
};

// One value per name: repeats joined with ", " (RFC 9110 §5.3), which Set-Cookie values cannot survive.
json::object single_value_headers(core::header_map const& headers, set_cookie_rule rule)
{
    json::object out;
    for (auto const& [name, value] : headers) {
        if (name == "set-cookie") {
            if (rule == set_cookie_rule::last_only)
                out[name] = value;
            continue;
        }
        auto& slot = out[name];
        if (auto* joined = slot.if_string())
            joined->append(", ").append(value);
        else
            slot = value;
    }
    return out;
}

json::object multi_value_headers(core::header_map const& headers)
{
    json::object out;
    for (auto const& [name, value] : headers) {
        auto& slot = out[name];
        if (!slot.is_array())
            slot = json::array{};
        slot.get_array().emplace_back(value);
    }
    return out;
}

json::array set_cookies(core::header_map const& headers)
{
    json::array out;
    auto const [first, last] = headers.equal_range("set-cookie");
    for (auto it = first; it != last; ++it)
        out.emplace_back(it->second);
    return out;
}

}  // namespace

std::string encode(events::origin origin, core::response const& response)
{
    json::object out;
    out["statusCode"] = response.status;
    switch (origin) {
    case origin::api_gateway_rest:
        // One map only: API Gateway merges the two when both come, and this one keeps repeated headers.
        out["multiValueHeaders"] = multi_value_headers(response.headers);
        break;
    case origin::api_gateway_http:
    case origin::function_url:
        out["headers"] = single_value_headers(response.headers, set_cookie_rule::omit);
        out["cookies"] = set_cookies(response.headers);
        break;
    case origin::alb:
        out["statusDescription"] = status_description(response.status);
        out["headers"] = single_value_headers(response.headers, set_cookie_rule::last_only);
        break;
    case origin::alb_multi_value:
        out["statusDescription"] = status_description(response.status);
        out["multiValueHeaders"] = multi_value_headers(response.headers);
        break;
    }
    auto const body = to_wire_body(response.headers, response.body);
    out["body"] = body.text;
    out["isBase64Encoded"] = body.base64;
    return json::serialize(out);
}

}  // namespace pyfun::events
