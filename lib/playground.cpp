#include "playground.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <string>

namespace json = boost::json;
namespace net = boost::asio;

namespace pyfun::core {
namespace {

constexpr std::string_view prefix = "/play";
constexpr std::string_view problems_name = "problems";

// Lesson text is untrusted and the page never turns it into markup; the policy makes sure nothing else
// can either: no inline script or style, no plugins, no framing. Lesson images may live on any https host.
constexpr std::string_view content_security_policy =
    "default-src 'self'; img-src 'self' https: data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

response page_response(unsigned status, std::string_view content_type, std::string body)
{
    response res{status, {{"content-type", std::string{content_type}}}, std::move(body), {}};
    res.headers.emplace("content-security-policy", std::string{content_security_policy});
    res.headers.emplace("x-content-type-options", "nosniff");
    res.headers.emplace("referrer-policy", "no-referrer");
    // Authors edit lessons and reload: never serve a stale page from the browser cache.
    res.headers.emplace("cache-control", "no-cache");
    return res;
}

response json_page_response(unsigned status, json::object const& body)
{
    return page_response(status, "application/json", json::serialize(body));
}

// "/play/play.js?v=1" -> "play.js"; "/play" and "/play/" -> "".
std::string_view name_below_prefix(std::string_view target)
{
    target = target.substr(0, target.find_first_of("?#"));
    target.remove_prefix(prefix.size());
    if (target.starts_with('/'))
        target.remove_prefix(1);
    return target;
}

}  // namespace

bool is_playground_path(std::string_view target)
{
    target = target.substr(0, target.find_first_of("?#"));
    return target.starts_with(prefix) && (target.size() == prefix.size() || target[prefix.size()] == '/');
}

playground::playground(handler& next, lesson_source& source, std::span<static_file const> files,
                       playground_options options)
    : next_{next}, source_{source}, files_{files}, options_{options}
{
}

net::awaitable<response> playground::handle(request req)
{
    if (!is_playground_path(req.path))
        co_return co_await next_.handle(std::move(req));

    if (req.method != "GET" && req.method != "HEAD") {
        json::object const failure{{"fail", true}, {"error", "method not allowed"}};
        auto res = json_page_response(405, failure);
        res.headers.emplace("allow", "GET, HEAD");
        co_return res;
    }
    auto name = name_below_prefix(req.path);
    if (name == problems_name)
        co_return co_await problems();
    if (name.empty())
        name = "index.html";
    auto const file = std::find_if(files_.begin(), files_.end(), [&](auto const& f) { return f.name == name; });
    if (file == files_.end())
        co_return page_response(404, "text/plain; charset=utf-8", "no such page\n");
    co_return page_response(200, file->content_type, std::string{file->body});
}

net::awaitable<response> playground::problems()
{
    auto const index = co_await source_.get_catalog();
    if (!index) {
        json::object const failure{{"fail", true}, {"error", "the lesson source is unavailable; try again later"}};
        co_return json_page_response(503, failure);
    }
    json::array list;
    for (auto const& problem : (*index)->problems)
        list.push_back(json::object{{"file", problem.file}, {"key", problem.key}, {"message", problem.message}});
    json::object const body{
        {"watch", options_.watching}, {"lessons", source_.description()}, {"problems", std::move(list)}};
    co_return json_page_response(200, body);
}

}  // namespace pyfun::core
