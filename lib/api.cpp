#include "api.hpp"

#include "api_json.hpp"
#include "base64.hpp"
#include "error.hpp"

#include <boost/json/serialize.hpp>

#include <string_view>
#include <vector>

namespace json = boost::json;
namespace net = boost::asio;

namespace pyfun::core {
namespace {

constexpr std::string_view service_version = "0.1.0";

response json_response(unsigned status, json::value const& body)
{
    return {status, {{"content-type", "application/json"}}, json::serialize(body), {}};
}

std::string success_text(json::value data)
{
    return json::serialize(json::object{{"success", true}, {"data", std::move(data)}});
}

response success_body(std::string body)
{
    return {200, {{"content-type", "application/json"}}, std::move(body), {}};
}

response success(json::value data) { return success_body(success_text(std::move(data))); }

response source_failure(boost::system::error_code ec)
{
    if (ec == errc::stage_not_found)
        return failure_response(404, "unknown stage");
    if (ec == errc::lesson_not_found)
        return failure_response(404, "unknown lesson");
    return failure_response(503, "the lesson source is unavailable; try again later");
}

// "/stage/basics/hello/?x=1" -> {"stage", "basics", "hello"}; a trailing slash and the query are ignored.
std::vector<std::string> path_segments(std::string_view target)
{
    target = target.substr(0, target.find_first_of("?#"));
    std::vector<std::string> segments;
    std::size_t start = 0;
    while (start < target.size()) {
        auto end = target.find('/', start);
        if (end == std::string_view::npos)
            end = target.size();
        if (end > start)
            segments.emplace_back(target.substr(start, end - start));
        start = end + 1;
    }
    return segments;
}

bool is_empty_path(std::string_view target)
{
    target = target.substr(0, target.find_first_of("?#"));
    return target.find_first_not_of('/') == std::string_view::npos;
}

}  // namespace

std::optional<bool> parse_compat_mode(std::string_view value)
{
    if (value.empty() || value == "none")
        return false;
    if (value == "pyfun-v2")
        return true;
    return std::nullopt;
}

api::api(lesson_source& source, verifier& judge, api_options options)
    : source_{source}, judge_{judge}, options_{std::move(options)}
{
}

net::awaitable<response> api::handle(request req)
{
    if (req.method == "OPTIONS") {
        response preflight{204, {}, {}, {}};
        preflight.headers.emplace("access-control-allow-methods", "GET, POST, OPTIONS");
        preflight.headers.emplace("access-control-allow-headers", "content-type, authorization, x-requested-with");
        preflight.headers.emplace("access-control-max-age", "86400");
        co_return finish(std::move(preflight));
    }
    auto res = co_await route(req);
    co_return finish(std::move(res));
}

net::awaitable<response> api::route(request const& req)
{
    auto const segments = path_segments(req.path);
    bool const get = req.method == "GET";
    bool const post = req.method == "POST";

    if (is_empty_path(req.path))
        co_return get ? success(json::object{{"service", "pyfun"}, {"version", service_version}, {"stages", "/stage"}})
                      : method_not_allowed("GET");
    if (segments.size() == 1 && segments[0] == "healthz")
        co_return get ? health() : method_not_allowed("GET");
    if (segments.empty() || segments[0] != "stage" || segments.size() > 3)
        co_return failure_response(404, "no such route");

    // co_await stays out of conditional expressions: GCC 12's coroutines have rough edges there.
    if (segments.size() < 3 && !get)
        co_return method_not_allowed("GET");
    if (segments.size() == 1)
        co_return co_await get_stages();
    if (segments.size() == 2)
        co_return co_await get_stage(segments[1]);
    if (get)
        co_return co_await get_lesson(segments[1], segments[2]);
    if (post)
        co_return co_await verify(segments[1], segments[2], req.body);
    co_return method_not_allowed("GET, POST");
}

net::awaitable<response> api::get_stages()
{
    auto index = co_await source_.get_catalog();
    if (!index)
        co_return source_failure(index.error());
    auto const& body = stage_list_bodies_.get(*index, [](catalog const& c) { return success_text(stage_map(c)); });
    co_return success_body(body);
}

net::awaitable<response> api::get_stage(std::string stage)
{
    auto index = co_await source_.get_catalog();
    if (!index)
        co_return source_failure(index.error());
    auto const* found = (*index)->find_stage(stage);
    if (!found)
        co_return failure_response(404, "unknown stage");
    co_return success(lesson_map(*found));
}

net::awaitable<response> api::get_lesson(std::string stage, std::string name)
{
    auto found = co_await source_.get_lesson(std::move(stage), std::move(name));
    if (!found)
        co_return source_failure(found.error());
    auto const& body = lesson_bodies_.get(*found, [](lesson const& l) { return success_text(lesson_detail(l)); });
    co_return success_body(body);
}

net::awaitable<response> api::verify(std::string stage, std::string name, std::string body)
{
    if (body.size() > options_.max_body_bytes)
        co_return failure_response(413, "request body too large");
    auto lesson = co_await source_.get_lesson(std::move(stage), std::move(name));
    if (!lesson)
        co_return source_failure(lesson.error());
    auto answer = read_answer(body, (*lesson)->blank_count);
    if (!answer.error.empty())
        co_return failure_response(400, answer.error);

    auto const result = co_await judge_.verify(*lesson, std::move(answer.values));
    auto res = success(verify_answer(result));
    res.verdict = verdict_name(result.outcome);
    co_return res;
}

response api::health() const
{
    json::object status{{"status", "ok"}, {"version", service_version}, {"lessons", source_.description()}};
    if (options_.health_details)
        for (auto& [key, value] : options_.health_details())
            status[key] = value;
    return json_response(200, status);
}

response api::finish(response res) const
{
    return finish_response(std::move(res), options_.cors_origin, options_.compat_base64);
}

response failure_response(unsigned status, std::string_view message)
{
    return json_response(status, json::object{{"fail", true}, {"error", message}});
}

response method_not_allowed(std::string_view allowed)
{
    auto res = failure_response(405, "method not allowed");
    res.headers.emplace("allow", std::string{allowed} + ", OPTIONS");
    return res;
}

response finish_response(response res, std::string const& cors_origin, bool compat_base64)
{
    res.headers.emplace("access-control-allow-origin", cors_origin);
    if (cors_origin != "*")
        res.headers.emplace("vary", "Origin");
    if (compat_base64 && !res.body.empty()) {
        res.body = base64_encode(res.body);
        auto const type = res.headers.find("content-type");
        if (type != res.headers.end())
            type->second = "text/plain; charset=utf-8";
    }
    return res;
}

}  // namespace pyfun::core
