#include "support/fake_runtime_api.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <cctype>
#include <deque>
#include <iostream>
#include <set>
#include <thread>

#include <fcntl.h>
#include <sys/socket.h>

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace pyfun::test {
namespace {

using namespace boost::asio::experimental::awaitable_operators;

constexpr auto nothrow_awaitable = net::as_tuple(net::use_awaitable);
constexpr std::string_view invocation_prefix = "/2018-06-01/runtime/invocation/";

std::string lower(std::string_view text)
{
    std::string out{text};
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Processes the tests start (fork + exec) must not inherit our sockets: a child holding a copy of the
// listening socket would keep "the API" reachable after stop(), and its connections would hang in the
// backlog.
void close_on_exec(int fd)
{
    ::fcntl(fd, F_SETFD, ::fcntl(fd, F_GETFD) | FD_CLOEXEC);
}

// True when the peer closed the connection (a non-blocking peek reads end of stream).
bool peer_closed(tcp::socket& socket)
{
    char byte = 0;
    return ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

http::response<http::string_body> empty_reply(http::status status, bool keep_alive)
{
    http::response<http::string_body> res{status, 11};
    res.keep_alive(keep_alive);
    res.prepare_payload();
    return res;
}

}  // namespace

struct fake_runtime_api::server {
    explicit server(fake_runtime_api& api)
        : owner{api}, acceptor{ioc, tcp::endpoint{net::ip::make_address("127.0.0.1"), 0}}, wakeup{ioc}
    {
        wakeup.expires_at(net::steady_timer::time_point::max());
        close_on_exec(acceptor.native_handle());
    }

    net::awaitable<void> accept_loop()
    {
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(nothrow_awaitable);
            if (ec)
                co_return;
            close_on_exec(socket.native_handle());
            owner.count_connection();
            net::co_spawn(ioc, session(std::move(socket)), [](std::exception_ptr e) {
                if (e)
                    std::cerr << "fake runtime api: a session failed\n";
            });
        }
    }

    net::awaitable<void> session(tcp::socket socket)
    {
        beast::tcp_stream stream{std::move(socket)};
        streams.insert(&stream);
        beast::flat_buffer buffer;
        for (;;) {
            http::request_parser<http::string_body> parser;
            parser.body_limit(64u << 20);
            auto [read_ec, read] = co_await http::async_read(stream, buffer, parser, nothrow_awaitable);
            if (read_ec)
                break;
            auto req = parser.release();
            auto res = co_await answer(req, stream);
            if (!res)
                break;
            auto [write_ec, written] = co_await http::async_write(stream, *res, nothrow_awaitable);
            if (write_ec || !res->keep_alive())
                break;
        }
        streams.erase(&stream);
        boost::system::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    }

    // nullopt: close the connection without a reply.
    net::awaitable<std::optional<http::response<http::string_body>>> answer(
        http::request<http::string_body> const& req, beast::tcp_stream& stream)
    {
        std::string_view const target = req.target();
        if (req.method() == http::verb::get && target == "/2018-06-01/runtime/invocation/next")
            co_return co_await hand_out(req.keep_alive(), stream);
        if (req.method() != http::verb::post)
            co_return empty_reply(http::status::not_found, req.keep_alive());

        recorded_post post;
        if (target == "/2018-06-01/runtime/init/error") {
            post.kind = "init_error";
        }
        else if (target.starts_with(invocation_prefix)) {
            auto rest = target.substr(invocation_prefix.size());
            auto const slash = rest.find('/');
            if (slash == std::string_view::npos)
                co_return empty_reply(http::status::not_found, req.keep_alive());
            post.request_id = rest.substr(0, slash);
            post.kind = rest.substr(slash + 1);
            if (post.kind != "response" && post.kind != "error")
                co_return empty_reply(http::status::not_found, req.keep_alive());
        }
        else {
            co_return empty_reply(http::status::not_found, req.keep_alive());
        }
        for (auto const& field : req.base())
            post.headers[lower(field.name_string())] = field.value();
        post.body = req.body();
        post.received = std::chrono::steady_clock::now();
        owner.record(std::move(post));
        co_return empty_reply(reject_posts ? http::status::internal_server_error : http::status::accepted,
                              req.keep_alive());
    }

    // Holds the /next request until an invocation is queued, as Lambda does.
    net::awaitable<std::optional<http::response<http::string_body>>> hand_out(bool keep_alive,
                                                                              beast::tcp_stream& stream)
    {
        owner.count_next_request();
        if (drop_next > 0) {
            --drop_next;
            co_return std::nullopt;
        }
        // A runtime that dies while its /next is held must not take the next invocation with it: the wait
        // also ends when the connection turns readable (closed), and a closed one is checked once more before
        // an invocation is taken (the wake-up may be handled before the close is noticed).
        while (queue.empty() && !stopped) {
            auto const woken =
                co_await (wakeup.async_wait(nothrow_awaitable) ||
                          stream.socket().async_wait(tcp::socket::wait_read, nothrow_awaitable));
            if (woken.index() == 1)
                co_return std::nullopt;
        }
        if (stopped || peer_closed(stream.socket()))
            co_return std::nullopt;
        auto next = std::move(queue.front());
        queue.pop_front();
        http::response<http::string_body> res{http::status::ok, 11};
        res.set(http::field::content_type, "application/json");
        res.set("Lambda-Runtime-Aws-Request-Id", next.request_id);
        res.set("Lambda-Runtime-Invoked-Function-Arn",
                "arn:aws:lambda:eu-west-1:123456789012:function:pyfun-test");
        if (!next.deadline_ms.empty())
            res.set("Lambda-Runtime-Deadline-Ms", next.deadline_ms);
        if (!next.trace_id.empty())
            res.set("Lambda-Runtime-Trace-Id", next.trace_id);
        res.body() = std::move(next.payload);
        res.keep_alive(keep_alive);
        res.prepare_payload();
        co_return res;
    }

    void shut_down()
    {
        stopped = true;
        boost::system::error_code ignored;
        acceptor.close(ignored);
        wakeup.cancel();
        for (auto* stream : streams)
            stream->socket().close(ignored);
    }

    fake_runtime_api& owner;
    net::io_context ioc;
    tcp::acceptor acceptor;
    net::steady_timer wakeup;  // never expires: cancelled to wake every waiting /next
    std::deque<queued_invocation> queue;
    std::set<beast::tcp_stream*> streams;
    int drop_next = 0;
    bool reject_posts = false;
    bool stopped = false;
    std::thread thread;
};

fake_runtime_api::fake_runtime_api() : server_{std::make_unique<server>(*this)}
{
    port_ = server_->acceptor.local_endpoint().port();
    net::co_spawn(server_->ioc, server_->accept_loop(), net::detached);
    server_->thread = std::thread{[this] { server_->ioc.run(); }};
}

fake_runtime_api::~fake_runtime_api()
{
    server_->ioc.stop();
    server_->thread.join();
}

std::string fake_runtime_api::address() const
{
    return "127.0.0.1:" + std::to_string(port_);
}

std::string fake_runtime_api::enqueue(queued_invocation invocation)
{
    if (invocation.request_id.empty()) {
        std::lock_guard lock{mutex_};
        invocation.request_id = "req-" + std::to_string(++next_id_);
    }
    auto id = invocation.request_id;
    net::post(server_->ioc, [this, queued = std::move(invocation)]() mutable {
        server_->queue.push_back(std::move(queued));
        server_->wakeup.cancel();
    });
    return id;
}

std::string fake_runtime_api::enqueue(std::string payload)
{
    queued_invocation invocation;
    invocation.payload = std::move(payload);
    return enqueue(std::move(invocation));
}

void fake_runtime_api::drop_next_requests(int count)
{
    net::post(server_->ioc, [this, count] { server_->drop_next += count; });
}

void fake_runtime_api::reject_posts()
{
    net::post(server_->ioc, [this] { server_->reject_posts = true; });
}

void fake_runtime_api::stop()
{
    net::post(server_->ioc, [this] { server_->shut_down(); });
}

void fake_runtime_api::record(recorded_post post)
{
    std::lock_guard lock{mutex_};
    posts_.push_back(std::move(post));
    changed_.notify_all();
}

void fake_runtime_api::count_next_request()
{
    std::lock_guard lock{mutex_};
    ++next_requests_;
    changed_.notify_all();
}

void fake_runtime_api::count_connection()
{
    std::lock_guard lock{mutex_};
    ++connections_;
}

int fake_runtime_api::connections() const
{
    std::lock_guard lock{mutex_};
    return connections_;
}

std::optional<recorded_post> fake_runtime_api::wait_for_post(
    std::function<bool(recorded_post const&)> const& match, std::chrono::milliseconds timeout)
{
    std::unique_lock lock{mutex_};
    std::optional<recorded_post> found;
    changed_.wait_for(lock, timeout, [&] {
        for (auto const& post : posts_)
            if (match(post)) {
                found = post;
                return true;
            }
        return false;
    });
    return found;
}

std::optional<recorded_post> fake_runtime_api::wait_for_result(std::string const& request_id,
                                                               std::chrono::milliseconds timeout)
{
    return wait_for_post([&](recorded_post const& post) { return post.request_id == request_id; }, timeout);
}

std::vector<recorded_post> fake_runtime_api::posts() const
{
    std::lock_guard lock{mutex_};
    return posts_;
}

bool fake_runtime_api::wait_for_next_requests(int count, std::chrono::milliseconds timeout)
{
    std::unique_lock lock{mutex_};
    return changed_.wait_for(lock, timeout, [&] { return next_requests_ >= count; });
}

int fake_runtime_api::next_requests() const
{
    std::lock_guard lock{mutex_};
    return next_requests_;
}

}  // namespace pyfun::test
