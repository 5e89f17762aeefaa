#pragma once
// DESIGN §6's text rule for response bodies: which bodies go out as plain JSON text and which as base64.

#include "lib/http_types.hpp"

#include <string>
#include <string_view>

namespace pyfun::events {

// True without Content-Encoding and with a text-like Content-Type (text/*, or a type naming json,
// javascript, xml or yaml, suffixes such as +json included) or none at all.
bool is_text_content(core::header_map const& headers);

// The body as it goes into the Lambda response, and whether it is base64. A text-typed body that is not
// valid UTF-8 goes out as base64 too: a JSON string cannot carry those bytes.
struct wire_body {
    std::string text;
    bool base64 = false;
};
wire_body to_wire_body(core::header_map const& headers, std::string_view body);

}  // namespace pyfun::events
