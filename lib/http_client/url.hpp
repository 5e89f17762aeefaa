#pragma once
// Absolute http(s) URLs split into what a connection needs (origin) and what a request line needs (target).

#include <boost/system/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace pyfun::http_client {

struct origin {
    bool tls = true;
    std::string host;  // a DNS name or an IP literal (IPv6 without brackets), lower case
    std::uint16_t port = 443;

    std::string key() const;          // "https://host:443": one pool of kept-alive connections per key
    std::string host_header() const;  // "host", "host:8443" or "[::1]:8443"

    friend bool operator==(origin const&, origin const&) = default;
};

struct split_url {
    origin where;
    std::string target;  // "/path?query", never empty; no fragment
};

// Returns client_errc::bad_url for anything but an absolute http/https URL with a host and no user info.
boost::system::result<split_url> parse_url(std::string_view url);

// The absolute URL a Location header points to, resolved against the URL that answered (RFC 3986 §5).
boost::system::result<std::string> resolve_location(std::string_view base, std::string_view location);

}  // namespace pyfun::http_client
