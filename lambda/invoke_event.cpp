#include "invoke_event.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include <exception>
#include <optional>
#include <utility>

namespace json = boost::json;
namespace net = boost::asio;

namespace pyfun::lambda {
namespace {

using namespace boost::asio::experimental::awaitable_operators;

constexpr std::string_view malformed_event_type = "Runtime.MalformedEvent";
constexpr std::string_view internal_error_type = "Runtime.InternalError";
constexpr std::string_view not_an_http_event =
    "the event is not an HTTP event from API Gateway (REST or HTTP API), a Function URL or an ALB: ";

std::string_view origin_name(events::origin origin)
{
    switch (origin) {
    case events::origin::api_gateway_rest: return "api_gateway_rest";
    case events::origin::api_gateway_http: return "api_gateway_http";
    case events::origin::function_url: return "function_url";
    case events::origin::alb: return "alb";
    case events::origin::alb_multi_value: return "alb_multi_value";
    }
    return "unknown";
}

// The handler's answer, or the text of what a bug threw. A throwing handler must end the race below at once
// instead of losing it to the timer, so the exception becomes a value here.
struct handled {
    std::optional<core::response> response;
    std::string failure;
};

net::awaitable<handled> guarded(function_handler& handler, events::decoded_event event)
{
    try {
        auto response = co_await handler.handle(std::move(event));
        co_return handled{std::move(response), {}};
    }
    catch (std::exception const& e) {
        co_return handled{std::nullopt, e.what()};
    }
}

}  // namespace

std::string error_payload(std::string_view error_type, std::string_view message)
{
    return json::serialize(
        json::object{{"errorMessage", message}, {"errorType", error_type}, {"stackTrace", json::array{}}});
}

net::awaitable<invoke_outcome> invoke_event(function_handler& handler, std::string payload,
                                            std::optional<std::chrono::milliseconds> budget)
{
    invoke_outcome outcome;
    auto decoded = events::decode(payload);
    if (!decoded) {
        outcome.error_type = malformed_event_type;
        outcome.payload =
            error_payload(malformed_event_type, std::string{not_an_http_event} + decoded.error().message());
        outcome.log_fields["error"] = decoded.error().message();
        co_return outcome;
    }
    auto const origin = decoded->origin;
    auto const& path = decoded->request.path;
    outcome.log_fields["origin"] = origin_name(origin);
    outcome.log_fields["method"] = decoded->request.method;
    outcome.log_fields["path"] = path.substr(0, path.find('?'));  // the query may carry tokens: never logged

    handled result;
    if (budget) {
        outcome.log_fields["budget_ms"] = budget->count();
        net::steady_timer timer{co_await net::this_coro::executor, *budget};
        auto winner =
            co_await (guarded(handler, std::move(*decoded)) || timer.async_wait(net::use_awaitable));
        if (winner.index() == 0) {
            result = std::get<0>(std::move(winner));
        }
        else {
            result.response = handler.deadline_exceeded();
            outcome.log_fields["deadline_reached"] = true;
        }
    }
    else {
        result = co_await guarded(handler, std::move(*decoded));
    }

    if (!result.response) {
        outcome.error_type = internal_error_type;
        outcome.payload = error_payload(internal_error_type, "internal error (see the function's log)");
        outcome.log_fields["exception"] = result.failure;
        co_return outcome;
    }
    outcome.log_fields["status"] = result.response->status;
    if (!result.response->verdict.empty())
        outcome.log_fields["verdict"] = result.response->verdict;
    outcome.succeeded = true;
    outcome.payload = events::encode(origin, *result.response);
    co_return outcome;
}

}  // namespace pyfun::lambda
