#pragma once
// The HTTP/1.1 listener: accepts plain or TLS connections and serves each through core::handler,
// with size caps, timeouts, a connection cap, one JSON access-log line per request and a graceful stop.

#include "lib/http_types.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace pyfun::service {

struct server_options {
    std::string host = "127.0.0.1";  // an IP literal; "0.0.0.0" or "::" for every interface
    unsigned short port = 8443;      // 0 picks a free port: read it back with server::port()
    bool plain_http = false;
    std::string tls_cert_file, tls_key_file;  // both empty: a self-signed certificate (see tls_context.hpp)
    std::size_t max_connections = 512;
    std::size_t max_header_bytes = 16 * 1024;
    std::size_t max_body_bytes = 1024 * 1024;
    std::chrono::milliseconds read_timeout{15000}, write_timeout{15000}, idle_timeout{30000},
        shutdown_grace{10000};
    // Added to the answers the server makes itself (400, 413, 431, 500, 503), e.g. the CORS allow-origin
    // header so a browser can read them; the handler's own responses are sent as they are.
    core::header_map error_headers;
};

// Receives each finished log line (one JSON object, no newline). Called on the server's executor.
using log_sink = std::function<void(std::string_view line)>;

class server {
public:
    // Binds and listens at once; throws std::system_error naming the address when it cannot.
    // `tls` is used unless options.plain_http and must then be non-null (else std::invalid_argument).
    // `handler` and `tls` must outlive every session, i.e. until the executor's run() returns. Without a
    // sink, lines go to stderr in batches (batched_log.hpp).
    server(boost::asio::any_io_executor executor, server_options options, core::handler& handler,
           boost::asio::ssl::context* tls, log_sink sink = {});
    ~server();
    server(server const&) = delete;
    server& operator=(server const&) = delete;

    boost::asio::ip::tcp::endpoint local_endpoint() const;  // the bound address, with the real port
    unsigned short port() const;

    // Starts accepting. Thread-safe; call once.
    void start();

    // Graceful stop; thread-safe and idempotent. Closes the listening socket at once, closes idle
    // connections, lets in-flight requests finish and answers them with "Connection: close", and after
    // shutdown_grace closes what remains and cancels its handlers. Then the server holds no more work, so
    // run() can return.
    void stop();

private:
    struct state;
    std::shared_ptr<state> state_;
};

}  // namespace pyfun::service
