#include "server.hpp"

#include "access_log.hpp"
#include "batched_log.hpp"
#include "connection.hpp"
#include "session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <chrono>
#include <exception>
#include <list>
#include <stdexcept>
#include <utility>

namespace pyfun::service {
namespace {

namespace net = boost::asio;
using boost::system::error_code;
using net::ip::tcp;

constexpr auto nothrow_awaitable = net::as_tuple(net::use_awaitable);

// Connections answered "503 server busy" at the same time; past this, extra connections are closed
// unanswered, so a flood cannot make the refusals themselves unbounded.
constexpr std::size_t max_refusing = 32;

// How long the accept loop pauses after a failed accept (EMFILE, ENFILE, ENOBUFS) so it does not spin.
constexpr std::chrono::milliseconds accept_backoff{100};

std::string describe(tcp::endpoint const& endpoint)
{
    auto const address = endpoint.address().to_string();
    auto const port = std::to_string(endpoint.port());
    return endpoint.address().is_v6() ? "[" + address + "]:" + port : address + ":" + port;
}

net::ip::address listen_address(std::string const& host)
{
    error_code ec;
    auto const address = net::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
    if (ec)
        throw std::invalid_argument("invalid listen host '" + host +
                                    "': expected an IP address such as 0.0.0.0");
    return address;
}

void log_exception(log_sink const& log, std::exception_ptr error, std::string_view event)
{
    std::string what = "exception of unknown type";
    try {
        std::rethrow_exception(error);
    }
    catch (std::exception const& e) {
        what = e.what();
    }
    catch (...) {  // the co_spawn edge: whatever escaped is logged, never rethrown into the io_context
    }
    log(format_event_line("error", event, {{"error", what}}, std::chrono::system_clock::now()));
}

}  // namespace

struct server::state : std::enable_shared_from_this<server::state> {
    state(net::any_io_executor executor, server_options options, core::handler& handler,
          net::ssl::context* tls_context, log_sink sink)
        : shared{std::make_shared<detail::session_shared>(detail::session_shared{
              std::move(options), handler, sink ? std::move(sink) : log_sink{batched_log{executor, write_to_stderr}}})},
          tls{shared->options.plain_http ? nullptr : tls_context}, acceptor{executor}, grace_timer{executor}
    {
    }

    std::shared_ptr<detail::session_shared> shared;
    net::ssl::context* tls;
    tcp::acceptor acceptor;
    tcp::endpoint endpoint;
    net::steady_timer grace_timer;
    std::list<detail::connection> connections;  // a list: sessions hold references to their element
    std::size_t sessions = 0;                   // connections counted against max_connections
    std::size_t refusing = 0;

    void listen()
    {
        auto const& opts = shared->options;
        tcp::endpoint const wanted{listen_address(opts.host), opts.port};
        auto const fail = [&](error_code ec) {
            throw boost::system::system_error(ec, "cannot listen on " + describe(wanted));
        };
        error_code ec;
        acceptor.open(wanted.protocol(), ec);
        if (!ec)
            acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
        if (!ec)
            acceptor.bind(wanted, ec);
        if (!ec)
            acceptor.listen(net::socket_base::max_listen_connections, ec);
        if (!ec)
            endpoint = acceptor.local_endpoint(ec);
        if (ec)
            fail(ec);
    }

    static net::awaitable<void> accept_loop(std::shared_ptr<state> self)
    {
        // Runs until stop() closes the acceptor.
        while (!self->shared->stopping) {
            auto [ec, socket] = co_await self->acceptor.async_accept(nothrow_awaitable);
            if (self->shared->stopping || ec == net::error::operation_aborted)
                co_return;
            if (ec) {
                self->shared->log(format_event_line("warning", "accept failed", {{"error", ec.message()}},
                                                    std::chrono::system_clock::now()));
                net::steady_timer pause{self->acceptor.get_executor(), accept_backoff};
                co_await pause.async_wait(nothrow_awaitable);
                continue;
            }
            self->admit(std::move(socket));
        }
    }

    void admit(tcp::socket socket)
    {
        error_code ec;
        // Small responses on kept-alive connections must not wait for Nagle's algorithm.
        socket.set_option(tcp::no_delay(true), ec);
        auto const peer = socket.remote_endpoint(ec);
        bool const busy = sessions >= shared->options.max_connections;
        if (busy && refusing >= max_refusing)
            return;  // the socket closes as it goes out of scope

        auto const it = connections.emplace(connections.end());
        it->remote = ec ? std::string{"unknown"} : describe(peer);
        it->counted = !busy;
        ++(busy ? refusing : sessions);

        auto work = busy ? detail::reject_busy(std::move(socket), tls, shared, *it)
                         : detail::run_session(std::move(socket), tls, shared, *it);
        net::co_spawn(acceptor.get_executor(), std::move(work),
                      net::bind_cancellation_slot(
                          it->cancel.slot(),
                          [self = shared_from_this(), it](std::exception_ptr e) { self->finished(it, e); }));
    }

    void finished(std::list<detail::connection>::iterator it, std::exception_ptr error)
    {
        if (error && !it->forced)
            log_exception(shared->log, error, "session failed");
        // co_spawn calls us before its coroutine frames are destroyed, and they still refer to it->cancel:
        // erase on a later turn of the loop.
        net::post(acceptor.get_executor(), [self = shared_from_this(), it] { self->forget(it); });
    }

    void forget(std::list<detail::connection>::iterator it)
    {
        --(it->counted ? sessions : refusing);
        connections.erase(it);
        if (shared->stopping && connections.empty())
            grace_timer.cancel();  // nothing left to wait for: let run() return now
    }

    void begin_stop()
    {
        if (shared->stopping)
            return;
        shared->stopping = true;
        error_code ignored;
        acceptor.close(ignored);
        // Idle connections have no request to finish; the rest see `stopping` when they next answer.
        for (auto& conn : connections) {
            if (conn.idle && conn.socket)
                conn.socket->cancel(ignored);
        }
        if (connections.empty())
            return;
        grace_timer.expires_after(shared->options.shutdown_grace);
        grace_timer.async_wait([self = shared_from_this()](error_code ec) {
            if (!ec)
                self->force_close();
        });
    }

    void force_close()
    {
        shared->log(format_event_line("warning", "shutdown grace period over",
                                      {{"closing_connections", std::to_string(connections.size())}},
                                      std::chrono::system_clock::now()));
        for (auto& conn : connections) {
            conn.forced = true;
            if (conn.socket) {
                error_code ignored;
                conn.socket->close(ignored);
            }
            // Also reaches a handler that is waiting on something other than this socket.
            conn.cancel.emit(net::cancellation_type::terminal);
        }
    }
};

server::server(net::any_io_executor executor, server_options options, core::handler& handler,
               net::ssl::context* tls, log_sink sink)
    : state_{std::make_shared<state>(std::move(executor), std::move(options), handler, tls, std::move(sink))}
{
    if (!state_->shared->options.plain_http && !tls)
        throw std::invalid_argument("server: a TLS context is required unless plain_http is set");
    state_->listen();
}

server::~server()
{
    stop();
}

tcp::endpoint server::local_endpoint() const
{
    return state_->endpoint;
}

unsigned short server::port() const
{
    return state_->endpoint.port();
}

void server::start()
{
    net::post(state_->acceptor.get_executor(), [self = state_] {
        net::co_spawn(self->acceptor.get_executor(), state::accept_loop(self), [self](std::exception_ptr e) {
            if (e)
                log_exception(self->shared->log, e, "accept loop failed");
        });
    });
}

void server::stop()
{
    net::post(state_->acceptor.get_executor(), [self = state_] { self->begin_stop(); });
}

}  // namespace pyfun::service
