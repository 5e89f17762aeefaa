#include "body_encoding.hpp"

#include "http_syntax.hpp"

#include "lib/base64.hpp"
#include "lib/text.hpp"

#include <array>

namespace pyfun::events {
namespace {

// "Text/HTML; charset=utf-8" -> "text/html"
std::string media_type(std::string_view content_type)
{
    auto const end = content_type.find(';');
    auto type = content_type.substr(0, end);
    while (!type.empty() && (type.front() == ' ' || type.front() == '\t'))
        type.remove_prefix(1);
    while (!type.empty() && (type.back() == ' ' || type.back() == '\t'))
        type.remove_suffix(1);
    return ascii_lower(type);
}

}  // namespace

bool is_text_content(core::header_map const& headers)
{
    if (headers.contains("content-encoding"))
        return false;
    auto const content_type = headers.find("content-type");
    if (content_type == headers.end())
        return true;
    auto const type = media_type(content_type->second);
    if (type.starts_with("text/"))
        return true;
    constexpr std::array<std::string_view, 4> textual{"json", "javascript", "xml", "yaml"};
    for (auto const word : textual)
        if (type.find(word) != std::string::npos)
            return true;
    return false;
}

wire_body to_wire_body(core::header_map const& headers, std::string_view body)
{
    if (is_text_content(headers) && core::utf8_with_replacement(body) == body)
        return {std::string{body}, false};
    return {core::base64_encode(body), true};
}

}  // namespace pyfun::events
