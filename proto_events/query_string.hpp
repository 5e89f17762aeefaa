#pragma once
// Rebuilding a query string from an event's parameter maps (REST v1 and ALB; v2 has rawQueryString).
// The multi-value map wins when present; pairs are joined as k=v&k=v2 in the event's order.

#include <boost/json/object.hpp>
#include <boost/system/result.hpp>

#include <string>
#include <string_view>

namespace pyfun::events {

enum class query_values {
    percent_encode,  // API Gateway decoded them: encode again
    keep,            // ALB passes them still percent-encoded
};

// Either map may be null (absent). A value of the wrong type in either is errc::malformed_event.
boost::system::result<std::string> build_query(boost::json::object const* single, boost::json::object const* multi,
                                               query_values mode);

// RFC 3986: every byte but the unreserved ones becomes %XX (upper-case hex).
std::string percent_encode(std::string_view text);

}  // namespace pyfun::events
