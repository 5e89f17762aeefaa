#pragma once
// One event through the function: decode -> handle (bounded by the time budget) -> encode. The Runtime API
// loop posts what this returns; `pyfun invoke` prints it. Never throws for anything the event contains.

#include "function_handler.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace pyfun::lambda {

struct invoke_outcome {
    bool succeeded = false;  // true: post `payload` to /response; false: to /error with `error_type`
    std::string payload;  // the encoded Lambda response, or {"errorMessage", "errorType", "stackTrace": []}
    std::string error_type;  // Lambda-Runtime-Function-Error-Type when !succeeded
    // For the log line, never for the caller: origin, status, verdict, deadline, the exception's text.
    boost::json::object log_fields;
};

// `budget` bounds the handler; when it runs out the handler is cancelled (a running learner program is
// killed) and the answer is function_handler::deadline_exceeded().
boost::asio::awaitable<invoke_outcome> invoke_event(function_handler& handler, std::string payload,
                                                    std::optional<std::chrono::milliseconds> budget);

// The body Lambda expects on /invocation/{id}/error and /init/error.
std::string error_payload(std::string_view error_type, std::string_view message);

}  // namespace pyfun::lambda
