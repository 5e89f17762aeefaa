#include "events.hpp"

#include "http_syntax.hpp"
#include "field_reader.hpp"
#include "query_string.hpp"

#include "lib/base64.hpp"
#include "lib/error.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>

#include <optional>

namespace json = boost::json;

namespace pyfun::events {
namespace {

// Real events nest six levels at most (requestContext.authorizer.iam.cognitoIdentity.amr); a deeper
// payload is not an event, and refusing it early bounds the parser's work.
constexpr std::size_t max_nesting = 16;
// Methods are short tokens; a megabyte of letters is not one.
constexpr std::size_t max_method_length = 32;

std::optional<json::value> parse_event(std::string_view payload)
{
    json::parse_options options;
    options.max_depth = max_nesting;
    boost::system::error_code ec;
    auto value = json::parse(payload, ec, {}, options);  // also refuses invalid UTF-8
    if (ec)
        return std::nullopt;
    return value;
}

// ALB first: its events also carry `httpMethod`. Function URLs send the HTTP API 2.0 shape and differ only
// in their domain name ("<id>.lambda-url.<region>.on.aws").
std::optional<events::origin> detect_origin(field_reader& read, json::object const& event)
{
    auto const* context = read.object(event, "requestContext");
    if (context && context->contains("elb")) {
        if (!read.object(*context, "elb"))
            return std::nullopt;
        return read.object(event, "multiValueHeaders") ? origin::alb_multi_value : origin::alb;
    }
    if (read.string(event, "version") == "2.0") {
        if (!context)
            return std::nullopt;
        auto const domain = read.string(*context, "domainName");
        return domain.find(".lambda-url.") != std::string_view::npos ? origin::function_url
                                                                      : origin::api_gateway_http;
    }
    if (event.contains("httpMethod"))
        return origin::api_gateway_rest;
    return std::nullopt;
}

void add_header(field_reader& read, std::string_view name, json::value const& value, core::header_map& headers)
{
    auto const* text = value.if_string();
    if (!text || !is_token(name) || !is_field_value(*text))
        return read.fail();
    headers.emplace(ascii_lower(name), std::string{*text});
}

void add_headers(field_reader& read, json::object const& map, core::header_map& headers)
{
    for (auto const& entry : map)
        add_header(read, entry.key(), entry.value(), headers);
}

// {"Accept": ["a", "b"]} -> two "accept" entries.
void add_multi_value_headers(field_reader& read, json::object const& map, core::header_map& headers)
{
    for (auto const& entry : map) {
        auto const* values = entry.value().if_array();
        if (!values)
            return read.fail();
        for (auto const& value : *values)
            add_header(read, entry.key(), value, headers);
    }
}

std::string with_query(std::string_view path, std::string_view query)
{
    std::string out{path};
    if (!query.empty())
        out.append("?").append(query);
    return out;
}

// REST v1 and ALB share one shape; the multi-value maps, when present, hold everything the single ones do.
void read_v1_shape(field_reader& read, json::object const& event, query_values mode, core::request& request)
{
    request.method = read.string(event, "httpMethod");
    // Both maps are read, so a bad entry in the one that loses is still caught.
    core::header_map single_values;
    if (auto const* single_headers = read.object(event, "headers"))
        add_headers(read, *single_headers, single_values);
    if (auto const* multi_headers = read.object(event, "multiValueHeaders"))
        add_multi_value_headers(read, *multi_headers, request.headers);
    else
        request.headers = std::move(single_values);

    auto const* single_query = read.object(event, "queryStringParameters");
    auto const* multi_query = read.object(event, "multiValueQueryStringParameters");
    auto const query = build_query(single_query, multi_query, mode);
    if (!query)
        return read.fail();
    request.path = with_query(read.string(event, "path"), *query);
}

// HTTP API 2.0 moves the Cookie header into a `cookies` array (a Function URL sends both): one header again.
void read_cookies(field_reader& read, json::object const& event, core::header_map& headers)
{
    auto const* cookies = read.array(event, "cookies");
    if (!cookies || cookies->empty())
        return;
    std::string joined;
    for (auto const& cookie : *cookies) {
        auto const* text = cookie.if_string();
        if (!text || !is_field_value(*text))
            return read.fail();
        if (!joined.empty())
            joined += "; ";
        joined += *text;
    }
    headers.erase("cookie");
    headers.emplace("cookie", std::move(joined));
}

void read_v2_shape(field_reader& read, json::object const& event, core::request& request)
{
    auto const* context = read.object(event, "requestContext");
    auto const* http = context ? read.object(*context, "http") : nullptr;
    if (!http)
        return read.fail();
    request.method = read.string(*http, "method");
    if (auto const* headers = read.object(event, "headers"))
        add_headers(read, *headers, request.headers);
    read_cookies(read, event, request.headers);

    auto const query = read.string(event, "rawQueryString");
    if (!is_field_value(query))
        return read.fail();
    request.path = with_query(read.string(event, "rawPath"), query);
}

void read_body(field_reader& read, json::object const& event, core::request& request)
{
    auto const body = read.string(event, "body");
    if (!read.flag(event, "isBase64Encoded")) {
        request.body = body;
        return;
    }
    auto decoded = core::base64_decode(body);
    if (!decoded)
        return read.fail();
    request.body = std::move(*decoded);
}

void read_path_parameters(field_reader& read, json::object const& event, std::map<std::string, std::string>& out)
{
    auto const* parameters = read.object(event, "pathParameters");
    if (!parameters)
        return;
    for (auto const& entry : *parameters) {
        auto const* text = entry.value().if_string();
        if (!text)
            return read.fail();
        out.emplace(entry.key(), *text);
    }
}

// What the router and the logs rely on: a method token and an absolute path that cannot split a line.
bool is_routable(core::request const& request)
{
    return is_token(request.method) && request.method.size() <= max_method_length &&
           request.path.starts_with('/') && is_field_value(request.path);
}

}  // namespace

boost::system::result<decoded_event> decode(std::string_view payload)
{
    auto const parsed = parse_event(payload);
    auto const* event = parsed ? parsed->if_object() : nullptr;
    if (!event)
        return errc::malformed_event;

    field_reader read;
    auto const found = detect_origin(read, *event);
    if (!found || !read.ok())
        return errc::malformed_event;

    decoded_event decoded{*found, {}, {}};
    switch (*found) {
    case origin::api_gateway_rest:
        read_v1_shape(read, *event, query_values::percent_encode, decoded.request);
        break;
    case origin::alb:
    case origin::alb_multi_value:
        read_v1_shape(read, *event, query_values::keep, decoded.request);
        break;
    case origin::api_gateway_http:
    case origin::function_url:
        read_v2_shape(read, *event, decoded.request);
        break;
    }
    read_body(read, *event, decoded.request);
    read_path_parameters(read, *event, decoded.path_parameters);
    if (!read.ok() || !is_routable(decoded.request))
        return errc::malformed_event;
    decoded.request.method = ascii_upper(decoded.request.method);
    return decoded;
}

}  // namespace pyfun::events
