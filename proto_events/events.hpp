#pragma once
// Pure conversions between Lambda HTTP events and the neutral request/response of lib (DESIGN §6).
// No I/O. decode() never throws on bad input: every problem is an error value.

#include "lib/http_types.hpp"

#include <boost/system/result.hpp>

#include <map>
#include <string>
#include <string_view>

namespace pyfun::events {

enum class origin {
    api_gateway_rest,  // REST API proxy integration, payload 1.0 (`httpMethod`)
    api_gateway_http,  // HTTP API, payload 2.0 (`"version": "2.0"`, `requestContext.http`)
    function_url,      // Function URL: the 2.0 shape, `requestContext.domainName` ending in ".lambda-url.<region>.on.aws"
    alb,               // ALB target, single-value headers (`requestContext.elb`, `headers`)
    alb_multi_value,   // ALB target with multi-value headers on (`multiValueHeaders`)
};

struct decoded_event {
    events::origin origin;
    core::request request;  // path includes the query string ("/stage/a?x=1"), percent-encoding preserved
    std::map<std::string, std::string> path_parameters;  // `pathParameters` (e.g. stage_name, lesson_name)
};

// Returns errc::malformed_event (lib/error.hpp) for invalid JSON, a non-object, an event that is not an
// HTTP event of a known origin, wrong types, or an invalid base64 body.
boost::system::result<decoded_event> decode(std::string_view payload);

// The Lambda response JSON (as text) in the shape the origin expects: REST `multiValueHeaders`, HTTP API /
// Function URL `headers` + `cookies[]`, ALB `statusDescription` and the header form of the request.
// Text bodies go out plain with isBase64Encoded false, everything else base64.
std::string encode(events::origin origin, core::response const& response);

}  // namespace pyfun::events
