#include "github_rest.hpp"

#include "git_hash.hpp"
#include "github_error.hpp"

#include "lib/http_client/url.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace json = boost::json;
namespace net = boost::asio;

namespace pyfun::github {
namespace {

constexpr std::string_view api_version = "2022-11-28";
constexpr std::string_view accept_sha = "application/vnd.github.sha";
constexpr std::string_view accept_json = "application/vnd.github+json";
constexpr std::string_view accept_raw = "application/vnd.github.raw+json";

std::string_view trimmed(std::string_view text)
{
    auto const first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return {};
    auto const last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

// The path of a URL for logs: never the host's credentials or a query (which carries only a SHA anyway).
std::string_view log_target(std::string_view url)
{
    auto const scheme = url.find("://");
    auto const path = url.find('/', scheme == std::string_view::npos ? 0 : scheme + 3);
    if (path == std::string_view::npos)
        return "/";
    auto target = url.substr(path);
    return target.substr(0, target.find('?'));
}

boost::system::result<tree_item> read_tree_item(json::value const& value)
{
    auto const* item = value.if_object();
    if (!item)
        return github_errc::bad_response;
    auto const* path = item->if_contains("path");
    auto const* type = item->if_contains("type");
    auto const* sha = item->if_contains("sha");
    if (!path || !path->is_string() || !type || !type->is_string() || !sha || !sha->is_string() ||
        !is_object_id(sha->get_string()))
        return github_errc::bad_response;
    tree_item out{std::string{path->get_string()}, std::string{type->get_string()},
                  std::string{sha->get_string()}, 0};
    if (out.type == "blob") {
        auto const* size = item->if_contains("size");
        if (!size || !size->is_number())
            return github_errc::bad_response;
        json::error_code ec;
        out.size = size->to_number<std::uint64_t>(ec);
        if (ec)
            return github_errc::bad_response;
    }
    return out;
}

}  // namespace

github_rest::github_rest(net::any_io_executor executor, github_repo const& repo,
                         github_settings const& settings, github_clock const& clock, log_sink const& log)
    : http_{std::move(executor), settings.http},
      api_base_{settings.api_base},
      repo_url_{settings.api_base + "/repos/" + repo.owner + "/" + repo.name},
      ref_{repo.ref_or_head()},
      token_{settings.token},
      user_agent_{settings.user_agent},
      clock_{clock},
      log_{log}
{
}

void github_rest::log_event(std::string_view event, std::string_view url, std::string_view detail) const
{
    if (!log_)
        return;
    json::object line{
        {"level", "warn"}, {"component", "github"}, {"event", event}, {"target", log_target(url)}};
    if (!detail.empty())
        line["detail"] = detail;
    log_(json::serialize(line));
}

net::awaitable<boost::system::result<http_client::incoming_response>> github_rest::get(
    std::string url, std::string_view accept, std::string if_none_match)
{
    if (breaker_.is_open(clock_.steady_now()))
        co_return github_errc::rate_limited;
    http_client::outgoing_request request;
    request.url = url;
    request.headers.emplace("accept", accept);
    request.headers.emplace("user-agent", user_agent_);
    request.headers.emplace("x-github-api-version", api_version);
    if (!token_.empty())
        request.headers.emplace("authorization", "Bearer " + token_);
    if (!if_none_match.empty())
        request.headers.emplace("if-none-match", std::move(if_none_match));

    ++requests_sent_;
    auto response = co_await http_.fetch(std::move(request));
    if (!response) {
        log_event("upstream_failed", url, response.error().message());
        co_return response.error();
    }
    if (breaker_.observe(response->status, response->headers, response->body, clock_.steady_now(),
                         clock_.system_now())) {
        auto const wait =
            std::chrono::duration_cast<std::chrono::seconds>(*breaker_.open_until() - clock_.steady_now());
        log_event("rate_limited", url,
                  "HTTP " + std::to_string(response->status) + "; no GitHub calls for " +
                      std::to_string(wait.count()) + " s");
        co_return github_errc::rate_limited;
    }
    if (response->status == 404) {
        log_event("not_found", url, "HTTP 404");
        co_return github_errc::not_found;
    }
    if (response->status != 304 && (response->status < 200 || response->status > 299)) {
        log_event("upstream_failed", url, "HTTP " + std::to_string(response->status));
        co_return github_errc::bad_status;
    }
    co_return response;
}

net::awaitable<boost::system::result<ref_answer>> github_rest::resolve_ref(std::string etag)
{
    auto const url = repo_url_ + "/commits/" + ref_;
    bool const conditional = !etag.empty();
    // Arguments are named locals: GCC 12 mishandles temporaries built inside a co_await expression.
    auto response = co_await get(url, accept_sha, etag);
    if (!response)
        co_return response.error();
    if (response->status == 304) {
        if (!conditional) {
            log_event("bad_response", url, "304 to an unconditional request");
            co_return github_errc::bad_response;
        }
        co_return ref_answer{true, {}, std::move(etag)};
    }
    auto const sha = trimmed(response->body);
    if (!is_object_id(sha)) {
        log_event("bad_response", url,
                  "the body is not a commit SHA (content-type " + response->header("content-type") + ")");
        co_return github_errc::bad_response;
    }

    // A permanent redirect of this call means the repository was renamed or moved: address it by its new URL
    // from now on, so later calls skip the extra hop. Only within the API's own origin.
    auto const moved = std::any_of(response->redirects.begin(), response->redirects.end(),
                                   [](auto const& hop) { return hop.first == 301 || hop.first == 308; });
    auto const suffix = "/commits/" + ref_;
    auto const api = http_client::parse_url(api_base_);
    auto const answered = http_client::parse_url(response->url);
    if (moved && api && answered && api->where == answered->where && response->url.ends_with(suffix) &&
        response->url.find('?') == std::string::npos) {
        repo_url_ = response->url.substr(0, response->url.size() - suffix.size());
        log_event("repository_moved", url, "now reading " + std::string{log_target(repo_url_)});
    }
    co_return ref_answer{false, std::string{sha}, response->header("etag")};
}

net::awaitable<boost::system::result<std::vector<tree_item>>> github_rest::read_tree(std::string commit_sha)
{
    auto const url = repo_url_ + "/git/trees/" + commit_sha + "?recursive=1";
    std::string const unconditional;
    auto response = co_await get(url, accept_json, unconditional);
    if (!response)
        co_return response.error();
    json::error_code ec;
    auto const document = json::parse(response->body, ec);
    auto const* root = ec ? nullptr : document.if_object();
    auto const* items = root ? root->if_contains("tree") : nullptr;
    if (!items || !items->is_array()) {
        log_event("bad_response", url,
                  "not a tree listing (content-type " + response->header("content-type") + ")");
        co_return github_errc::bad_response;
    }
    if (auto const* truncated = root->if_contains("truncated");
        truncated && truncated->is_bool() && truncated->get_bool()) {
        log_event("truncated_tree", url, "the recursive listing was truncated by GitHub");
        co_return github_errc::truncated_tree;
    }
    std::vector<tree_item> out;
    out.reserve(items->get_array().size());
    for (auto const& value : items->get_array()) {
        auto item = read_tree_item(value);
        if (!item) {
            log_event("bad_response", url, "a tree entry lacks path, type, sha or size");
            co_return item.error();
        }
        out.push_back(std::move(*item));
    }
    co_return out;
}

net::awaitable<boost::system::result<std::string>> github_rest::read_file(std::string path,
                                                                          std::string commit_sha)
{
    auto const url = repo_url_ + "/contents/" + path + "?ref=" + commit_sha;
    std::string const unconditional;
    auto response = co_await get(url, accept_raw, unconditional);
    if (!response)
        co_return response.error();
    if (response->status != 200) {
        log_event("bad_response", url, "HTTP " + std::to_string(response->status) + " for a file");
        co_return github_errc::bad_response;
    }
    co_return std::move(response->body);
}

}  // namespace pyfun::github
