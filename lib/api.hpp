#pragma once
// The lesson API (DESIGN §2) as one handler: routing on the path only, CORS on every answer, real status
// codes with {"fail": true, "error": ...} bodies, and the pyfun-v2 compatibility mode.

#include "http_types.hpp"
#include "lesson_source.hpp"
#include "render_cache.hpp"
#include "verifier.hpp"

#include <boost/json/object.hpp>

#include <cstddef>
#include <functional>
#include <string>

namespace pyfun::core {

struct api_options {
    std::string cors_origin = "*";
    bool compat_base64 = false;  // pyfun-v2: every body on the wire is the base64 text of its JSON
    std::size_t max_body_bytes = 1024 * 1024;
    // Extra facts for GET /healthz (sandbox layers, ...), filled by main().
    std::function<boost::json::object()> health_details;
};

class api final : public handler {
public:
    api(lesson_source& source, verifier& judge, api_options options);

    boost::asio::awaitable<response> handle(request req) override;

private:
    boost::asio::awaitable<response> route(request const& req);
    boost::asio::awaitable<response> get_stages();
    boost::asio::awaitable<response> get_stage(std::string stage);
    boost::asio::awaitable<response> get_lesson(std::string stage, std::string name);
    boost::asio::awaitable<response> verify(std::string stage, std::string name, std::string body);
    response health() const;
    response finish(response res) const;

    lesson_source& source_;
    verifier& judge_;
    api_options options_;
    render_cache<catalog> stage_list_bodies_{64};
    render_cache<lesson> lesson_bodies_{4096};
};

// {"fail": true, "error": message} with `status`: the answer to every request that fails.
response failure_response(unsigned status, std::string_view message);

// 405 with an Allow header naming `allowed` and OPTIONS.
response method_not_allowed(std::string_view allowed);

// What every answer gets on its way out, from the API or from an entrypoint: CORS headers for `cors_origin`
// and, in compat mode, a non-empty body turned into the base64 text of its JSON.
response finish_response(response res, std::string const& cors_origin, bool compat_base64);

// Parses the compat setting: "" or "none" -> false, "pyfun-v2" -> true; anything else is an error (nullopt).
std::optional<bool> parse_compat_mode(std::string_view value);

}  // namespace pyfun::core
