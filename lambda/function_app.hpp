#pragma once
// Everything one Lambda function needs, built from its settings: lesson source, sandbox runner, verifier,
// the lesson API and the selected function_handler. `bootstrap` and `pyfun invoke` build theirs here, so
// both run the very same function. Lambda has no flags: settings come from the environment.

#include <boost/asio/any_io_executor.hpp>
#include "function_handler.hpp"

#include "lib/api.hpp"
#include "lib/github/github_webhook.hpp"
#include "lib/playground.hpp"
#include "lib/lesson_source.hpp"
#include "lib/runner.hpp"
#include "lib/verifier.hpp"

#include <boost/json/object.hpp>
#include <boost/system/result.hpp>

#include <memory>
#include <optional>
#include <string>

namespace pyfun::lambda {

struct function_settings {
    std::string handler = "router";  // the image's CMD (argv[1]) or _HANDLER
    std::string lessons;             // PYFUN_LESSONS: dir:<path>; empty for the bundled lessons
    std::string compat;              // PYFUN_COMPAT: pyfun-v2 or none
    std::string cors_origin = "*";   // PYFUN_CORS_ORIGIN
    std::string playground;          // PYFUN_PLAYGROUND: 1/true/yes/on serves the /play page (off by default)
    // PYFUN_PYTHON is read by core::find_interpreter() itself.
};

// Reads _HANDLER and PYFUN_*; `command_handler` (argv[1]) wins over _HANDLER when given.
function_settings settings_from_environment(char const* command_handler);

// Why the function cannot start; goes to /runtime/init/error.
struct init_failure {
    std::string error_type;  // "Runtime.HandlerNotFound", ...
    std::string message;
};

class function_app {
public:
    // Returns an init_failure for an unknown handler, a bad setting, no usable interpreter or unreadable
    // lessons. Throws only on bugs.
    // `executor` runs the GitHub source's fetches when PYFUN_LESSONS is github:...
    static boost::system::result<std::unique_ptr<function_app>, init_failure> open(
        function_settings const& settings, boost::asio::any_io_executor executor);

    function_app(function_app const&) = delete;  // the API and the handler point into this object
    function_app& operator=(function_app const&) = delete;

    function_handler& handler() { return handler_; }

    // handler, lessons, interpreter, sandbox layers: the start-up log line.
    boost::json::object description() const;

private:
    struct parts;  // what open() found out, for the constructor
    explicit function_app(parts p);

    // The API, behind the webhook (GitHub sources) and the playground page (when enabled).
    core::handler& front(parts const& p);

    std::unique_ptr<core::lesson_source> source_;
    github::github_source* github_;  // source_ when it is a GitHub source, else null
    core::runner sandbox_;
    core::verifier judge_;
    core::api api_;
    std::optional<github::webhook_handler> webhook_;
    std::optional<core::playground> page_;
    function_handler handler_;
};

}  // namespace pyfun::lambda
