#pragma once
// Neutral HTTP request/response and the one handler interface that every entrypoint adapts to.
// Plain data, no Beast: proto_events, service and tests build these directly.

#include <boost/asio/awaitable.hpp>

#include <map>
#include <string>

namespace pyfun::core {

using header_map = std::multimap<std::string, std::string>;  // lower-case keys; repeatable (set-cookie)

struct request {
    std::string method;  // upper case: GET, POST, OPTIONS, ...
    std::string path;    // may carry a query string; routing ignores it
    header_map headers;
    std::string body;  // already decoded (no base64)
};

struct response {
    unsigned status = 200;
    header_map headers;
    std::string body;
    std::string verdict;  // verify outcome for the access log only; never sent on the wire
};

class handler {
public:
    virtual ~handler() = default;
    // Expected failures come back as 4xx/5xx responses. Throws only on bugs.
    virtual boost::asio::awaitable<response> handle(request req) = 0;
};

}  // namespace pyfun::core
