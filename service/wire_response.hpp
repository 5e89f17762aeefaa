#pragma once
// A core::response as the bytes that go on the wire: the HTTP/1.x status line and header block in one
// string, and the body beside it, written together with one gathered write. Beast's message serializer
// does the same through a generic buffer-sequence machinery that cost about a tenth of the server's CPU on
// cached GETs (perf, bench/README.md); this does only what our responses need.

#include "lib/http_types.hpp"

#include <boost/asio/buffer.hpp>

#include <array>
#include <string>

namespace pyfun::service::detail {

struct wire_response {
    std::string head;  // status line, headers, blank line
    std::string body;  // empty for HEAD and for 1xx, 204 and 304

    std::array<boost::asio::const_buffer, 2> buffers() const
    {
        return {boost::asio::buffer(head), boost::asio::buffer(body)};
    }
};

// Headers that frame the message (Content-Length, Transfer-Encoding, Connection, Keep-Alive, Upgrade) are ours
// to set, and any header with CR, LF or NUL in it is dropped: a handler bug must not split the response.
// HTTP/1.1 closes with "Connection: close", HTTP/1.0 keeps alive with "Connection: keep-alive". A HEAD answer
// announces the length it does not send.
wire_response to_wire(core::response&& res, unsigned version, bool keep_alive, bool head_request);

}  // namespace pyfun::service::detail
