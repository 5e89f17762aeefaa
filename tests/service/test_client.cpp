#include "test_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace pyfun::test {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using boost::system::error_code;

constexpr auto nothrow_awaitable = net::as_tuple(net::use_awaitable);
constexpr std::chrono::seconds step_timeout{5};

std::string to_lower(std::string_view text)
{
    std::string out{text};
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

template <class Stream>
net::awaitable<error_code> write_bytes(Stream& stream, std::string const& bytes)
{
    beast::get_lowest_layer(stream).expires_after(step_timeout);
    auto [ec, n] = co_await net::async_write(stream, net::buffer(bytes), nothrow_awaitable);
    co_return ec;
}

template <class Stream>
net::awaitable<http_reply> read_one_reply(Stream& stream, beast::flat_buffer& buffer)
{
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    beast::get_lowest_layer(stream).expires_after(step_timeout);
    auto [ec, n] = co_await http::async_read(stream, buffer, parser, nothrow_awaitable);
    http_reply reply;
    reply.ec = ec;
    if (ec)
        co_return reply;
    auto& message = parser.get();
    reply.status = message.result_int();
    reply.keep_alive = message.keep_alive();
    for (auto const& field : message)
        reply.headers.emplace(to_lower(field.name_string()), std::string{field.value()});
    reply.body = std::move(message.body());
    co_return reply;
}

template <class Stream>
net::awaitable<error_code> drain(Stream& stream, beast::flat_buffer& buffer)
{
    beast::get_lowest_layer(stream).expires_after(step_timeout);
    for (;;) {  // ends at the latest when step_timeout closes the stream
        auto [ec, n] = co_await stream.async_read_some(buffer.prepare(64 * 1024), nothrow_awaitable);
        buffer.consume(buffer.size());
        if (ec)
            co_return ec;
    }
}

}  // namespace

std::string http_reply::header(std::string const& name) const
{
    auto const it = headers.find(name);
    return it == headers.end() ? std::string{} : it->second;
}

struct test_client::impl {
    std::optional<beast::tcp_stream> plain;
    std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
    beast::flat_buffer buffer;
};

test_client::test_client(std::unique_ptr<impl> state) : impl_{std::move(state)} {}
test_client::test_client(test_client&&) noexcept = default;
test_client& test_client::operator=(test_client&&) noexcept = default;
test_client::~test_client() = default;

net::awaitable<test_client> test_client::connect(unsigned short port, ssl::context* tls)
{
    auto state = std::make_unique<impl>();
    beast::tcp_stream tcp{co_await net::this_coro::executor};
    tcp.expires_after(step_timeout);
    net::ip::tcp::endpoint const server{net::ip::make_address("127.0.0.1"), port};
    auto [connect_ec] = co_await tcp.async_connect(server, nothrow_awaitable);
    if (connect_ec)
        throw boost::system::system_error(connect_ec, "connect");

    if (!tls) {
        state->plain.emplace(std::move(tcp));
        co_return test_client{std::move(state)};
    }
    auto& stream = state->tls.emplace(std::move(tcp), *tls);
    if (!SSL_set_tlsext_host_name(stream.native_handle(), "localhost"))
        throw std::runtime_error("cannot set SNI");
    stream.set_verify_callback(ssl::host_name_verification("localhost"));
    beast::get_lowest_layer(stream).expires_after(step_timeout);
    auto [handshake_ec] = co_await stream.async_handshake(ssl::stream_base::client, nothrow_awaitable);
    if (handshake_ec)
        throw boost::system::system_error(handshake_ec, "tls handshake");
    co_return test_client{std::move(state)};
}

net::awaitable<error_code> test_client::send(std::string bytes)
{
    if (impl_->tls)
        co_return co_await write_bytes(*impl_->tls, bytes);
    co_return co_await write_bytes(*impl_->plain, bytes);
}

net::awaitable<http_reply> test_client::read_reply()
{
    if (impl_->tls)
        co_return co_await read_one_reply(*impl_->tls, impl_->buffer);
    co_return co_await read_one_reply(*impl_->plain, impl_->buffer);
}

net::awaitable<http_reply> test_client::request(std::string method, std::string target, std::string body,
                                                header_list headers)
{
    http::request<http::string_body> message;
    message.method_string(method);
    message.target(target);
    message.version(11);
    message.set(http::field::host, "localhost");
    for (auto const& [name, value] : headers)
        message.insert(name, value);
    message.body() = std::move(body);
    message.prepare_payload();

    std::ostringstream wire;
    wire << message;
    auto const ec = co_await send(wire.str());
    if (ec) {
        http_reply failed;
        failed.ec = ec;
        co_return failed;
    }
    co_return co_await read_reply();
}

net::awaitable<error_code> test_client::read_until_closed()
{
    if (impl_->tls)
        co_return co_await drain(*impl_->tls, impl_->buffer);
    co_return co_await drain(*impl_->plain, impl_->buffer);
}

void test_client::close()
{
    if (impl_->tls)
        beast::get_lowest_layer(*impl_->tls).close();
    else if (impl_->plain)
        impl_->plain->close();
}

SSL* test_client::native_tls()
{
    return impl_->tls ? impl_->tls->native_handle() : nullptr;
}

ssl::context client_tls_context(int min_version, int max_version)
{
    ssl::context context{ssl::context::tls_client};
    context.set_verify_mode(ssl::verify_none);
    auto* native = context.native_handle();
    // Debian's openssl.cnf forbids old protocols on clients too; level 0 lets the test client really offer
    // them, so a refusal proves the server refused.
    SSL_CTX_set_security_level(native, 0);
    if (SSL_CTX_set_cipher_list(native, "DEFAULT:@SECLEVEL=0") != 1)
        throw std::runtime_error("cannot set client ciphers");
    if (SSL_CTX_set_min_proto_version(native, min_version) != 1 ||
        SSL_CTX_set_max_proto_version(native, max_version) != 1)
        throw std::runtime_error("cannot set client protocol versions");
    return context;
}

ssl::context verifying_client_tls_context(std::string const& certificate_pem)
{
    ssl::context context{ssl::context::tls_client};
    context.add_certificate_authority(net::buffer(certificate_pem));
    context.set_verify_mode(ssl::verify_peer);
    return context;
}

bool closed_by_peer(error_code ec)
{
    // Beast's HTTP reads report a close before any byte as end_of_stream.
    return ec == net::error::eof || ec == http::error::end_of_stream || ec == net::error::connection_reset ||
           ec == ssl::error::stream_truncated || ec == net::error::broken_pipe;
}

}  // namespace pyfun::test
