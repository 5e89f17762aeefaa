#include "scenario.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <catch2/catch.hpp>

#include <exception>
#include <stdexcept>

namespace pyfun::test {

namespace net = boost::asio;

scripted_handler::scripted_handler(net::any_io_executor executor, std::chrono::milliseconds slow_delay)
    : slow_delay_{slow_delay}, started_signal_{executor, net::steady_timer::time_point::max()}
{
}

net::awaitable<core::response> scripted_handler::handle(core::request req)
{
    last_request_ = req;
    core::response res;
    res.headers.emplace("content-type", "text/plain");
    if (req.path == "/boom")
        throw std::runtime_error("secret internal detail 42");
    if (req.path == "/slow") {
        ++slow_started_;
        started_signal_.cancel();
        net::steady_timer wait{co_await net::this_coro::executor, slow_delay_};
        co_await wait.async_wait(net::use_awaitable);  // throws when the server cancels us
        ++slow_finished_;
        res.body = "done /slow";
        co_return res;
    }
    if (req.path == "/verdict") {
        res.verdict = "accepted";
        res.body = "ok";
        res.headers.emplace("set-cookie", "a=1");
        res.headers.emplace("set-cookie", "b=2");
        res.headers.emplace("content-length", "999");  // framing is the server's job: must be replaced
        res.headers.emplace("connection", "upgrade");
        co_return res;
    }
    auto const header = req.headers.find("x-test");
    res.body = req.method + " " + req.path + "\n" + (header == req.headers.end() ? "" : header->second) +
               "\n" + req.body;
    co_return res;
}

net::awaitable<void> scripted_handler::slow_started()
{
    if (slow_started_ == 0)
        co_await started_signal_.async_wait(net::as_tuple(net::use_awaitable));
    REQUIRE(slow_started_ > 0);
}

service::log_sink log_capture::sink()
{
    return [this](std::string_view line) { lines.emplace_back(line); };
}

bool log_capture::contains(std::string_view text) const
{
    for (auto const& line : lines) {
        if (line.find(text) != std::string::npos)
            return true;
    }
    return false;
}

void run_scenario(net::io_context& ioc, service::server& srv, std::function<net::awaitable<void>()> script,
                  std::chrono::milliseconds limit)
{
    srv.start();
    bool finished = false;
    std::exception_ptr failure;
    net::co_spawn(ioc, script(), [&](std::exception_ptr e) {
        finished = true;
        failure = e;
        srv.stop();
    });
    ioc.run_for(limit);
    REQUIRE(finished);
    if (failure)
        std::rethrow_exception(failure);
    CHECK(ioc.stopped());  // out of work: the server let go of everything
}

service::server_options plain_test_options()
{
    service::server_options opts;
    opts.port = 0;
    opts.plain_http = true;
    return opts;
}

}  // namespace pyfun::test
