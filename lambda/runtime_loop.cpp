#include "runtime_loop.hpp"

#include "invoke_event.hpp"
#include "json_log.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>

namespace json = boost::json;
namespace net = boost::asio;

namespace pyfun::lambda {
namespace {

using steady = std::chrono::steady_clock;

// Lambda's X-Ray integration reads the trace id of the current invocation from the environment.
void set_trace_id(std::string const& trace_id)
{
    if (trace_id.empty())
        ::unsetenv("_X_AMZN_TRACE_ID");
    else
        ::setenv("_X_AMZN_TRACE_ID", trace_id.c_str(), 1);
}

json::object invocation_fields(invocation const& inv, std::optional<std::chrono::milliseconds> budget)
{
    char const* trace = std::getenv("_X_AMZN_TRACE_ID");
    json::object fields{{"trace_id", trace != nullptr ? trace : ""}};
    if (budget)
        fields["time_left_ms"] = budget->count();
    else
        fields["time_left_ms"] = nullptr;  // no deadline, or an implausible one
    if (!inv.function_arn.empty())
        fields["function_arn"] = inv.function_arn;
    return fields;
}

long long elapsed_ms(steady::time_point since)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - since).count();
}

}  // namespace

net::awaitable<int> serve_invocations(runtime_client& client, function_handler& handler, loop_options options)
{
    int failures = 0;
    for (;;) {
        auto next = co_await client.next();
        if (!next) {
            ++failures;
            json_log{}.error("cannot get the next invocation", {{"error", next.error().message()},
                                                                {"status", client.last_unexpected_status()},
                                                                {"failures_in_a_row", failures}});
            if (failures >= options.max_next_failures)
                co_return 1;
            net::steady_timer pause{co_await net::this_coro::executor, options.retry_delay * failures};
            co_await pause.async_wait(net::as_tuple(net::use_awaitable));
            continue;
        }
        failures = 0;

        auto const started = steady::now();
        json_log const log{next->request_id};
        set_trace_id(next->trace_id);
        auto const budget =
            time_budget(next->deadline, options.deadline_margin, std::chrono::system_clock::now());
        log.info("invocation", invocation_fields(*next, budget));

        auto outcome = co_await invoke_event(handler, std::move(next->payload), budget);
        boost::system::error_code posted;
        if (outcome.succeeded)
            posted = co_await client.post_response(next->request_id, std::move(outcome.payload));
        else
            posted =
                co_await client.post_error(next->request_id, outcome.error_type, std::move(outcome.payload));

        outcome.log_fields["duration_ms"] = elapsed_ms(started);
        if (!outcome.succeeded)
            outcome.log_fields["error_type"] = outcome.error_type;
        if (posted) {
            outcome.log_fields["error"] = posted.message();
            outcome.log_fields["api_status"] = client.last_unexpected_status();
            log.error("cannot post the result: stopping", std::move(outcome.log_fields));
            co_return 1;
        }
        if (outcome.succeeded)
            log.info("answered", std::move(outcome.log_fields));
        else
            log.error("failed", std::move(outcome.log_fields));
    }
}

}  // namespace pyfun::lambda
