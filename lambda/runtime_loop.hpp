#pragma once
// The custom runtime's loop: next -> invoke_event -> post the response or the error, for ever.

#include "function_handler.hpp"
#include "runtime_client.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>

namespace pyfun::lambda {

struct loop_options {
    std::chrono::milliseconds deadline_margin{300};  // kept from the handler's time to post the answer
    int max_next_failures = 3;  // `next` failures in a row before giving up (as aws-lambda-cpp)
    std::chrono::milliseconds retry_delay{100};  // times the failure count, before asking `next` again
};

// Serves invocations until `next` failed max_next_failures times in a row or a result could not be posted;
// returns the process's exit code then (non-zero: Lambda starts a fresh runtime). Copies each invocation's
// trace id into _X_AMZN_TRACE_ID. Throws only on bugs.
boost::asio::awaitable<int> serve_invocations(runtime_client& client, function_handler& handler,
                                              loop_options options = {});

}  // namespace pyfun::lambda
