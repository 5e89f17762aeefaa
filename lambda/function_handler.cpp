#include "function_handler.hpp"

#include "lib/api.hpp"
#include "lib/github/github_webhook.hpp"

#include <array>
#include <map>
#include <string>
#include <utility>

namespace net = boost::asio;

namespace pyfun::lambda {
namespace {

struct kind_names {
    function_kind kind;
    std::string_view name;
    std::string_view old_name;  // the old image's Python handler
};

constexpr std::array<kind_names, 6> all_kinds{{
    {function_kind::router, "router", ""},
    {function_kind::reader, "reader", ""},
    {function_kind::stages_info, "stages_info", "lambda_app.stages_info_handler"},
    {function_kind::stage_info, "stage_info", "lambda_app.stage_info_handler"},
    {function_kind::lesson_info, "lesson_info", "lambda_app.lesson_info_handler"},
    {function_kind::lesson_verify, "lesson_verify", "lambda_app.lesson_verify_handler"},
}};

// A path parameter becomes one path segment: characters that would split or end the path cannot be part of
// any stage or lesson name.
bool fits_one_segment(std::string_view value)
{
    return value.find_first_of("/?#") == std::string_view::npos;
}

struct route_target {
    std::string path;     // empty when `problem` is set
    unsigned status = 0;  // the failure to answer instead
    std::string problem;
};

route_target build_path(function_kind kind, std::map<std::string, std::string> const& parameters)
{
    std::string path = "/stage";
    if (kind == function_kind::stages_info)
        return {path, 0, {}};
    std::array<std::pair<std::string_view, std::string_view>, 2> const wanted{{
        {"stage_name", "unknown stage"},
        {"lesson_name", "unknown lesson"},
    }};
    std::size_t const count = kind == function_kind::stage_info ? 1 : 2;
    for (std::size_t i = 0; i < count; ++i) {
        auto const [key, unknown] = wanted[i];
        auto const found = parameters.find(std::string{key});
        if (found == parameters.end() || found->second.empty())
            return {{}, 400, "pathParameters." + std::string{key} + " is missing"};
        if (!fits_one_segment(found->second))
            return {{}, 404, std::string{unknown}};
        path += '/';
        path += found->second;
    }
    return {path, 0, {}};
}

}  // namespace

std::optional<function_kind> parse_function_kind(std::string_view name)
{
    for (auto const& entry : all_kinds)
        if (name == entry.name || (!entry.old_name.empty() && name == entry.old_name))
            return entry.kind;
    return std::nullopt;
}

std::string_view function_kind_name(function_kind kind)
{
    for (auto const& entry : all_kinds)
        if (entry.kind == kind)
            return entry.name;
    return "unknown";
}

function_handler::function_handler(core::handler& api, function_kind kind, response_style style)
    : api_{api}, kind_{kind}, style_{std::move(style)}
{
}

net::awaitable<core::response> function_handler::handle(events::decoded_event event)
{
    auto& request = event.request;
    bool const reads_only = kind_ == function_kind::reader && request.method != "GET" &&
                            request.method != "OPTIONS" && !github::is_webhook_path(request.path);
    if (reads_only)
        co_return styled(core::method_not_allowed("GET"));
    if (kind_ == function_kind::router || kind_ == function_kind::reader || request.method == "OPTIONS")
        co_return co_await api_.handle(std::move(request));

    std::string_view const allowed = kind_ == function_kind::lesson_verify ? "POST" : "GET";
    if (request.method != allowed)
        co_return styled(core::method_not_allowed(allowed));
    auto target = build_path(kind_, event.path_parameters);
    if (target.status != 0)
        co_return styled(core::failure_response(target.status, target.problem));
    request.path = std::move(target.path);
    co_return co_await api_.handle(std::move(request));
}

core::response function_handler::deadline_exceeded() const
{
    return styled(
        core::failure_response(504, "the invocation deadline was reached: the run was stopped before it finished"));
}

core::response function_handler::styled(core::response res) const
{
    return core::finish_response(std::move(res), style_.cors_origin, style_.compat_base64);
}

}  // namespace pyfun::lambda
