#pragma once
// What one Lambda function serves, chosen by the image's CMD or _HANDLER as in the old four-function image:
// the whole router, the router without learner runs (`reader`), or one route whose stage and lesson come
// from the event's pathParameters. A decorator over the lesson API's core::handler, shared by `bootstrap`
// and `pyfun invoke`.

#include "lib/http_types.hpp"
#include "proto_events/events.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace pyfun::lambda {

// `reader` is `router` minus the verify POST: the function that holds a GitHub token (and serves the
// webhook) then cannot run learner code even if a verify request were routed to it by mistake.
enum class function_kind { router, reader, stages_info, stage_info, lesson_info, lesson_verify };

// "router", "reader", "stages_info", ..., or the old dotted names ("lambda_app.stage_info_handler", ...);
// nullopt otherwise.
std::optional<function_kind> parse_function_kind(std::string_view name);

std::string_view function_kind_name(function_kind kind);  // "router", "stages_info", ...

// How answers made here (not by the API) look on the wire, the way the API makes its own.
struct response_style {
    std::string cors_origin = "*";
    bool compat_base64 = false;
};

class function_handler {
public:
    function_handler(core::handler& api, function_kind kind, response_style style);

    // The router passes every request through; the reader every one but a POST outside the webhook (405).
    // A per-route function answers its own route and method only (CORS preflights always), building the
    // path from pathParameters; a missing one is a 400.
    boost::asio::awaitable<core::response> handle(events::decoded_event event);

    // The answer when the invocation deadline cut the handler off.
    core::response deadline_exceeded() const;

    function_kind kind() const { return kind_; }

private:
    // Answers made here look like the API's own: CORS, and base64 bodies in compat mode.
    core::response styled(core::response res) const;

    core::handler& api_;
    function_kind kind_;
    response_style style_;
};

}  // namespace pyfun::lambda
