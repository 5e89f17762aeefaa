// The throughput ceiling for this machine: the smallest Beast coroutine HTTP/1.1 server (keep-alive, one
// thread, a constant answer). The load benchmarks report pyfun-server's requests/s as a ratio to this.
// Usage: pyfun-bench-hello [PORT]   (default 0: prints the port it bound)

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cstdlib>
#include <iostream>

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

constexpr auto nothrow = net::as_tuple(net::use_awaitable);

net::awaitable<void> run_session(tcp::socket socket)
{
    beast::tcp_stream stream{std::move(socket)};
    beast::flat_buffer buffer;
    for (;;) {
        http::request<http::string_body> req;
        auto const [read_ec, read_n] = co_await http::async_read(stream, buffer, req, nothrow);
        if (read_ec)
            break;
        http::response<http::string_body> res{http::status::ok, req.version()};
        res.set(http::field::content_type, "application/json");
        res.keep_alive(req.keep_alive());
        res.body() = R"({"success":true,"data":"hello"})";
        res.prepare_payload();
        auto const [write_ec, write_n] = co_await http::async_write(stream, res, nothrow);
        if (write_ec || !res.keep_alive())
            break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

net::awaitable<void> accept_loop(tcp::acceptor acceptor)
{
    for (;;) {
        auto [ec, socket] = co_await acceptor.async_accept(nothrow);
        if (ec)
            break;
        net::co_spawn(acceptor.get_executor(), run_session(std::move(socket)), net::detached);
    }
}

}  // namespace

int main(int argc, char** argv)
{
    auto const port = static_cast<unsigned short>(argc > 1 ? std::atoi(argv[1]) : 0);
    net::io_context ioc{1};
    tcp::acceptor acceptor{ioc, {net::ip::make_address("127.0.0.1"), port}};
    std::cerr << "hello server on http://127.0.0.1:" << acceptor.local_endpoint().port() << "/" << std::endl;
    net::signal_set signals{ioc, SIGINT, SIGTERM};
    signals.async_wait([&](beast::error_code, int) { ioc.stop(); });
    net::co_spawn(ioc, accept_loop(std::move(acceptor)), net::detached);
    ioc.run();
}
