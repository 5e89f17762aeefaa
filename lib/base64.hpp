#pragma once
// Standard base64 (RFC 4648, with padding): compat-mode bodies and Lambda's isBase64Encoded payloads.

#include <optional>
#include <string>
#include <string_view>

namespace pyfun::core {

std::string base64_encode(std::string_view bytes);

// nullopt for anything that is not canonical padded base64 (wrong characters, length, or padding).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace pyfun::core
