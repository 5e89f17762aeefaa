#pragma once
// A small HTTP/1.1 client (plain or TLS) for driving the server under test. Every step has its own deadline,
// so a server bug fails a test instead of hanging it.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>

#include <openssl/ssl.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace pyfun::test {

struct http_reply {
    boost::system::error_code ec;  // set when no complete reply arrived
    unsigned status = 0;
    bool keep_alive = false;
    std::multimap<std::string, std::string> headers;  // lower-case names
    std::string body;

    std::string header(std::string const& name) const;  // the first value, or ""
};

using header_list = std::vector<std::pair<std::string, std::string>>;

class test_client {
public:
    // Connects to 127.0.0.1:port and, with `tls`, completes a handshake with SNI "localhost" (host name
    // checked when the context verifies peers). Throws boost::system::system_error when either step fails.
    static boost::asio::awaitable<test_client> connect(unsigned short port,
                                                       boost::asio::ssl::context* tls = nullptr);

    test_client(test_client&&) noexcept;
    test_client& operator=(test_client&&) noexcept;
    ~test_client();

    // Sends one request (Host and Content-Length added) and reads its reply.
    boost::asio::awaitable<http_reply> request(std::string method, std::string target, std::string body = {},
                                               header_list headers = {});
    boost::asio::awaitable<boost::system::error_code> send(std::string bytes);
    boost::asio::awaitable<http_reply> read_reply();
    // Reads and drops everything until the connection ends; returns why it ended (eof when the server
    // closed).
    boost::asio::awaitable<boost::system::error_code> read_until_closed();
    void close();

    SSL* native_tls();  // null for plain connections

private:
    struct impl;
    explicit test_client(std::unique_ptr<impl> state);
    std::unique_ptr<impl> impl_;
};

// A client TLS context that skips certificate checks, limited to the given protocol versions (0: no limit).
boost::asio::ssl::context client_tls_context(int min_version = 0, int max_version = 0);

// A client TLS context that trusts exactly `certificate_pem` and checks the peer's certificate.
boost::asio::ssl::context verifying_client_tls_context(std::string const& certificate_pem);

// True for the ways a connection ends when the server closes it (eof, end_of_stream, reset, TLS truncation).
bool closed_by_peer(boost::system::error_code ec);

}  // namespace pyfun::test
