// bootstrap: pyfun's AWS Lambda custom runtime. Lambda starts it with the image's CMD as argv[1] (the
// handler) and AWS_LAMBDA_RUNTIME_API; it serves invocations until the Runtime API goes away.

#include "function_app.hpp"
#include "json_log.hpp"
#include "invoke_event.hpp"
#include "runtime_client.hpp"
#include "runtime_loop.hpp"

#include "lib/runner.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <cstdlib>
#include <exception>
#include <future>
#include <iostream>

namespace net = boost::asio;
namespace lambda = pyfun::lambda;

namespace {

constexpr std::string_view outside_lambda =
    "bootstrap: AWS_LAMBDA_RUNTIME_API is not set, so this is not running inside AWS Lambda.\n"
    "This program is pyfun's Lambda entrypoint: Lambda (or a local Runtime API such as the Runtime "
    "Interface\n"
    "Emulator) starts it with AWS_LAMBDA_RUNTIME_API=host:port. To serve the lesson API on a host, run\n"
    "pyfun-server; to run the function on one event file, run `pyfun invoke --event FILE`.\n";

// Start-up failed: Lambda learns why through /init/error, then the process exits non-zero.
net::awaitable<int> report_init_failure(lambda::runtime_client& client, lambda::init_failure failure)
{
    auto const posted = co_await client.post_init_error(
        failure.error_type, lambda::error_payload(failure.error_type, failure.message));
    if (posted)
        lambda::json_log{}.error("cannot post the start-up failure to the Runtime API",
                                 {{"error", posted.message()}, {"status", client.last_unexpected_status()}});
    co_return 1;
}

int run(int argc, char** argv)
{
    auto const started = std::chrono::steady_clock::now();
    char const* api = std::getenv("AWS_LAMBDA_RUNTIME_API");
    if (api == nullptr || *api == '\0') {
        std::cerr << outside_lambda;
        return 2;
    }
    auto const address = lambda::parse_runtime_address(api);
    if (!address) {
        std::cerr << "bootstrap: AWS_LAMBDA_RUNTIME_API must be host:port, not \"" << api << "\"\n";
        return 2;
    }
    pyfun::core::prepare_supervisor_process();

    net::io_context ioc{1};
    lambda::runtime_client client{ioc.get_executor(), *address};
    auto app = lambda::function_app::open(lambda::settings_from_environment(argc > 1 ? argv[1] : nullptr),
                                          ioc.get_executor());
    std::future<int> exit_code;
    if (!app) {
        lambda::json_log{}.error("cannot start",
                                 {{"error_type", app.error().error_type}, {"error", app.error().message}});
        exit_code = net::co_spawn(ioc, report_init_failure(client, app.error()), net::use_future);
    }
    else {
        auto fields = (*app)->description();
        fields["init_us"] =
            std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started)
                .count();
        lambda::json_log{}.info("ready", std::move(fields));
        exit_code = net::co_spawn(ioc, lambda::serve_invocations(client, (*app)->handler()), net::use_future);
    }
    ioc.run();
    return exit_code.get();
}

}  // namespace

int main(int argc, char** argv)
{
    try {
        return run(argc, argv);
    }
    catch (std::exception const& e) {
        lambda::json_log{}.error("stopped by an unexpected error", {{"error", e.what()}});
        return 1;
    }
}
