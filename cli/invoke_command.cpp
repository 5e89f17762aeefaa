#include "invoke_command.hpp"

#include "lambda/function_app.hpp"
#include "lambda/invoke_event.hpp"

#include "lib/runner.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

namespace net = boost::asio;

namespace pyfun::cli {
namespace {

constexpr std::string_view invoke_help =
    R"(Usage: pyfun invoke --event FILE [--handler NAME] [--lessons SOURCE]

Runs the Lambda function on one event the way `bootstrap` runs it inside AWS Lambda, and prints the response
JSON that bootstrap would post to the Runtime API. An event it cannot handle (not an HTTP event of API Gateway,
a Function URL or an ALB) prints the error bootstrap would post ({"errorMessage", "errorType", "stackTrace"})
and exits 1; so does a start-up failure (unknown handler, no interpreter, unreadable lessons).
Exits 0 when a response was printed, 1 on an error, 2 on a usage error.

Options:
  --event FILE      the event JSON; - reads it from stdin
  --handler NAME    what the function serves (env _HANDLER; default router): router, reader (no verify),
                    stages_info, stage_info, lesson_info, lesson_verify, or the old lambda_app.<name>_handler
                    names
  --lessons SOURCE  dir:<path> or a plain folder path (env PYFUN_LESSONS; default: the bundled lessons)
  -h, --help        this help

The other settings come from the environment, as in Lambda: PYFUN_COMPAT (pyfun-v2 or none),
PYFUN_CORS_ORIGIN, PYFUN_PYTHON.
)";

struct invoke_options {
    std::string event_file;
    std::optional<std::string> handler;
    std::optional<std::string> lessons;
};

// Returns an exit code when parsing ends the command (help or an error).
std::optional<int> parse_args(std::span<char const* const> args, invoke_options& options)
{
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string_view const arg = args[i];
        if (arg == "-h" || arg == "--help") {
            std::cout << invoke_help;
            return 0;
        }
        if (arg != "--event" && arg != "--handler" && arg != "--lessons") {
            std::cerr << "pyfun invoke: unknown argument " << arg << " (see pyfun invoke --help)\n";
            return 2;
        }
        if (i + 1 >= args.size()) {
            std::cerr << "pyfun invoke: " << arg << " needs a value\n";
            return 2;
        }
        std::string value{args[++i]};
        if (arg == "--event")
            options.event_file = std::move(value);
        else if (arg == "--handler")
            options.handler = std::move(value);
        else
            options.lessons = std::move(value);
    }
    if (options.event_file.empty()) {
        std::cerr << "pyfun invoke: --event FILE is required (see pyfun invoke --help)\n";
        return 2;
    }
    return std::nullopt;
}

std::optional<std::string> read_event(std::string const& file)
{
    if (file == "-")
        return std::string{std::istreambuf_iterator<char>{std::cin}, std::istreambuf_iterator<char>{}};
    std::ifstream in{file, std::ios::binary};
    if (!in)
        return std::nullopt;
    std::ostringstream content;
    content << in.rdbuf();
    if (in.bad())
        return std::nullopt;
    return std::move(content).str();
}

}  // namespace

int run_invoke_command(std::span<char const* const> args)
{
    invoke_options options;
    if (auto const exit_code = parse_args(args, options))
        return *exit_code;
    auto const event = read_event(options.event_file);
    if (!event) {
        std::cerr << "pyfun invoke: cannot read the event file \"" << options.event_file << "\"\n";
        return 1;
    }

    auto settings = lambda::settings_from_environment(nullptr);
    if (options.handler)
        settings.handler = *options.handler;
    if (options.lessons)
        settings.lessons = *options.lessons;
    net::io_context ioc;
    auto app = lambda::function_app::open(settings, ioc.get_executor());
    if (!app) {
        std::cout << lambda::error_payload(app.error().error_type, app.error().message) << '\n';
        std::cerr << "pyfun invoke: the function cannot start: " << app.error().message << '\n';
        return 1;
    }
    core::prepare_supervisor_process();

    auto pending =
        net::co_spawn(ioc, lambda::invoke_event((*app)->handler(), *event, std::nullopt), net::use_future);
    ioc.run();
    auto const outcome = pending.get();
    std::cout << outcome.payload << '\n';
    if (!outcome.succeeded) {
        std::cerr << "pyfun invoke: the invocation failed (" << outcome.error_type << ")\n";
        return 1;
    }
    return 0;
}

}  // namespace pyfun::cli
