#include "wire_response.hpp"

#include <boost/beast/http/status.hpp>

#include <charconv>
#include <string_view>
#include <utility>

namespace pyfun::service::detail {
namespace {

namespace http = boost::beast::http;

// Framing is ours to set from what we really send; a handler's copy could contradict it.
bool is_framing_header(std::string_view lower_name)
{
    return lower_name == "content-length" || lower_name == "transfer-encoding" ||
           lower_name == "connection" || lower_name == "keep-alive" || lower_name == "upgrade";
}

// CR or LF in a header would let a handler bug split the response; such a header is dropped.
bool is_safe_header_text(std::string_view text)
{
    return text.find_first_of(std::string_view{"\r\n\0", 3}) == std::string_view::npos;
}

void append_number(std::string& out, std::size_t value)
{
    char digits[24];
    auto const end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    out.append(digits, end);
}

void append_header(std::string& out, std::string_view name, std::string_view value)
{
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
}

}  // namespace

wire_response to_wire(core::response&& res, unsigned version, bool keep_alive, bool head_request)
{
    wire_response out;
    out.head.reserve(256);
    out.head += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    append_number(out.head, res.status);
    out.head += ' ';
    out.head += http::obsolete_reason(http::int_to_status(res.status));
    out.head += "\r\n";
    for (auto const& [name, value] : res.headers)
        if (!name.empty() && !is_framing_header(name) && is_safe_header_text(name) && is_safe_header_text(value))
            append_header(out.head, name, value);
    bool const bodyless_status = res.status < 200 || res.status == 204 || res.status == 304;
    if (!bodyless_status) {
        out.head += "Content-Length: ";
        append_number(out.head, res.body.size());
        out.head += "\r\n";
        if (!head_request)
            out.body = std::move(res.body);
    }
    if (version >= 11 && !keep_alive)
        append_header(out.head, "Connection", "close");
    else if (version < 11 && keep_alive)
        append_header(out.head, "Connection", "keep-alive");
    out.head += "\r\n";
    return out;
}

}  // namespace pyfun::service::detail
