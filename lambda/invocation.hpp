#pragma once
// One invocation as the Runtime API hands it out (GET .../invocation/next), and the reading of its deadline.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace pyfun::lambda {

struct invocation {
    std::string request_id;    // Lambda-Runtime-Aws-Request-Id
    std::string trace_id;      // Lambda-Runtime-Trace-Id (may be empty)
    std::string function_arn;  // Lambda-Runtime-Invoked-Function-Arn (may be empty)
    std::optional<std::chrono::system_clock::time_point> deadline;  // none when absent or implausible
    std::string payload;                                            // the event JSON
};

// Lambda-Runtime-Deadline-Ms is the deadline in milliseconds since the epoch. A value that is not a plain
// number, lies more than a minute in the past, or further ahead than Lambda's 15-minute maximum plus a minute
// of slack is treated as no deadline (local peers send placeholders such as the constant 5000).
std::optional<std::chrono::system_clock::time_point> parse_deadline(
    std::string_view header, std::chrono::system_clock::time_point now);

// How long the handler may run: the time left before `deadline` minus `margin` (kept for posting the
// answer), never negative; nullopt without a deadline.
std::optional<std::chrono::milliseconds> time_budget(
    std::optional<std::chrono::system_clock::time_point> deadline, std::chrono::milliseconds margin,
    std::chrono::system_clock::time_point now);

// Request ids travel in the URL of the answer: only visible ASCII without '/', '?', '#', '%' or spaces is
// accepted (Lambda's are UUIDs), so a hostile id can never change the request we send.
bool is_valid_request_id(std::string_view id);

}  // namespace pyfun::lambda
