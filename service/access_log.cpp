#include "access_log.hpp"

#include "lib/text.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>

namespace pyfun::service {
namespace {

// Bounds what a hostile request can push into one log line.
constexpr std::size_t max_logged_path = 512;
constexpr std::size_t max_logged_method = 32;

// Appends `text` as a JSON string. Invalid UTF-8 (exception texts may carry anything) becomes U+FFFD,
// so every line stays parseable.
void append_json_string(std::string& out, std::string_view raw)
{
    std::string repaired;  // only for invalid UTF-8: a log line is written per request
    std::string_view text = raw;
    if (!core::is_valid_utf8(raw)) {
        repaired = core::utf8_with_replacement(raw);
        text = repaired;
    }
    out += '"';
    for (char const ch : text) {
        auto const c = static_cast<unsigned char>(ch);
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (c < 0x20 || c == 0x7F) {
                    char escaped[8];
                    std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
                    out += escaped;
                }
                else {
                    out += ch;
                }
        }
    }
    out += '"';
}

void append_field(std::string& out, std::string_view name, std::string_view value)
{
    out += ", ";
    append_json_string(out, name);
    out += ": ";
    append_json_string(out, value);
}

std::string_view clip(std::string_view text, std::size_t limit)
{
    return text.substr(0, std::min(text.size(), limit));
}

std::string_view without_query(std::string_view path)
{
    return path.substr(0, path.find_first_of("?#"));
}

}  // namespace

std::string iso8601_utc(std::chrono::system_clock::time_point when)
{
    using namespace std::chrono;
    auto const since_epoch = when.time_since_epoch();
    auto const secs = duration_cast<seconds>(since_epoch);
    auto millis = duration_cast<milliseconds>(since_epoch - secs).count();
    auto t = static_cast<std::time_t>(secs.count());
    if (millis < 0) {  // before 1970: keep the fraction positive
        millis += 1000;
        --t;
    }
    std::tm parts{};
    gmtime_r(&t, &parts);
    char text[64];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900,
                  parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec,
                  static_cast<int>(millis));
    return text;
}

std::string format_access_line(access_entry const& entry, std::chrono::system_clock::time_point now)
{
    std::string out;
    out.reserve(160);  // a typical line, in one allocation
    out += "{\"time\": ";
    append_json_string(out, iso8601_utc(now));
    append_field(out, "method", clip(entry.method, max_logged_method));
    append_field(out, "path", clip(without_query(entry.path), max_logged_path));
    out += ", \"status\": " + std::to_string(entry.status);

    char duration[32];
    auto const ms = std::isfinite(entry.duration_ms) ? std::max(entry.duration_ms, 0.0) : 0.0;
    auto const written = std::to_chars(duration, duration + sizeof duration, ms, std::chars_format::fixed, 3);
    out += ", \"duration_ms\": ";
    out.append(duration, written.ptr);

    if (!entry.verdict.empty())
        append_field(out, "verdict", entry.verdict);
    append_field(out, "remote", entry.remote);
    out += '}';
    return out;
}

std::string format_event_line(std::string_view level, std::string_view event,
                              std::initializer_list<log_field> fields,
                              std::chrono::system_clock::time_point now)
{
    std::string out = "{\"time\": ";
    append_json_string(out, iso8601_utc(now));
    append_field(out, "level", level);
    append_field(out, "event", event);
    for (auto const& [name, value] : fields)
        append_field(out, name, value);
    out += '}';
    return out;
}

}  // namespace pyfun::service
