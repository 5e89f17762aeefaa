#pragma once
// A client of the Lambda Runtime API (plain HTTP/1.1 on AWS_LAMBDA_RUNTIME_API, one kept-alive connection).
// Transport problems and unexpected replies come back as error codes; it throws only on bugs.

#include "invocation.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace pyfun::lambda {

struct runtime_address {
    std::string host;  // name or address, without brackets
    unsigned short port = 0;
};

// "127.0.0.1:9001", "localhost:9001" or "[::1]:9001"; nullopt for anything else.
std::optional<runtime_address> parse_runtime_address(std::string_view text);

struct runtime_client_options {
    std::chrono::milliseconds connect_timeout{3000};
    // Bounds writing any request and reading the reply to a post. The reply to `next` is never bounded:
    // Lambda freezes the sandbox while no invocation is waiting, for as long as it likes.
    std::chrono::milliseconds io_timeout{30000};
    std::size_t max_event_bytes = 16u << 20;  // Lambda's own limit is 6 MB for synchronous invocations
};

class runtime_client {
public:
    runtime_client(boost::asio::any_io_executor executor, runtime_address address,
                   runtime_client_options options = {});
    ~runtime_client();
    runtime_client(runtime_client const&) = delete;
    runtime_client& operator=(runtime_client const&) = delete;

    // GET /2018-06-01/runtime/invocation/next. Returns the transport's error code, or errc::upstream_failed
    // for a reply that is not 200 or lacks a valid request id.
    boost::asio::awaitable<boost::system::result<invocation>> next();

    // POST .../invocation/{id}/response with the encoded response. Error codes as for next(); a reply that is
    // not 2xx is upstream_failed.
    boost::asio::awaitable<boost::system::error_code> post_response(std::string request_id, std::string body);

    // POST .../invocation/{id}/error with Lambda-Runtime-Function-Error-Type.
    boost::asio::awaitable<boost::system::error_code> post_error(std::string request_id,
                                                                 std::string error_type, std::string body);

    // POST /2018-06-01/runtime/init/error with Lambda-Runtime-Function-Error-Type.
    boost::asio::awaitable<boost::system::error_code> post_init_error(std::string error_type,
                                                                      std::string body);

    // The status of the last reply that was not what the API promises (0 if none), for logs.
    unsigned last_unexpected_status() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace pyfun::lambda
