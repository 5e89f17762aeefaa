#pragma once
// An awaitable HTTP/1.1 client for https (and plain http) URLs on the caller's executor: kept-alive
// connections reused per origin, SNI, certificate and host-name verification (system CA store or a CA file),
// a time limit on every step plus an overall deadline, header and body size caps, and a bounded number of
// redirects that drop Authorization when the origin changes. Use one client from one thread (or strand).

#include "lib/http_types.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pyfun::http_client {

struct client_options {
    std::string ca_file;  // PEM bundle of trusted CAs; empty: the system's default store
    std::chrono::milliseconds connect_timeout{5000};    // name resolution, then TCP connect
    std::chrono::milliseconds handshake_timeout{5000};  // TLS handshake
    std::chrono::milliseconds io_timeout{10000};        // writing the request; reading the whole response
    std::chrono::milliseconds total_timeout{30000};  // overall deadline of fetch() when the request has none
    std::size_t max_header_bytes = 64 * 1024;
    std::size_t max_body_bytes = 8 * 1024 * 1024;
    unsigned max_redirects = 5;
    std::size_t max_idle_per_origin = 8;
    std::chrono::milliseconds idle_lifetime{
        30000};  // a kept-alive connection idle longer is closed, not reused
};

struct outgoing_request {
    std::string method = "GET";
    std::string url;           // absolute http:// or https:// URL
    core::header_map headers;  // lower-case names; Host, Content-Length and Connection are set by the client
    std::string body;
    // Overall deadline across connects, redirects and reads; now + total_timeout when unset.
    std::optional<std::chrono::steady_clock::time_point> deadline;
};

struct incoming_response {
    unsigned status = 0;
    core::header_map headers;  // lower-case names
    std::string body;
    std::string url;                                          // the URL that answered, after redirects
    std::vector<std::pair<unsigned, std::string>> redirects;  // each hop followed: status, absolute target

    std::string header(std::string_view name) const;  // the first value, or ""
};

class client {
  public:
    // Throws std::runtime_error naming the file when options.ca_file cannot be loaded.
    client(boost::asio::any_io_executor executor, client_options options);
    ~client();
    client(client const&) = delete;
    client& operator=(client const&) = delete;

    // One request, following 301/302/307/308 redirects. Any status is a response; errors are transport
    // failures (timeouts, resets, TLS verification, a truncated or oversized response) or client_errc.
    // Throws only on bugs.
    boost::asio::awaitable<boost::system::result<incoming_response>> fetch(outgoing_request request);

    std::size_t idle_connections() const;
    std::uint64_t connections_opened() const;

  private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace pyfun::http_client
