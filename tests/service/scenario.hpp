#pragma once
// What the server tests share: a scripted handler, a log capture, and run_scenario(), which runs a client
// script next to a server on one io_context and checks that stopping the server lets run() return.

#include "service/server.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace pyfun::test {

// "/slow" waits `slow_delay` on a timer; "/boom" throws; "/verdict" answers with a verdict and framing
// headers that must not reach the wire; everything else echoes "METHOD PATH\n<x-test header>\n<body>".
class scripted_handler : public core::handler {
public:
    scripted_handler(boost::asio::any_io_executor executor, std::chrono::milliseconds slow_delay);

    boost::asio::awaitable<core::response> handle(core::request req) override;

    // Completes once a "/slow" request has reached the handler.
    boost::asio::awaitable<void> slow_started();

    int slow_started_count() const { return slow_started_; }
    int slow_finished_count() const { return slow_finished_; }
    core::request const& last_request() const { return last_request_; }

private:
    std::chrono::milliseconds slow_delay_;
    boost::asio::steady_timer started_signal_;  // never expires; cancelled to wake slow_started()
    int slow_started_ = 0;
    int slow_finished_ = 0;
    core::request last_request_;
};

struct log_capture {
    std::vector<std::string> lines;

    service::log_sink sink();
    bool contains(std::string_view text) const;
};

// Starts `srv`, runs `script` on `ioc`, then stops the server. REQUIREs that the script finished and that the
// io_context ran out of work (the server really stopped) within `limit`; rethrows what the script threw.
void run_scenario(boost::asio::io_context& ioc, service::server& srv,
                  std::function<boost::asio::awaitable<void>()> script,
                  std::chrono::milliseconds limit = std::chrono::seconds{20});

// Options for a plain-HTTP test server on 127.0.0.1 and a free port.
service::server_options plain_test_options();

}  // namespace pyfun::test
