#include "http_syntax.hpp"

#include <algorithm>

namespace pyfun::events {
namespace {

bool is_tchar(char c) noexcept
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return std::string_view{"!#$%&'*+-.^_`|~"}.find(c) != std::string_view::npos;
}

std::string map_ascii(std::string_view text, char from, char to)
{
    std::string out{text};
    for (auto& c : out)
        if (c >= from && c <= static_cast<char>(from + 25))
            c = static_cast<char>(c - from + to);
    return out;
}

}  // namespace

bool is_token(std::string_view text) noexcept
{
    return !text.empty() && std::all_of(text.begin(), text.end(), is_tchar);
}

bool is_field_value(std::string_view text) noexcept
{
    return text.find_first_of(std::string_view{"\r\n\0", 3}) == std::string_view::npos;
}

std::string ascii_lower(std::string_view text) { return map_ascii(text, 'A', 'a'); }

std::string ascii_upper(std::string_view text) { return map_ascii(text, 'a', 'A'); }

}  // namespace pyfun::events
