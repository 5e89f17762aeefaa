#include "github_webhook.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

namespace json = boost::json;
namespace net = boost::asio;

namespace pyfun::github {
namespace {

core::response json_answer(unsigned status, json::object body)
{
    return {status, {{"content-type", "application/json"}}, json::serialize(body), {}};
}

core::response failure(unsigned status, std::string_view message)
{
    return json_answer(status, {{"fail", true}, {"error", message}});
}

std::string header(core::request const& req, std::string const& name)
{
    auto const it = req.headers.find(name);
    return it == req.headers.end() ? std::string{} : it->second;
}

int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

std::string string_field(json::object const& object, std::string_view key)
{
    auto const* value = object.if_contains(key);
    return value && value->is_string() ? std::string{value->get_string()} : std::string{};
}

}  // namespace

bool is_webhook_path(std::string_view target)
{
    auto const path = target.substr(0, target.find('?'));
    return path == webhook_path || (path.size() == webhook_path.size() + 1 && path.starts_with(webhook_path) &&
                                    path.back() == '/');
}

bool valid_webhook_signature(std::string_view secret, std::string_view body,
                             std::string_view signature_header)
{
    constexpr std::string_view prefix = "sha256=";
    constexpr std::size_t digest_size = 32;
    if (secret.empty() || !signature_header.starts_with(prefix) ||
        signature_header.size() != prefix.size() + 2 * digest_size)
        return false;
    std::array<unsigned char, digest_size> given{};
    for (std::size_t i = 0; i < digest_size; ++i) {
        auto const high = hex_digit(signature_header[prefix.size() + 2 * i]);
        auto const low = hex_digit(signature_header[prefix.size() + 2 * i + 1]);
        if (high < 0 || low < 0)
            return false;
        given[i] = static_cast<unsigned char>(high * 16 + low);
    }
    std::array<unsigned char, EVP_MAX_MD_SIZE> expected{};
    unsigned int length = 0;
    if (!HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
              reinterpret_cast<unsigned char const*>(body.data()), body.size(), expected.data(), &length) ||
        length != digest_size)
        return false;
    // Constant time: the time taken tells an attacker nothing about how many leading bytes matched.
    return CRYPTO_memcmp(given.data(), expected.data(), digest_size) == 0;
}

webhook_handler::webhook_handler(core::handler& next, github_source& source, std::string secret)
    : next_{next}, source_{source}, secret_{std::move(secret)}
{
}

net::awaitable<core::response> webhook_handler::handle(core::request req)
{
    if (!is_webhook_path(req.path))
        co_return co_await next_.handle(std::move(req));
    if (secret_.empty())
        co_return failure(404, "the GitHub webhook is not configured (set PYFUN_GITHUB_WEBHOOK_SECRET)");
    if (req.method != "POST") {
        auto res = failure(405, "method not allowed");
        res.headers.emplace("allow", "POST");
        co_return res;
    }
    if (!valid_webhook_signature(secret_, req.body, header(req, "x-hub-signature-256")))
        co_return failure(401, "missing or invalid X-Hub-Signature-256");

    auto const event = header(req, "x-github-event");
    if (event == "ping")
        co_return json_answer(200, {{"success", true}, {"data", {{"pong", true}}}});
    if (event != "push")
        co_return json_answer(202, {{"success", true}, {"data", {{"ignored", event}}}});
    co_return co_await on_push(req.body);
}

net::awaitable<core::response> webhook_handler::on_push(std::string const& body)
{
    json::error_code ec;
    auto const document = json::parse(body, ec);
    auto const* payload = ec ? nullptr : document.if_object();
    if (!payload)
        co_return failure(400, "the push payload is not a JSON object");
    auto const ref = string_field(*payload, "ref");
    auto served = source_.repo().ref;
    if (served.empty()) {  // the default branch: the payload names it
        auto const* repository = payload->if_contains("repository");
        served = repository && repository->is_object()
                     ? string_field(repository->get_object(), "default_branch")
                     : std::string{};
    }
    bool const ours = !served.empty() && (ref == "refs/heads/" + served || ref == "refs/tags/" + served);
    if (!ours)
        co_return json_answer(202, {{"success", true}, {"data", {{"refreshed", false}, {"ref", ref}}}});

    // A branch push names its new commit; a tag's "after" may be a tag object, so tags revalidate the ref.
    auto const commit = ref.starts_with("refs/heads/") ? string_field(*payload, "after") : std::string{};
    auto refreshed = co_await source_.refresh(commit);
    if (!refreshed)
        co_return failure(503,
                          "the push was accepted but GitHub could not be read; the next request retries");
    co_return json_answer(200, {{"success", true}, {"data", {{"refreshed", true}, {"commit", *refreshed}}}});
}

}  // namespace pyfun::github
