#include "bench/load_generator.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <iostream>
#include <memory>
#include <stdexcept>

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using boost::system::error_code;

namespace pyfun::bench {
namespace {

constexpr auto nothrow_awaitable = net::as_tuple(net::use_awaitable);
using clock = std::chrono::steady_clock;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

ssl::context& client_tls()
{
    static ssl::context context = [] {
        ssl::context c{ ssl::context::tls_client };
        c.set_verify_mode(ssl::verify_none); // the servers under test present a self-signed certificate
        return c;
    }();
    return context;
}

struct run_state {
    load_options const& options;
    load_result& result;
    tcp::endpoint endpoint;
    std::size_t issued = 0;
    std::size_t running = 0;
    std::optional<clock::time_point> deadline{};
    std::optional<net::steady_timer> sample_timer{};

    bool take()
    {
        if (options.requests > 0 && issued >= options.requests)
            return false;
        if (deadline && clock::now() >= *deadline)
            return false;
        ++issued;
        return true;
    }

    void fail(std::string what)
    {
        ++result.errors;
        if (result.first_error.empty())
            result.first_error = std::move(what);
    }
};

std::unique_ptr<beast::tcp_stream> make_stream(net::any_io_executor executor, beast::tcp_stream*)
{
    return std::make_unique<beast::tcp_stream>(executor);
}

std::unique_ptr<tls_stream> make_stream(net::any_io_executor executor, tls_stream*)
{
    return std::make_unique<tls_stream>(executor, client_tls());
}

net::awaitable<error_code> open(beast::tcp_stream& stream, run_state const& state)
{
    stream.expires_after(state.options.timeout);
    auto [ec] = co_await stream.async_connect(state.endpoint, nothrow_awaitable);
    co_return ec;
}

net::awaitable<error_code> open(tls_stream& stream, run_state const& state)
{
    auto const connected = co_await open(beast::get_lowest_layer(stream), state);
    if (connected)
        co_return connected;
    beast::get_lowest_layer(stream).expires_after(state.options.timeout);
    auto [ec] = co_await stream.async_handshake(ssl::stream_base::client, nothrow_awaitable);
    co_return ec;
}

http::request<http::string_body> make_request(load_request const& spec)
{
    http::request<http::string_body> req{ http::string_to_verb(spec.method), spec.target, 11 };
    req.set(http::field::host, "127.0.0.1");
    req.keep_alive(true);
    if (!spec.body.empty()) {
        req.set(http::field::content_type, "application/json");
        req.body() = spec.body;
    }
    req.prepare_payload();
    return req;
}

template<typename Stream>
net::awaitable<void> run_connection(run_state& state, std::size_t kind)
{
    auto const executor = co_await net::this_coro::executor;
    auto const& spec = state.options.mix[kind];
    auto const request = make_request(spec);
    std::unique_ptr<Stream> stream;
    beast::flat_buffer buffer;
    while (state.take()) {
        if (!stream) {
            stream = make_stream(executor, static_cast<Stream*>(nullptr));
            buffer.clear();
            auto const opened = co_await open(*stream, state);
            if (opened) {
                state.fail("connect: " + opened.message());
                stream.reset();
                continue;
            }
        }
        auto const sent = clock::now();
        beast::get_lowest_layer(*stream).expires_after(state.options.timeout);
        auto [write_ec, written] = co_await http::async_write(*stream, request, nothrow_awaitable);
        http::response<http::string_body> answer;
        error_code read_ec = write_ec;
        if (!write_ec) {
            beast::get_lowest_layer(*stream).expires_after(state.options.timeout);
            auto [ec, read] = co_await http::async_read(*stream, buffer, answer, nothrow_awaitable);
            read_ec = ec;
        }
        auto const answered = clock::now();
        if (read_ec) {
            state.fail(spec.method + " " + spec.target + ": " + read_ec.message());
            stream.reset();
            continue;
        }
        auto const status = answer.result_int();
        if (status < 200 || status > 299 || answer.body().find(spec.expect_in_body) == std::string::npos) {
            state.fail(spec.method + " " + spec.target + ": status " + std::to_string(status) + ": " +
                       answer.body().substr(0, 200));
        }
        else {
            ++state.result.succeeded;
            if (!state.result.first_success)
                state.result.first_success = answered;
            state.result.latencies_ms[kind].push_back(
              std::chrono::duration<double, std::milli>(answered - sent).count());
        }
        if (!answer.keep_alive())
            stream.reset();
    }
}

net::awaitable<void> run_sampler(run_state& state)
{
    state.options.sample();
    while (state.running > 0) {
        state.sample_timer->expires_after(state.options.sample_every);
        co_await state.sample_timer->async_wait(nothrow_awaitable);
        state.options.sample();
    }
}

void log_failure(std::exception_ptr error)
{
    if (!error)
        return;
    try {
        std::rethrow_exception(error);
    }
    catch (std::exception const& e) {
        std::cerr << "pyfun-bench: a load coroutine failed: " << e.what() << '\n';
    }
}

} // namespace

double load_result::requests_per_second() const
{
    return seconds > 0 ? static_cast<double>(succeeded) / seconds : 0;
}

void prepare_client_tls()
{
    client_tls();
}

load_result run_load(load_options const& options)
{
    if (options.mix.empty() || (options.requests == 0 && options.duration.count() == 0))
        throw std::invalid_argument("run_load needs requests to send and a limit");
    net::io_context ioc{ 1 };
    load_result result;
    result.latencies_ms.resize(options.mix.size());
    run_state state{ options, result, tcp::endpoint{ net::ip::make_address("127.0.0.1"), options.port } };
    auto const started = clock::now();
    if (options.duration.count() > 0)
        state.deadline = started + options.duration;
    state.running = options.connections;
    for (std::size_t i = 0; i < options.connections; ++i) {
        auto const kind = i % options.mix.size();
        auto work = options.tls ? run_connection<tls_stream>(state, kind)
                                : run_connection<beast::tcp_stream>(state, kind);
        net::co_spawn(ioc, std::move(work), [&state](std::exception_ptr error) {
            log_failure(error);
            if (--state.running == 0 && state.sample_timer)
                state.sample_timer->cancel();
        });
    }
    if (options.sample) {
        state.sample_timer.emplace(ioc);
        net::co_spawn(ioc, run_sampler(state), log_failure);
    }
    ioc.run();
    result.seconds = std::chrono::duration<double>(clock::now() - started).count();
    return result;
}

} // namespace pyfun::bench
