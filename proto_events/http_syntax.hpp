#pragma once
// The few HTTP syntax checks an event's fields must pass before they become a core::request (RFC 9110).

#include <string>
#include <string_view>

namespace pyfun::events {

// A non-empty `token` (method and header-name characters).
bool is_token(std::string_view text) noexcept;

// No CR, LF or NUL: a value that cannot split a header line or a log line.
bool is_field_value(std::string_view text) noexcept;

std::string ascii_lower(std::string_view text);
std::string ascii_upper(std::string_view text);

}  // namespace pyfun::events
