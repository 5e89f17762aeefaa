#include "status_text.hpp"

#include <algorithm>
#include <array>
#include <string_view>
#include <utility>

namespace pyfun::events {
namespace {

// RFC 9110 §15 phrases, plus 429 (RFC 6585); sorted by code.
constexpr std::array<std::pair<unsigned, std::string_view>, 40> reason_phrases{{
    {100, "Continue"},
    {101, "Switching Protocols"},
    {200, "OK"},
    {201, "Created"},
    {202, "Accepted"},
    {203, "Non-Authoritative Information"},
    {204, "No Content"},
    {205, "Reset Content"},
    {206, "Partial Content"},
    {300, "Multiple Choices"},
    {301, "Moved Permanently"},
    {302, "Found"},
    {303, "See Other"},
    {304, "Not Modified"},
    {307, "Temporary Redirect"},
    {308, "Permanent Redirect"},
    {400, "Bad Request"},
    {401, "Unauthorized"},
    {403, "Forbidden"},
    {404, "Not Found"},
    {405, "Method Not Allowed"},
    {406, "Not Acceptable"},
    {408, "Request Timeout"},
    {409, "Conflict"},
    {410, "Gone"},
    {411, "Length Required"},
    {412, "Precondition Failed"},
    {413, "Content Too Large"},
    {414, "URI Too Long"},
    {415, "Unsupported Media Type"},
    {416, "Range Not Satisfiable"},
    {422, "Unprocessable Content"},
    {429, "Too Many Requests"},
    {431, "Request Header Fields Too Large"},
    {500, "Internal Server Error"},
    {501, "Not Implemented"},
    {502, "Bad Gateway"},
    {503, "Service Unavailable"},
    {504, "Gateway Timeout"},
    {505, "HTTP Version Not Supported"},
}};

static_assert(std::is_sorted(reason_phrases.begin(), reason_phrases.end()));

}  // namespace

std::string status_description(unsigned status)
{
    auto const code = std::to_string(status);
    auto const found = std::lower_bound(reason_phrases.begin(), reason_phrases.end(), status,
                                        [](auto const& entry, unsigned value) { return entry.first < value; });
    if (found == reason_phrases.end() || found->first != status)
        return code;
    return code + ' ' + std::string{found->second};
}

}  // namespace pyfun::events
