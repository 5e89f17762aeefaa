#pragma once
// The HTTP client's own failures (transport failures keep their Asio, Beast or OpenSSL codes).

#include <boost/system/error_code.hpp>

#include <type_traits>

namespace pyfun::http_client {

enum class client_errc {
    bad_url = 1,         // not an absolute http(s) URL, or a Location that cannot be resolved
    too_many_redirects,  // more hops than client_options::max_redirects
    insecure_redirect,   // an https URL redirected to plain http
    deadline_exceeded,   // the overall deadline passed before a step could start
    bad_header,          // a request header name or value with a line break, or an empty method
};

boost::system::error_category const& client_category() noexcept;

inline boost::system::error_code make_error_code(client_errc e) noexcept
{
    return {static_cast<int>(e), client_category()};
}

}  // namespace pyfun::http_client

template <>
struct boost::system::is_error_code_enum<pyfun::http_client::client_errc> : std::true_type {
};
