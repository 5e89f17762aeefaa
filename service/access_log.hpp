#pragma once
// The server's structured log lines: one JSON object per request, plus events (handler bugs, TLS failures).
// Never given bodies or headers, so neither answers nor Authorization values can reach the log.

#include <chrono>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace pyfun::service {

struct access_entry {
    std::string_view method;
    std::string_view path;  // logged without its query string, which may carry tokens
    unsigned status = 0;
    double duration_ms = 0;
    std::string_view verdict;  // logged only when non-empty
    std::string_view remote;   // "127.0.0.1:50312"
};

// {"time", "method", "path", "status", "duration_ms", "verdict"?, "remote"}, no trailing newline.
std::string format_access_line(access_entry const& entry, std::chrono::system_clock::time_point now);

using log_field = std::pair<std::string_view, std::string_view>;

// {"time", "level", "event", fields...}, no trailing newline.
std::string format_event_line(std::string_view level, std::string_view event,
                              std::initializer_list<log_field> fields,
                              std::chrono::system_clock::time_point now);

// "2024-05-01T12:00:00.123Z"
std::string iso8601_utc(std::chrono::system_clock::time_point when);

}  // namespace pyfun::service
