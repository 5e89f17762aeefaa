#include "runtime_client.hpp"

#include "lib/error.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <charconv>
#include <utility>

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace pyfun::lambda {
namespace {

constexpr auto nothrow_awaitable = net::as_tuple(net::use_awaitable);
constexpr std::string_view api_root = "/2018-06-01/runtime";
constexpr std::string_view user_agent = "pyfun-bootstrap/0.1";

using request_message = http::request<http::string_body>;
using response_message = http::response<http::string_body>;

// The error of a kept-alive connection that the peer closed while it sat idle: nothing of a reply was read,
// so sending the request again on a fresh connection is safe.
bool is_stale_connection(boost::system::error_code ec)
{
    return ec == http::error::end_of_stream || ec == net::error::connection_reset ||
           ec == net::error::broken_pipe || ec == net::error::eof;
}

}  // namespace

std::optional<runtime_address> parse_runtime_address(std::string_view text)
{
    runtime_address address;
    std::string_view port_text;
    if (text.starts_with('[')) {
        auto const close = text.find("]:");
        if (close == std::string_view::npos)
            return std::nullopt;
        address.host = text.substr(1, close - 1);
        port_text = text.substr(close + 2);
    }
    else {
        auto const colon = text.rfind(':');
        if (colon == std::string_view::npos || text.substr(0, colon).find(':') != std::string_view::npos)
            return std::nullopt;
        address.host = text.substr(0, colon);
        port_text = text.substr(colon + 1);
    }
    auto const [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), address.port);
    if (address.host.empty() || port_text.empty() || ec != std::errc{} ||
        end != port_text.data() + port_text.size() || address.port == 0)
        return std::nullopt;
    return address;
}

struct runtime_client::impl {
    impl(net::any_io_executor executor, runtime_address where, runtime_client_options settings)
        : resolver{executor}, stream{executor}, address{std::move(where)}, options{settings},
          host_header{
              (address.host.find(':') != std::string::npos ? "[" + address.host + "]" : address.host) + ":" +
              std::to_string(address.port)}
    {
    }

    request_message make_request(http::verb verb, std::string target, std::string body) const
    {
        request_message req{verb, target, 11};
        req.set(http::field::host, host_header);
        req.set(http::field::user_agent, user_agent);
        req.keep_alive(true);
        if (verb == http::verb::post) {
            req.set(http::field::content_type, "application/json");
            req.body() = std::move(body);
        }
        req.prepare_payload();
        return req;
    }

    net::awaitable<boost::system::error_code> connect()
    {
        buffer.clear();
        boost::system::error_code not_an_address;
        auto const ip = net::ip::make_address(address.host, not_an_address);
        stream.expires_after(options.connect_timeout);
        if (!not_an_address) {
            auto [ec] = co_await stream.async_connect(tcp::endpoint{ip, address.port}, nothrow_awaitable);
            co_return ec;
        }
        // A name (rare: Lambda gives an address) goes through the resolver, whose wait the stream timer
        // cannot bound.
        auto [resolve_ec, endpoints] =
            co_await resolver.async_resolve(address.host, std::to_string(address.port), nothrow_awaitable);
        if (resolve_ec)
            co_return resolve_ec;
        stream.expires_after(options.connect_timeout);
        auto [ec, endpoint] = co_await stream.async_connect(endpoints, nothrow_awaitable);
        co_return ec;
    }

    net::awaitable<boost::system::result<response_message>> round_trip(request_message& req, bool long_poll)
    {
        stream.expires_after(options.io_timeout);
        auto [write_ec, written] = co_await http::async_write(stream, req, nothrow_awaitable);
        if (write_ec)
            co_return write_ec;
        // `next` waits as long as Lambda keeps the sandbox frozen: no timer may run out meanwhile.
        if (long_poll)
            stream.expires_never();
        else
            stream.expires_after(options.io_timeout);
        http::response_parser<http::string_body> parser;
        parser.body_limit(options.max_event_bytes);
        auto [read_ec, read] = co_await http::async_read(stream, buffer, parser, nothrow_awaitable);
        if (read_ec)
            co_return read_ec;
        co_return parser.release();
    }

    // Sends `req` on the kept-alive connection, opening one when needed, and reads the reply.
    net::awaitable<boost::system::result<response_message>> exchange(request_message req, bool long_poll)
    {
        for (int attempt = 0;; ++attempt) {
            bool const reused = open;
            if (!open) {
                auto const ec = co_await connect();
                if (ec) {
                    close();
                    co_return ec;
                }
                open = true;
            }
            auto reply = co_await round_trip(req, long_poll);
            if (reply && reply->keep_alive())
                co_return reply;
            close();
            if (reply)
                co_return reply;
            if (!(reused && attempt == 0 && is_stale_connection(reply.error())))
                co_return reply.error();
        }
    }

    void close()
    {
        boost::system::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        stream.close();
        buffer.clear();
        open = false;
    }

    net::awaitable<boost::system::error_code> post(std::string target, std::string body,
                                                   std::string error_type)
    {
        auto req = make_request(http::verb::post, std::move(target), std::move(body));
        if (!error_type.empty())
            req.set("Lambda-Runtime-Function-Error-Type", error_type);
        auto reply = co_await exchange(std::move(req), false);
        if (!reply)
            co_return reply.error();
        if (reply->result_int() / 100 != 2) {
            unexpected_status = reply->result_int();
            co_return make_error_code(errc::upstream_failed);
        }
        co_return boost::system::error_code{};
    }

    tcp::resolver resolver;
    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    bool open = false;
    runtime_address address;
    runtime_client_options options;
    std::string host_header;
    unsigned unexpected_status = 0;
};

runtime_client::runtime_client(net::any_io_executor executor, runtime_address address,
                               runtime_client_options options)
    : impl_{std::make_unique<impl>(std::move(executor), std::move(address), options)}
{
}

runtime_client::~runtime_client() = default;

net::awaitable<boost::system::result<invocation>> runtime_client::next()
{
    auto req = impl_->make_request(http::verb::get, std::string{api_root} + "/invocation/next", {});
    auto reply = co_await impl_->exchange(std::move(req), true);
    if (!reply)
        co_return reply.error();
    if (reply->result() != http::status::ok) {
        impl_->unexpected_status = reply->result_int();
        co_return make_error_code(errc::upstream_failed);
    }
    invocation next_invocation;
    next_invocation.request_id = reply->base()["Lambda-Runtime-Aws-Request-Id"];
    if (!is_valid_request_id(next_invocation.request_id)) {
        impl_->unexpected_status = reply->result_int();
        co_return make_error_code(errc::upstream_failed);
    }
    next_invocation.trace_id = reply->base()["Lambda-Runtime-Trace-Id"];
    next_invocation.function_arn = reply->base()["Lambda-Runtime-Invoked-Function-Arn"];
    next_invocation.deadline =
        parse_deadline(reply->base()["Lambda-Runtime-Deadline-Ms"], std::chrono::system_clock::now());
    next_invocation.payload = std::move(reply->body());
    co_return next_invocation;
}

net::awaitable<boost::system::error_code> runtime_client::post_response(std::string request_id,
                                                                        std::string body)
{
    return impl_->post(std::string{api_root} + "/invocation/" + request_id + "/response", std::move(body),
                       {});
}

net::awaitable<boost::system::error_code> runtime_client::post_error(std::string request_id,
                                                                     std::string error_type, std::string body)
{
    return impl_->post(std::string{api_root} + "/invocation/" + request_id + "/error", std::move(body),
                       std::move(error_type));
}

net::awaitable<boost::system::error_code> runtime_client::post_init_error(std::string error_type,
                                                                          std::string body)
{
    return impl_->post(std::string{api_root} + "/init/error", std::move(body), std::move(error_type));
}

unsigned runtime_client::last_unexpected_status() const
{
    return impl_->unexpected_status;
}

}  // namespace pyfun::lambda
