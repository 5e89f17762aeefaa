// TLS: protocol versions, the generated certificate, loading errors, and the session over TLS.

#include "scenario.hpp"
#include "test_client.hpp"

#include "service/self_signed.hpp"
#include "service/server.hpp"
#include "service/tls_context.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/system/system_error.hpp>

#include <catch2/catch.hpp>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <string>

namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using namespace std::chrono_literals;
using namespace boost::asio::experimental::awaitable_operators;
using pyfun::test::log_capture;
using pyfun::test::run_scenario;
using pyfun::test::scripted_handler;
using pyfun::test::test_client;

pyfun::service::server_options tls_test_options()
{
    auto opts = pyfun::test::plain_test_options();
    opts.plain_http = false;
    return opts;
}

// A folder under the system temp dir, removed with everything in it at scope exit.
class temp_folder {
public:
    temp_folder()
        : path_{std::filesystem::temp_directory_path() /
                ("pyfun-tls-test-" +
                 std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()))}
    {
        std::filesystem::create_directories(path_);
    }
    ~temp_folder()
    {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    temp_folder(temp_folder const&) = delete;
    temp_folder& operator=(temp_folder const&) = delete;

    std::string write(std::string const& name, std::string const& content) const
    {
        auto const file = path_ / name;
        std::ofstream{file, std::ios::binary} << content;
        return file.string();
    }

private:
    std::filesystem::path path_;
};

struct x509_deleter {
    void operator()(X509* certificate) const noexcept { X509_free(certificate); }
};

}  // namespace

TEST_CASE("TLS 1.2 and 1.3 clients are served over a kept-alive connection with AEAD ciphers", "[service]")
{
    auto const version = GENERATE(TLS1_2_VERSION, TLS1_3_VERSION);
    auto tls = pyfun::service::make_server_tls("", "");
    auto client_tls = pyfun::test::client_tls_context(version, version);
    net::io_context ioc;
    scripted_handler handler{ioc.get_executor(), 0ms};
    log_capture logs;
    pyfun::service::server srv{ioc.get_executor(), tls_test_options(), handler, &tls.context, logs.sink()};

    run_scenario(ioc, srv, [&]() -> net::awaitable<void> {
        auto client = co_await test_client::connect(srv.port(), &client_tls);
        REQUIRE(client.native_tls());
        CHECK(SSL_version(client.native_tls()) == version);
        std::string const cipher = SSL_get_cipher_name(client.native_tls());
        CHECK((cipher.find("GCM") != std::string::npos || cipher.find("CHACHA20") != std::string::npos));

        auto const first = co_await client.request("POST", "/echo", "over tls");
        REQUIRE(!first.ec);
        CHECK(first.status == 200);
        CHECK(first.body == "POST /echo\n\nover tls");
        CHECK(first.keep_alive);
        auto const second = co_await client.request("GET", "/again");
        CHECK(second.status == 200);
    });
}

TEST_CASE("clients limited to TLS 1.0 or 1.1 fail the handshake", "[service]")
{
    auto const version = GENERATE(TLS1_VERSION, TLS1_1_VERSION);
    auto tls = pyfun::service::make_server_tls("", "");
    auto old_client_tls = pyfun::test::client_tls_context(version, version);
    net::io_context ioc;
    scripted_handler handler{ioc.get_executor(), 0ms};
    log_capture logs;
    pyfun::service::server srv{ioc.get_executor(), tls_test_options(), handler, &tls.context, logs.sink()};

    run_scenario(ioc, srv, [&]() -> net::awaitable<void> {
        std::string failure;
        try {
            co_await test_client::connect(srv.port(), &old_client_tls);
        }
        catch (boost::system::system_error const& e) {
            failure = e.what();
        }
        INFO(failure);
        CHECK(failure.find("tls handshake") != std::string::npos);
    });
    CHECK(logs.contains("tls handshake failed"));
}

TEST_CASE("the generated certificate verifies for localhost and its fingerprint is the one presented",
          "[service]")
{
    auto const generated = pyfun::service::make_self_signed_certificate();
    CHECK(std::regex_match(generated.sha256_fingerprint, std::regex{"([0-9A-F]{2}:){31}[0-9A-F]{2}"}));
    CHECK(generated.private_key_pem.find("PRIVATE KEY") != std::string::npos);

    auto server_tls =
        pyfun::service::make_tls_context_from_pem(generated.certificate_pem, generated.private_key_pem);
    auto client_tls = pyfun::test::verifying_client_tls_context(generated.certificate_pem);
    net::io_context ioc;
    scripted_handler handler{ioc.get_executor(), 0ms};
    log_capture logs;
    pyfun::service::server srv{ioc.get_executor(), tls_test_options(), handler, &server_tls, logs.sink()};

    run_scenario(ioc, srv, [&]() -> net::awaitable<void> {
        auto client = co_await test_client::connect(srv.port(), &client_tls);  // throws if verification fails
        std::unique_ptr<X509, x509_deleter> presented{SSL_get1_peer_certificate(client.native_tls())};
        REQUIRE(presented);
        CHECK(pyfun::service::sha256_fingerprint(*presented) == generated.sha256_fingerprint);
        auto const reply = co_await client.request("GET", "/");
        CHECK(reply.status == 200);
    });

    SECTION("two generated certificates differ")
    {
        CHECK(pyfun::service::make_self_signed_certificate().sha256_fingerprint !=
              generated.sha256_fingerprint);
    }
}

TEST_CASE("an oversized body gets 413 over TLS too", "[service]")
{
    auto tls = pyfun::service::make_server_tls("", "");
    auto client_tls = pyfun::test::client_tls_context();
    net::io_context ioc;
    scripted_handler handler{ioc.get_executor(), 0ms};
    log_capture logs;
    pyfun::service::server srv{ioc.get_executor(), tls_test_options(), handler, &tls.context, logs.sink()};
    std::string const request =
        "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3000000\r\n\r\n" + std::string(3000000, 'x');

    run_scenario(ioc, srv, [&]() -> net::awaitable<void> {
        auto client = co_await test_client::connect(srv.port(), &client_tls);
        auto [send_ec, reply] = co_await (client.send(request) && client.read_reply());
        (void)send_ec;
        REQUIRE(!reply.ec);
        CHECK(reply.status == 413);
        CHECK_FALSE(reply.keep_alive);
        client.close();
    });
}

TEST_CASE("certificate and key files load, and failures name the file", "[service]")
{
    temp_folder folder;
    auto const one = pyfun::service::make_self_signed_certificate();
    auto const other = pyfun::service::make_self_signed_certificate();
    auto const cert_file = folder.write("cert.pem", one.certificate_pem);
    auto const key_file = folder.write("key.pem", one.private_key_pem);

    SECTION("a matching pair loads")
    {
        CHECK_NOTHROW(pyfun::service::make_tls_context(cert_file, key_file));
        auto const setup = pyfun::service::make_server_tls(cert_file, key_file);
        CHECK(setup.generated_fingerprint.empty());
    }
    SECTION("a missing file")
    {
        CHECK_THROWS_WITH(pyfun::service::make_tls_context(folder.write("x", "") + ".missing", key_file),
                          Catch::Contains(".missing") && Catch::Contains("cannot read"));
    }
    SECTION("a certificate file that is not PEM")
    {
        auto const junk = folder.write("junk.pem", "not a certificate");
        CHECK_THROWS_WITH(pyfun::service::make_tls_context(junk, key_file),
                          Catch::Contains("invalid TLS certificate chain") && Catch::Contains("junk.pem"));
    }
    SECTION("a key file that is not PEM")
    {
        auto const junk = folder.write("junk-key.pem", "garbage");
        CHECK_THROWS_WITH(pyfun::service::make_tls_context(cert_file, junk),
                          Catch::Contains("invalid TLS private key") && Catch::Contains("junk-key.pem"));
    }
    SECTION("a key of another certificate")
    {
        auto const wrong_key = folder.write("other-key.pem", other.private_key_pem);
        CHECK_THROWS_WITH(pyfun::service::make_tls_context(cert_file, wrong_key),
                          Catch::Contains("does not match") && Catch::Contains("other-key.pem") &&
                              Catch::Contains("cert.pem"));
    }
    SECTION("a certificate without its key")
    {
        CHECK_THROWS_AS(pyfun::service::make_server_tls(cert_file, ""), std::invalid_argument);
    }
    SECTION("neither: a self-signed certificate is generated")
    {
        auto const setup = pyfun::service::make_server_tls("", "");
        CHECK(setup.generated_fingerprint.size() == 32 * 3 - 1);
    }
}

TEST_CASE("stop() during a slow TLS request still delivers the whole answer, then closes cleanly",
          "[service][timeout]")
{
    auto tls = pyfun::service::make_server_tls("", "");
    auto client_tls = pyfun::test::client_tls_context();
    net::io_context ioc;
    scripted_handler handler{ioc.get_executor(), 300ms};
    log_capture logs;
    pyfun::service::server srv{ioc.get_executor(), tls_test_options(), handler, &tls.context, logs.sink()};

    auto const start = std::chrono::steady_clock::now();
    run_scenario(ioc, srv, [&]() -> net::awaitable<void> {
        auto idle = co_await test_client::connect(srv.port(), &client_tls);
        auto busy = co_await test_client::connect(srv.port(), &client_tls);
        co_await busy.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
        co_await handler.slow_started();
        srv.stop();

        auto const idle_end = co_await idle.read_until_closed();
        CHECK(pyfun::test::closed_by_peer(idle_end));
        auto const reply = co_await busy.read_reply();
        REQUIRE(!reply.ec);
        CHECK(reply.body == "done /slow");
        CHECK_FALSE(reply.keep_alive);
        auto const end = co_await busy.read_until_closed();
        CHECK(end == boost::asio::error::eof);  // the server's close_notify, not a truncation
    });
    CHECK(std::chrono::steady_clock::now() - start < 3s);
}
