#include "function_handler.hpp"

#include "lib/base64.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <array>
#include <map>
#include <string>
#include <utility>

namespace json = boost::json;
namespace net = boost::asio;

namespace pyfun::lambda {
namespace {

struct kind_names {
    function_kind kind;
    std::string_view name;
    std::string_view old_name;  // the old image's Python handler
};

constexpr std::array<kind_names, 5> all_kinds{{
    {function_kind::router, "router", ""},
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
    if (kind_ == function_kind::router || request.method == "OPTIONS")
        co_return co_await api_.handle(std::move(request));

    std::string_view const allowed = kind_ == function_kind::lesson_verify ? "POST" : "GET";
    if (request.method != allowed) {
        auto res = failure(405, "method not allowed");
        res.headers.emplace("allow", std::string{allowed} + ", OPTIONS");
        co_return res;
    }
    auto target = build_path(kind_, event.path_parameters);
    if (target.status != 0)
        co_return failure(target.status, target.problem);
    request.path = std::move(target.path);
    co_return co_await api_.handle(std::move(request));
}

core::response function_handler::deadline_exceeded() const
{
    return failure(504, "the invocation deadline was reached: the run was stopped before it finished");
}

core::response function_handler::failure(unsigned status, std::string_view message) const
{
    core::response res{status, {}, json::serialize(json::object{{"fail", true}, {"error", message}}), {}};
    res.headers.emplace("content-type", "application/json");
    res.headers.emplace("access-control-allow-origin", style_.cors_origin);
    if (style_.cors_origin != "*")
        res.headers.emplace("vary", "Origin");
    if (style_.compat_base64) {
        // The deployed frontend base64-decodes every body, failures included (as the API does in this mode).
        res.body = core::base64_encode(res.body);
        res.headers.find("content-type")->second = "text/plain; charset=utf-8";
    }
    return res;
}

}  // namespace pyfun::lambda
