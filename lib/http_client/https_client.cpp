#include "https_client.hpp"

#include "client_error.hpp"
#include "url.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <openssl/ssl.h>

#include <algorithm>
#include <cctype>
#include <limits>
#include <map>
#include <stdexcept>

namespace pyfun::http_client {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using namespace net::experimental::awaitable_operators;
using boost::system::error_code;
using clock_type = std::chrono::steady_clock;

constexpr auto nothrow_awaitable = net::as_tuple(net::use_awaitable);

std::string lower(std::string_view text)
{
    std::string out{text};
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool has_line_break(std::string_view text)
{
    return text.find_first_of("\r\n") != std::string_view::npos;
}

bool is_followed_redirect(unsigned status)
{
    return status == 301 || status == 302 || status == 307 || status == 308;
}

bool is_idempotent(std::string_view method)
{
    return method == "GET" || method == "HEAD" || method == "OPTIONS";
}

// What a step may take: its own limit, cut short by the overall deadline; nullopt once that has passed.
std::optional<clock_type::duration> step_limit(clock_type::time_point deadline, clock_type::duration step)
{
    auto const left = deadline - clock_type::now();
    if (left <= clock_type::duration::zero())
        return std::nullopt;
    return std::min<clock_type::duration>(left, step);
}

struct connection {
    std::optional<beast::tcp_stream> plain;
    std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
    beast::flat_buffer buffer;
    clock_type::time_point idle_since;

    beast::tcp_stream& tcp() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
};
using connection_ptr = std::unique_ptr<connection>;

struct round_trip_result {
    error_code ec;
    bool got_bytes = false;  // some of a response arrived: the request reached the server
    bool keep_alive = false;
    incoming_response response;
};

template <class Stream>
net::awaitable<round_trip_result> round_trip(Stream& stream, connection& conn,
                                             http::request<http::string_body> const& request,
                                             client_options const& options, clock_type::time_point deadline)
{
    round_trip_result out;
    auto limit = step_limit(deadline, options.io_timeout);
    if (!limit) {
        out.ec = client_errc::deadline_exceeded;
        co_return out;
    }
    conn.tcp().expires_after(*limit);
    auto [write_ec, written] = co_await http::async_write(stream, request, nothrow_awaitable);
    if (write_ec) {
        out.ec = write_ec;
        co_return out;
    }

    http::response_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(options.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
    parser.body_limit(options.max_body_bytes);
    if (request.method() == http::verb::head)
        parser.skip(true);
    limit = step_limit(deadline, options.io_timeout);
    if (!limit) {
        out.ec = client_errc::deadline_exceeded;
        co_return out;
    }
    conn.tcp().expires_after(*limit);
    auto [read_ec, read] = co_await http::async_read(stream, conn.buffer, parser, nothrow_awaitable);
    out.got_bytes = parser.got_some();
    if (read_ec) {
        out.ec = read_ec;
        co_return out;
    }
    auto& message = parser.get();
    out.response.status = message.result_int();
    for (auto const& field : message)
        out.response.headers.emplace(lower(field.name_string()), std::string{field.value()});
    out.response.body = std::move(message.body());
    out.keep_alive = message.keep_alive() && !parser.need_eof();
    co_return out;
}

}  // namespace

std::string incoming_response::header(std::string_view name) const
{
    auto const it = headers.find(std::string{name});
    return it == headers.end() ? std::string{} : it->second;
}

struct client::impl {
    impl(net::any_io_executor executor, client_options opts)
        : executor_{std::move(executor)}, options_{std::move(opts)}, tls_context_{ssl::context::tls_client}
    {
        SSL_CTX_set_min_proto_version(tls_context_.native_handle(), TLS1_2_VERSION);
        tls_context_.set_verify_mode(ssl::verify_peer);
        error_code ec;
        if (options_.ca_file.empty())
            tls_context_.set_default_verify_paths(ec);
        else
            tls_context_.load_verify_file(options_.ca_file, ec);
        if (ec)
            throw std::runtime_error(
                "cannot load the CA certificates" +
                (options_.ca_file.empty() ? std::string{} : " in \"" + options_.ca_file + "\"") + ": " +
                ec.message());
    }

    net::awaitable<boost::system::result<std::vector<net::ip::tcp::endpoint>>> resolve(
        origin const& where, clock_type::duration limit)
    {
        error_code not_literal;
        auto const address = net::ip::make_address(where.host, not_literal);
        if (!not_literal)
            co_return std::vector<net::ip::tcp::endpoint>{{address, where.port}};

        // The resolver runs getaddrinfo on a helper thread; the timer bounds how long we wait for it. No
        // address_configured flag: it hides "localhost" on hosts whose only addresses are loopback ones.
        net::ip::tcp::resolver resolver{executor_};
        net::steady_timer timer{executor_, limit};
        auto const service = std::to_string(where.port);  // named: no temporaries inside a co_await (GCC 12)
        auto winner =
            co_await (resolver.async_resolve(where.host, service, net::ip::tcp::resolver::numeric_service,
                                             nothrow_awaitable) ||
                      timer.async_wait(nothrow_awaitable));
        if (winner.index() == 1)
            co_return error_code{beast::error::timeout};
        auto [ec, results] = std::get<0>(std::move(winner));
        if (ec)
            co_return ec;
        std::vector<net::ip::tcp::endpoint> endpoints;
        for (auto const& entry : results)
            endpoints.push_back(entry.endpoint());
        co_return endpoints;
    }

    net::awaitable<boost::system::result<connection_ptr>> open(origin const& where,
                                                               clock_type::time_point deadline)
    {
        auto limit = step_limit(deadline, options_.connect_timeout);
        if (!limit)
            co_return client_errc::deadline_exceeded;
        auto const started = clock_type::now();
        auto endpoints = co_await resolve(where, *limit);
        if (!endpoints)
            co_return endpoints.error();

        beast::tcp_stream tcp{executor_};
        tcp.expires_after(std::max<clock_type::duration>(*limit - (clock_type::now() - started),
                                                         std::chrono::milliseconds{1}));
        auto [connect_ec, endpoint] = co_await tcp.async_connect(*endpoints, nothrow_awaitable);
        if (connect_ec)
            co_return connect_ec;
        ++connections_opened_;

        auto conn = std::make_unique<connection>();
        if (!where.tls) {
            conn->plain.emplace(std::move(tcp));
            co_return conn;
        }
        auto& stream = conn->tls.emplace(std::move(tcp), tls_context_);
        error_code not_literal;
        net::ip::make_address(where.host, not_literal);
        // SNI carries names only (RFC 6066 §3); an IP literal is checked against the certificate's IP SANs.
        if (not_literal && !SSL_set_tlsext_host_name(stream.native_handle(), where.host.c_str()))
            co_return error_code{static_cast<int>(::ERR_get_error()), net::error::get_ssl_category()};
        stream.set_verify_callback(ssl::host_name_verification(where.host));
        limit = step_limit(deadline, options_.handshake_timeout);
        if (!limit)
            co_return client_errc::deadline_exceeded;
        beast::get_lowest_layer(stream).expires_after(*limit);
        auto [handshake_ec] = co_await stream.async_handshake(ssl::stream_base::client, nothrow_awaitable);
        if (handshake_ec)
            co_return handshake_ec;
        co_return conn;
    }

    net::awaitable<round_trip_result> round_trip_on(connection& conn,
                                                    http::request<http::string_body> const& request,
                                                    clock_type::time_point deadline)
    {
        if (conn.tls)
            co_return co_await round_trip(*conn.tls, conn, request, options_, deadline);
        co_return co_await round_trip(*conn.plain, conn, request, options_, deadline);
    }

    connection_ptr take_idle(std::string const& key)
    {
        auto const found = idle_.find(key);
        if (found == idle_.end())
            return nullptr;
        auto& pool = found->second;
        auto const now = clock_type::now();
        std::erase_if(pool,
                      [&](connection_ptr const& c) { return now - c->idle_since > options_.idle_lifetime; });
        if (pool.empty()) {
            idle_.erase(found);
            return nullptr;
        }
        auto conn = std::move(pool.back());
        pool.pop_back();
        return conn;
    }

    void put_idle(std::string const& key, connection_ptr conn)
    {
        if (options_.max_idle_per_origin == 0)
            return;
        conn->tcp().expires_never();
        conn->idle_since = clock_type::now();
        auto& pool = idle_[key];
        pool.push_back(std::move(conn));
        if (pool.size() > options_.max_idle_per_origin)
            pool.erase(pool.begin());
    }

    // One request and its response on a kept-alive or new connection of that origin.
    net::awaitable<boost::system::result<incoming_response>> exchange(split_url const& parts,
                                                                      outgoing_request const& request,
                                                                      core::header_map const& headers,
                                                                      clock_type::time_point deadline)
    {
        if (request.method.empty() || has_line_break(request.method) || has_line_break(parts.target))
            co_return client_errc::bad_header;
        http::request<http::string_body> message;
        message.version(11);
        message.method_string(request.method);
        message.target(parts.target);
        message.set(http::field::host, parts.where.host_header());
        for (auto const& [name, value] : headers) {
            if (name.empty() || has_line_break(name) || has_line_break(value))
                co_return client_errc::bad_header;
            message.insert(name, value);
        }
        message.keep_alive(true);
        if (!request.body.empty() || !is_idempotent(request.method)) {
            message.body() = request.body;
            message.prepare_payload();
        }

        auto const key = parts.where.key();
        auto conn = take_idle(key);
        bool const reused = conn != nullptr;
        if (!conn) {
            auto opened = co_await open(parts.where, deadline);
            if (!opened)
                co_return opened.error();
            conn = std::move(*opened);
        }
        auto result = co_await round_trip_on(*conn, message, deadline);
        if (result.ec && reused && !result.got_bytes && result.ec != beast::error::timeout &&
            is_idempotent(request.method)) {
            // The server had closed this kept-alive connection meanwhile: one more try on a fresh one.
            auto opened = co_await open(parts.where, deadline);
            if (!opened)
                co_return opened.error();
            conn = std::move(*opened);
            result = co_await round_trip_on(*conn, message, deadline);
        }
        if (result.ec)
            co_return result.ec;
        if (result.keep_alive)
            put_idle(key, std::move(conn));
        co_return std::move(result.response);
    }

    net::any_io_executor executor_;
    client_options options_;
    ssl::context tls_context_;
    std::map<std::string, std::vector<connection_ptr>> idle_;
    std::uint64_t connections_opened_ = 0;
};

client::client(net::any_io_executor executor, client_options options)
    : impl_{std::make_unique<impl>(std::move(executor), std::move(options))}
{
}

client::~client() = default;

net::awaitable<boost::system::result<incoming_response>> client::fetch(outgoing_request request)
{
    auto const deadline = request.deadline.value_or(clock_type::now() + impl_->options_.total_timeout);
    auto headers = request.headers;
    auto url = request.url;
    std::vector<std::pair<unsigned, std::string>> redirects;
    for (;;) {
        auto parts = parse_url(url);
        if (!parts)
            co_return parts.error();
        auto answered = co_await impl_->exchange(*parts, request, headers, deadline);
        if (!answered)
            co_return answered.error();
        auto location = answered->header("location");
        if (!is_followed_redirect(answered->status) || location.empty()) {
            answered->url = std::move(url);
            answered->redirects = std::move(redirects);
            co_return std::move(*answered);
        }
        if (redirects.size() >= impl_->options_.max_redirects)
            co_return client_errc::too_many_redirects;
        auto next = resolve_location(url, location);
        if (!next)
            co_return next.error();
        auto next_parts = parse_url(*next);
        if (!next_parts)
            co_return next_parts.error();
        if (parts->where.tls && !next_parts->where.tls)
            co_return client_errc::insecure_redirect;
        // Credentials are for the origin they were given for: never forward them to another host.
        if (!(next_parts->where == parts->where))
            headers.erase("authorization");
        redirects.emplace_back(answered->status, *next);
        url = std::move(*next);
    }
}

std::size_t client::idle_connections() const
{
    std::size_t count = 0;
    for (auto const& [key, pool] : impl_->idle_)
        count += pool.size();
    return count;
}

std::uint64_t client::connections_opened() const
{
    return impl_->connections_opened_;
}

}  // namespace pyfun::http_client
