#include "session.hpp"

#include "access_log.hpp"
#include "wire_response.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <exception>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace pyfun::service::detail {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using boost::system::error_code;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr auto nothrow_awaitable = net::as_tuple(net::use_awaitable);

using plain_stream = beast::tcp_stream;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

template <class Stream>
constexpr bool is_tls = std::is_same_v<Stream, tls_stream>;

constexpr std::size_t read_chunk = 4096;
// The longest we spend writing our TLS close_notify to a peer that has stopped reading.
constexpr milliseconds max_close_wait{1000};
// After an early error answer (413, 431, 400, 503) we keep reading and dropping what the client is still
// sending for this long: closing with unread input makes the kernel send a reset, which can destroy the
// answer before the client has read it.
constexpr milliseconds max_linger{2000};

enum class request_outcome {
    keep_alive,       // answered; read the next request
    close,            // answered with Connection: close
    drain_and_close,  // answered an unreadable request; the client may still be sending
    broken,           // the connection failed or the peer left: close without ceremony
};

// Publishes the session's socket to the server (for stop()) for exactly as long as the session owns it.
class socket_registration {
public:
    socket_registration(connection& conn, net::ip::tcp::socket& socket) : conn_(conn)
    {
        conn_.socket = &socket;
    }
    ~socket_registration()
    {
        conn_.socket = nullptr;
        conn_.idle = false;
    }
    socket_registration(socket_registration const&) = delete;
    socket_registration& operator=(socket_registration const&) = delete;

private:
    connection& conn_;
};

std::string to_upper(std::string_view text)
{
    std::string out{text};
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return out;
}

std::string to_lower(std::string_view text)
{
    std::string out{text};
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string_view without_query(std::string_view path)
{
    return path.substr(0, path.find_first_of("?#"));
}

core::request to_core_request(http::request<http::string_body>&& message)
{
    core::request req;
    req.method = to_upper(message.method_string());
    req.path = std::string{message.target()};
    for (auto const& field : message)
        req.headers.emplace(to_lower(field.name_string()), std::string{field.value()});
    req.body = std::move(message.body());
    return req;
}

core::response failure_response(unsigned status, std::string_view message,
                                core::header_map const& extra_headers)
{
    core::response res;
    res.status = status;
    res.headers = extra_headers;
    res.headers.erase("content-type");
    res.headers.emplace("content-type", "application/json");
    res.body = R"({"fail": true, "error": ")" + std::string{message} + R"("})";
    return res;
}

struct read_failure {
    unsigned status = 0;  // 0: the connection just ends (peer gone, timeout, cancelled)
    std::string_view message;
};

read_failure classify_read_error(error_code ec)
{
    if (ec == http::error::body_limit)
        return {413, "request body too large"};
    if (ec == http::error::header_limit)
        return {431, "request header fields too large"};
    if (ec == http::error::end_of_stream || ec == http::error::partial_message)
        return {};
    if (ec.category() == http::make_error_code(http::error::bad_method).category())
        return {400, "malformed HTTP request"};
    return {};
}

bool expects_continue(http::request<http::string_body> const& message)
{
    return message.version() >= 11 && beast::iequals(message[http::field::expect], "100-continue");
}

std::uint32_t header_limit_of(server_options const& opts)
{
    return static_cast<std::uint32_t>(
        std::min<std::size_t>(opts.max_header_bytes, std::numeric_limits<std::uint32_t>::max()));
}

double milliseconds_since(steady_clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(steady_clock::now() - start).count();
}

void log_event(session_shared& shared, std::string_view level, std::string_view event,
               std::initializer_list<log_field> fields)
{
    shared.log(format_event_line(level, event, fields, std::chrono::system_clock::now()));
}

struct request_info {
    std::string_view method;
    std::string_view path;
    steady_clock::time_point started;
};

net::awaitable<bool> handshake(tls_stream& stream, session_shared& shared, connection& conn)
{
    beast::get_lowest_layer(stream).expires_after(shared.options.read_timeout);
    auto [ec] = co_await stream.async_handshake(ssl::stream_base::server, nothrow_awaitable);
    // A peer that connects and leaves (a port check) or a stop() is not worth logging; a refused protocol is.
    bool const quiet = ec == net::error::eof || ec == ssl::error::stream_truncated ||
                       ec == net::error::operation_aborted || conn.forced;
    if (ec && !quiet)
        log_event(shared, "warning", "tls handshake failed",
                  {{"error", ec.message()}, {"remote", conn.remote}});
    co_return !ec;
}

template <class Stream>
net::awaitable<error_code> read_request(Stream& stream, beast::flat_buffer& buffer,
                                        http::request_parser<http::string_body>& parser,
                                        server_options const& opts)
{
    auto& tcp = beast::get_lowest_layer(stream);
    tcp.expires_after(opts.read_timeout);
    auto [header_ec, header_bytes] =
        co_await http::async_read_header(stream, buffer, parser, nothrow_awaitable);
    if (header_ec || parser.is_done())
        co_return header_ec;

    if (expects_continue(parser.get())) {
        // curl and others hold the body back until they see this, or for a second when they don't.
        http::response<http::empty_body> go_on{http::status::continue_, parser.get().version()};
        tcp.expires_after(opts.write_timeout);
        auto [write_ec, written] = co_await http::async_write(stream, go_on, nothrow_awaitable);
        if (write_ec)
            co_return write_ec;
    }
    tcp.expires_after(opts.read_timeout);
    auto [body_ec, body_bytes] = co_await http::async_read(stream, buffer, parser, nothrow_awaitable);
    co_return body_ec;
}

net::awaitable<core::response> call_handler(session_shared& shared, connection& conn, core::request req,
                                            std::string_view method, std::string_view path)
{
    core::response res;
    std::string failure;
    try {
        res = co_await shared.handler.handle(std::move(req));
    }
    catch (std::exception const& e) {
        failure = e.what();
    }
    catch (...) {  // the session edge (STYLE §5): a handler bug costs this request a 500, not the server
        failure = "exception of unknown type";
    }
    if (failure.empty() && (res.status < 200 || res.status > 999))
        failure = "handler returned invalid status " + std::to_string(res.status);
    if (failure.empty())
        co_return res;

    if (!conn.forced) {  // after the grace period the handler was cancelled on purpose
        log_event(
            shared, "error", "handler failed",
            {{"error", failure}, {"method", method}, {"path", without_query(path)}, {"remote", conn.remote}});
    }
    co_return failure_response(500, "internal error", shared.options.error_headers);
}

template <class Stream>
net::awaitable<bool> send_response(Stream& stream, core::response res, unsigned version, bool keep_alive,
                                   bool head_request, session_shared& shared, connection& conn,
                                   request_info const& info)
{
    auto const status = res.status;
    auto const verdict = std::move(res.verdict);
    auto const message = to_wire(std::move(res), version, keep_alive, head_request);
    beast::get_lowest_layer(stream).expires_after(shared.options.write_timeout);
    auto [ec, written] = co_await net::async_write(stream, message.buffers(), nothrow_awaitable);
    shared.log(format_access_line(
        {info.method, info.path, status, milliseconds_since(info.started), verdict, conn.remote},
        std::chrono::system_clock::now()));
    co_return !ec;
}

template <class Stream>
net::awaitable<request_outcome> serve_request(Stream& stream, beast::flat_buffer& buffer,
                                              session_shared& shared, connection& conn)
{
    auto const& opts = shared.options;
    auto const started = steady_clock::now();

    http::request_parser<http::string_body> parser;
    parser.header_limit(header_limit_of(opts));
    parser.body_limit(static_cast<std::uint64_t>(opts.max_body_bytes));

    auto const read_ec = co_await read_request(stream, buffer, parser, opts);
    if (read_ec) {
        auto const failure = classify_read_error(read_ec);
        if (failure.status == 0)
            co_return request_outcome::broken;
        // The start line may be all we have; it is enough for the log.
        auto const& partial = parser.get();
        std::string const method = to_upper(partial.method_string());
        std::string const path{partial.target()};
        auto res = failure_response(failure.status, failure.message, opts.error_headers);
        bool const written = co_await send_response(stream, std::move(res), 11, false, false, shared, conn,
                                                    {method, path, started});
        co_return written ? request_outcome::drain_and_close : request_outcome::broken;
    }

    auto const& message = parser.get();
    bool const client_keeps_alive = message.keep_alive();
    bool const head_request = message.method() == http::verb::head;
    unsigned const version = message.version();
    auto req = to_core_request(parser.release());
    std::string const method = req.method;
    std::string const path = req.path;

    auto res = co_await call_handler(shared, conn, std::move(req), method, path);
    // Read `stopping` after the handler: a stop() during a slow request still ends this connection cleanly.
    bool const keep_alive = client_keeps_alive && !shared.stopping;
    bool const written = co_await send_response(stream, std::move(res), version, keep_alive, head_request,
                                                shared, conn, {method, path, started});
    if (!written)
        co_return request_outcome::broken;
    co_return keep_alive ? request_outcome::keep_alive : request_outcome::close;
}

// Reads and drops input until the peer closes or max_linger passes; see max_linger for why.
template <class Stream>
net::awaitable<void> drain_input(Stream& stream, server_options const& opts)
{
    auto& tcp = beast::get_lowest_layer(stream);
    if constexpr (!is_tls<Stream>) {
        // The client sees the end of our answer at once, while we keep reading.
        error_code ignored;
        tcp.socket().shutdown(net::socket_base::shutdown_send, ignored);
    }
    tcp.expires_after(std::min(opts.read_timeout, max_linger));  // one deadline for the whole drain
    std::array<char, 16 * 1024> scratch{};
    for (;;) {
        auto [ec, n] = co_await stream.async_read_some(net::buffer(scratch), nothrow_awaitable);
        if (ec)
            co_return;
    }
}

// `polite`: the peer is still there, so say goodbye properly (TLS close_notify, TCP FIN) before closing.
template <class Stream>
net::awaitable<void> close_stream(Stream& stream, bool polite, server_options const& opts)
{
    auto& tcp = beast::get_lowest_layer(stream);
    if constexpr (is_tls<Stream>) {
        if (polite) {
            // Send our close_notify but don't wait for the peer's (RFC 8446 §6.1 allows this): marking it as
            // received makes SSL_shutdown finish after writing. Browsers rarely answer it promptly.
            SSL_set_shutdown(stream.native_handle(), SSL_RECEIVED_SHUTDOWN);
            tcp.expires_after(std::min(opts.write_timeout, max_close_wait));
            // Any error ends the connection the same way (ssl::error::stream_truncated included).
            co_await stream.async_shutdown(nothrow_awaitable);
        }
    }
    else if (polite) {
        error_code ignored;
        tcp.socket().shutdown(net::socket_base::shutdown_send, ignored);
    }
    tcp.close();
}

template <class Stream>
net::awaitable<void> serve_connection(Stream stream, std::shared_ptr<session_shared> shared, connection& conn)
{
    auto const& opts = shared->options;
    auto& tcp = beast::get_lowest_layer(stream);
    socket_registration registration{conn, tcp.socket()};

    if constexpr (is_tls<Stream>) {
        if (shared->stopping)
            co_return;
        conn.idle = true;  // no request yet: stop() may cut the handshake short
        bool const ok = co_await handshake(stream, *shared, conn);
        if (!ok)
            co_return;
    }

    beast::flat_buffer buffer;
    // A new connection must start promptly; a kept-alive one may idle longer between requests.
    auto wait_for_request = opts.read_timeout;
    auto outcome = request_outcome::broken;
    while (!shared->stopping) {
        if (buffer.size() == 0) {
            // Waiting for the first byte is the one state stop() may interrupt: no request is lost.
            conn.idle = true;
            tcp.expires_after(wait_for_request);
            auto [ec, n] = co_await stream.async_read_some(buffer.prepare(read_chunk), nothrow_awaitable);
            conn.idle = false;
            if (ec) {
                // eof: the peer closed cleanly (for TLS: sent close_notify), so answer in kind.
                outcome = ec == net::error::eof ? request_outcome::close : request_outcome::broken;
                break;
            }
            buffer.commit(n);
        }
        wait_for_request = opts.idle_timeout;
        outcome = co_await serve_request(stream, buffer, *shared, conn);
        if (outcome != request_outcome::keep_alive)
            break;
    }

    conn.idle = true;  // only goodbyes from here on
    if (outcome == request_outcome::drain_and_close)
        co_await drain_input(stream, opts);
    bool const polite = outcome == request_outcome::close || outcome == request_outcome::drain_and_close;
    co_await close_stream(stream, polite, opts);
}

template <class Stream>
net::awaitable<void> refuse_connection(Stream stream, std::shared_ptr<session_shared> shared,
                                       connection& conn)
{
    auto const& opts = shared->options;
    socket_registration registration{conn, beast::get_lowest_layer(stream).socket()};
    if constexpr (is_tls<Stream>) {
        bool const ok = co_await handshake(stream, *shared, conn);
        if (!ok)
            co_return;
    }
    log_event(*shared, "warning", "connection refused",
              {{"reason", "server busy: max_connections reached"}, {"remote", conn.remote}});

    auto const message = to_wire(failure_response(503, "server busy", opts.error_headers), 11, false, false);
    beast::get_lowest_layer(stream).expires_after(opts.write_timeout);
    auto [ec, written] = co_await net::async_write(stream, message.buffers(), nothrow_awaitable);
    if (!ec)
        co_await drain_input(stream, opts);
    co_await close_stream(stream, !ec, opts);
}

}  // namespace

net::awaitable<void> run_session(net::ip::tcp::socket socket, ssl::context* tls,
                                 std::shared_ptr<session_shared> shared, connection& conn)
{
    if (tls) {
        tls_stream stream{beast::tcp_stream{std::move(socket)}, *tls};
        co_await serve_connection(std::move(stream), std::move(shared), conn);
    }
    else {
        plain_stream stream{std::move(socket)};
        co_await serve_connection(std::move(stream), std::move(shared), conn);
    }
}

net::awaitable<void> reject_busy(net::ip::tcp::socket socket, ssl::context* tls,
                                 std::shared_ptr<session_shared> shared, connection& conn)
{
    if (tls) {
        tls_stream stream{beast::tcp_stream{std::move(socket)}, *tls};
        co_await refuse_connection(std::move(stream), std::move(shared), conn);
    }
    else {
        plain_stream stream{std::move(socket)};
        co_await refuse_connection(std::move(stream), std::move(shared), conn);
    }
}

}  // namespace pyfun::service::detail
