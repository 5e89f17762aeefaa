#include "query_string.hpp"

#include "http_syntax.hpp"

#include "lib/error.hpp"

namespace json = boost::json;

namespace pyfun::events {
namespace {

bool is_unreserved(char c) noexcept
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~';
}

// A kept (ALB) value goes into the path as is, so it must not break a request line.
bool append_pair(std::string& query, std::string_view key, std::string_view value, query_values mode)
{
    if (mode == query_values::keep && (!is_field_value(key) || !is_field_value(value)))
        return false;
    if (!query.empty())
        query += '&';
    query += mode == query_values::percent_encode ? percent_encode(key) : std::string{key};
    query += '=';
    query += mode == query_values::percent_encode ? percent_encode(value) : std::string{value};
    return true;
}

// {"k": "v"}
bool append_single_values(std::string& query, json::object const& map, query_values mode)
{
    for (auto const& entry : map) {
        auto const* text = entry.value().if_string();
        if (!text || !append_pair(query, entry.key(), *text, mode))
            return false;
    }
    return true;
}

// {"k": ["v", "v2"]}
bool append_multi_values(std::string& query, json::object const& map, query_values mode)
{
    for (auto const& entry : map) {
        auto const* values = entry.value().if_array();
        if (!values)
            return false;
        for (auto const& value : *values) {
            auto const* text = value.if_string();
            if (!text || !append_pair(query, entry.key(), *text, mode))
                return false;
        }
    }
    return true;
}

}  // namespace

boost::system::result<std::string> build_query(json::object const* single, json::object const* multi,
                                               query_values mode)
{
    // Both maps are read, so a wrong type in the one that loses is still caught.
    std::string single_query;
    std::string multi_query;
    if ((single && !append_single_values(single_query, *single, mode)) ||
        (multi && !append_multi_values(multi_query, *multi, mode)))
        return errc::malformed_event;
    return multi ? multi_query : single_query;
}

std::string percent_encode(std::string_view text)
{
    constexpr std::string_view hex = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (char const c : text) {
        if (is_unreserved(c)) {
            out += c;
            continue;
        }
        auto const byte = static_cast<unsigned char>(c);
        out += '%';
        out += hex[byte >> 4];
        out += hex[byte & 0xF];
    }
    return out;
}

}  // namespace pyfun::events
