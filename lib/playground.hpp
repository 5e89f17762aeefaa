#pragma once
// The playground page (GET /play and below) in front of another handler: the page's own files, with a strict
// Content-Security-Policy, and GET /play/problems (the files that failed to load). Every other path goes to
// `next` untouched, so the API's answers stay exactly what API clients get without the page.

#include "http_types.hpp"
#include "lesson_source.hpp"

#include <span>
#include <string_view>

namespace pyfun::core {

// One file of the page, embedded in the binary; `name` is its path below /play/ ("play.js").
struct static_file {
    std::string_view name;
    std::string_view content_type;
    std::string_view body;
};

struct playground_options {
    bool watching = false;  // lessons reload from disk: the page polls for changes
};

class playground final : public handler {
public:
    // `files` must outlive the handler and hold "index.html", served at /play and /play/.
    playground(handler& next, lesson_source& source, std::span<static_file const> files,
               playground_options options);

    boost::asio::awaitable<response> handle(request req) override;

private:
    boost::asio::awaitable<response> problems();

    handler& next_;
    lesson_source& source_;
    std::span<static_file const> files_;
    playground_options options_;
};

// True for "/play", "/play/..." and "/play?..."; not for "/playground".
bool is_playground_path(std::string_view target);

}  // namespace pyfun::core
