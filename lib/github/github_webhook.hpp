#pragma once
// POST /webhook/github in front of the lesson API: a push to the served ref, signed with the shared secret
// (X-Hub-Signature-256: HMAC-SHA256 of the body, compared in constant time), refreshes the source at once.
// Unsigned or badly signed calls get 401; with no secret configured the route answers 404. Every other
// request goes to the wrapped handler unchanged.

#include "github_source.hpp"

#include "lib/http_types.hpp"

#include <string>
#include <string_view>

namespace pyfun::github {

constexpr std::string_view webhook_path = "/webhook/github";

// `target` (a request path, maybe with a query) is the webhook route, with or without a trailing slash.
bool is_webhook_path(std::string_view target);

// True when `signature_header` is "sha256=<hex>" of HMAC-SHA256(secret, body); false for an empty secret.
bool valid_webhook_signature(std::string_view secret, std::string_view body,
                             std::string_view signature_header);

class webhook_handler final : public core::handler {
  public:
    webhook_handler(core::handler& next, github_source& source, std::string secret);

    boost::asio::awaitable<core::response> handle(core::request req) override;

  private:
    boost::asio::awaitable<core::response> on_push(std::string const& body);

    core::handler& next_;
    github_source& source_;
    std::string secret_;
};

}  // namespace pyfun::github
