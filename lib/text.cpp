#include "text.hpp"

#include <cstdint>

namespace pyfun::core {
namespace {

constexpr std::string_view replacement_character = "\xEF\xBF\xBD";

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Length of the valid UTF-8 sequence starting at bytes[i], or 0 when it is invalid (overlong forms,
// surrogates and code points above U+10FFFF included).
std::size_t valid_sequence_length(std::string_view bytes, std::size_t i)
{
    auto const byte = [&](std::size_t k) { return static_cast<unsigned char>(bytes[i + k]); };
    unsigned char const c = byte(0);
    if (c < 0x80)
        return 1;
    std::size_t length = 0;
    std::uint32_t code_point = 0;
    if (c >= 0xC2 && c <= 0xDF) {
        length = 2;
        code_point = c & 0x1Fu;
    }
    else if (c >= 0xE0 && c <= 0xEF) {
        length = 3;
        code_point = c & 0x0Fu;
    }
    else if (c >= 0xF0 && c <= 0xF4) {
        length = 4;
        code_point = c & 0x07u;
    }
    else {
        return 0;
    }
    if (i + length > bytes.size())
        return 0;
    for (std::size_t k = 1; k < length; ++k) {
        if (!is_continuation(byte(k)))
            return 0;
        code_point = (code_point << 6) | (byte(k) & 0x3Fu);
    }
    bool const overlong = (length == 3 && code_point < 0x800) || (length == 4 && code_point < 0x10000);
    bool const surrogate = code_point >= 0xD800 && code_point <= 0xDFFF;
    if (overlong || surrogate || code_point > 0x10FFFF)
        return 0;
    return length;
}

}  // namespace

std::string utf8_with_replacement(std::string_view bytes)
{
    std::string out;
    out.reserve(bytes.size());
    std::size_t i = 0;
    while (i < bytes.size()) {
        auto const length = valid_sequence_length(bytes, i);
        if (length == 0) {
            out += replacement_character;
            ++i;
        }
        else {
            out.append(bytes.substr(i, length));
            i += length;
        }
    }
    return out;
}

bool is_valid_utf8(std::string_view bytes)
{
    std::size_t i = 0;
    while (i < bytes.size()) {
        if (static_cast<unsigned char>(bytes[i]) < 0x80) {  // ASCII, the usual case: no decoding
            ++i;
            continue;
        }
        auto const length = valid_sequence_length(bytes, i);
        if (length == 0)
            return false;
        i += length;
    }
    return true;
}

std::vector<std::string> split_lines(std::string_view text)
{
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        auto const newline = text.find('\n', start);
        auto const end = newline == std::string_view::npos ? text.size() : newline + 1;
        lines.emplace_back(text.substr(start, end - start));
        start = end;
    }
    return lines;
}

}  // namespace pyfun::core
