// The plain-HTTP listener end to end: a real server on 127.0.0.1:0 and real sockets on one io_context.

#include "scenario.hpp"
#include "test_client.hpp"

#include "service/server.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/json/parse.hpp>
#include <boost/system/system_error.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <string>

namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;
using namespace boost::asio::experimental::awaitable_operators;
using pyfun::test::http_reply;
using pyfun::test::log_capture;
using pyfun::test::run_scenario;
using pyfun::test::scripted_handler;
using pyfun::test::test_client;

constexpr char const* busy_body = R"({"fail": true, "error": "server busy"})";

std::chrono::milliseconds since(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
}

}  // namespace

TEST_CASE("two requests travel over one kept-alive connection and each is logged without secrets",
          "[service]")
{
    log_capture logs;
    net::io_context ioc;
    scripted_handler handler{ioc.get_executor(), 0ms};
    pyfun::service::server srv{ioc.get_executor(), pyfun::test::plain_test_options(), handler, nullptr,
                               logs.sink()};

    run_scenario(ioc, srv, [&]() -> net::awaitable<void> {
        auto client = co_await test_client::connect(srv.port());
        // Named first: GCC 12 cannot keep an initializer_list's array alive across co_await.
        pyfun::test::header_list const headers{{"X-Test", "Value"}, {"Authorization", "Bearer secret-token"}};
        auto const first = co_await client.request("POST", "/stage/1?token=hidden", "secret-body", headers);
        REQUIRE(!first.ec);
        CHECK(first.status == 200);
        CHECK(first.keep_alive);
        CHECK(first.body == "POST /stage/1?token=hidden\nValue\nsecret-body");
        CHECK(first.header("content-length") == std::to_string(first.body.size()));

        auto const second = co_await client.request("GET", "/second");
        REQUIRE(!second.ec);
        CHECK(second.status == 200);
        CHECK(second.body == "GET /second\n\n");
    });

    REQUIRE(logs.lines.size() == 2);
    auto const line = boost::json::parse(logs.lines[0]).as_object();
    CHECK(line.at("method") == "POST");
    CHECK(line.at("path") == "/stage/1");
    CHECK(line.at("status") == 200);
    CHECK(line.at("duration_ms").is_double());
    CHECK(line.at("remote").as_string().starts_with("127.0.0.1:"));
    CHECK(line.at("time").as_string().ends_with("Z"));
    CHECK_FALSE(line.contains("verdict"));
    CHECK_FALSE(logs.contains("secret"));
    CHECK_FALSE(logs.contains("hidden"));
}

TEST_CASE("the handler sees an upper-case method, the target, lower-case headers and the body", "[service]")
{
    net::io_context ioc;
    scripted_handler handler{ioc.get_executor(), 0ms};
    log_capture logs;
    pyfun::service::server srv{ioc.get_executor(), pyfun::test::plain_test_options(), handler, nullptr,
                               logs.sink()};

    run_scenario(ioc, srv, [&]() -> net::awaitable<void> {
        auto client = co_await test_client::connect(srv.port());
        co_await client.send(
            "post /echo?x=1 HTTP/1.1\r\nHost: a\r\nX-Mixed-Case: On\r\nContent-Length: 3\r\n\r\nabc");
        auto const reply = co_await client.read_reply();
        REQUIRE(!reply.ec);
        CHECK(reply.status == 200);
        auto const& seen = handler.last_request();
        CHECK(seen.method == "POST");
        CHECK(seen.path == "/echo?x=1");
        CHECK(seen.body == "abc");
        REQUIRE(seen.headers.count("x-mixed-case") == 1);
        CHECK(seen.headers.find("x-mixed-case")->second == "On");
    });
}

TEST_CASE("the response keeps repeated headers, gets real framing and never carries the verdict", "[service]")
{
    net::io_context ioc;
    scripted_handler handler{ioc.get_executor(), 0ms};
    log_capture logs;
    pyfun::service::server srv{ioc.get_executor(), pyfun::test::plain_test_options(), handler, nullptr,
                               logs.sink()};

    run_scenario(ioc, srv, [&]() -> net::awaitable<void> {
        auto client = co_await test_client::connect(srv.port());
        auto const reply = co_await client.request("GET", "/verdict");
        REQUIRE(!reply.ec);
        CHECK(reply.body == "ok");
        CHECK(reply.headers.count("set-cookie") == 2);
        CHECK(reply.header("content-length") == "2");
        CHECK(reply.keep_alive);
        for (auto const& [name, value] : reply.headers)
            CHECK(value.find("accepted") == std::string::npos);

        auto const again = co_await client.request("GET", "/after");  // the framing really was right
        CHECK(again.status == 200);
    });

    REQUIRE(!logs.lines.empty());
    CHECK(boost::json::parse(logs.lines[0]).as_object().at("verdict") == "accepted");
}

TEST_CASE("a client waiting for 100-continue gets it, then the answer", "[service]")
{
    net::io_context ioc;
    scripted_handler handler{ioc.get_executor(), 0ms};
    log_capture logs;
    pyfun::service::server srv{ioc.get_executor(), pyfun::test::plain_test_options(), handler, nullptr,
                               logs.sink()};

    run_scenario(ioc, srv, [&]() -> net::awaitable<void> {
        auto client = co_await test_client::connect(srv.port());
        co_await client.send(
            "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
        auto const go_on = co_await client.read_reply();
        REQUIRE(!go_on.ec);
        CHECK(go_on.status == 100);
        co_await client.send("hello");
        auto const reply = co_await client.read_reply();
        REQUIRE(!reply.ec);
        CHECK(reply.status == 200);
        CHECK(reply.body == "POST /echo\n\nhello");
    });
}

TEST_CASE("a body over the limit gets 413 and the connection closes", "[service]")
{
    net::io_context ioc;
    scripted_handler handler{ioc.get_executor(), 0ms};
    log_capture logs;
    pyfun::service::server srv{ioc.get_executor(), pyfun::test::plain_test_options(), handler, nullptr,
                               logs.sink()};

    std::string request;
    SECTION("announced by Content-Length (10 MB)")
    {
        request =
            "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 10485760\r\n\r\n" + std::string(10485760, 'a');
    }
    SECTION("sent in chunks (2 MB)")
    {
        request = "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
        std::string const chunk(64 * 1024, 'b');
        for (int i = 0; i < 32; ++i)
            request += "10000\r\n" + chunk + "\r\n";
        request += "0\r\n\r\n";
    }

    run_scenario(ioc, srv, [&]() -> net::awaitable<void> {
        auto client = co_await test_client::connect(srv.port());
        // Send and read at once: the server answers before the body has arrived.
        auto [send_ec, reply] = co_await (client.send(request) && client.read_reply());
        (void)send_ec;  // the server may close before taking everything; that is allowed
        REQUIRE(!reply.ec);
        CHECK(reply.status == 413);
        CHECK(reply.body == R"({"fail": true, "error": "request body too large"})");
        CHECK(reply.header("content-type") == "application/json");
        CHECK_FALSE(reply.keep_alive);
        client.close();
    });
    CHECK(handler.last_request().path.empty());  // the handler never saw it
}

TEST_CASE("oversized request headers get 431", "[service]")
{
    net::io_context ioc;
    scripted_handler handler{ioc.get_executor(), 0ms};
    log_capture logs;
    pyfun::service::server srv{ioc.get_executor(), pyfun::test::plain_test_options(), handler, nullptr,
                               logs.sink()};

    run_scenario(ioc, srv, [&]() -> net::awaitable<void> {
        auto client = co_await test_client::connect(srv.port());
        pyfun::test::header_list const headers{{"X-Big", std::string(20000, 'h')}};
        auto const reply = co_await client.request("GET", "/echo", "", headers);
        REQUIRE(!reply.ec);
        CHECK(reply.status == 431);
        CHECK_FALSE(reply.keep_alive);
        auto const end = co_await client.read_until_closed();
        CHECK(pyfun::test::closed_by_peer(end));
    });
}

TEST_CASE("garbage bytes get 400 and the connection closes", "[service]")
{
    net::io_context ioc;
    scripted_handler handler{ioc.get_executor(), 0ms};
    log_capture logs;
    pyfun::service::server srv{ioc.get_executor(), pyfun::test::plain_test_options(), handler, nullptr,
                               logs.sink()};

    run_scenario(ioc, srv, [&]() -> net::awaitable<void> {
        auto client = co_await test_client::connect(srv.port());
        co_await client.send(std::string{"\x01\x02\x03 not http at all\r\n\r\n"});
        auto const reply = co_await client.read_reply();
        REQUIRE(!reply.ec);
        CHECK(reply.status == 400);
        CHECK(reply.body == R"({"fail": true, "error": "malformed HTTP request"})");
        auto const end = co_await client.read_until_closed();
        CHECK(pyfun::test::closed_by_peer(end));
    });
    REQUIRE(logs.lines.size() == 1);
    CHECK(boost::json::parse(logs.lines[0]).as_object().at("status") == 400);
}

TEST_CASE("a connection that sends nothing is closed after the timeout", "[service][timeout]")
{
    auto opts = pyfun::test::plain_test_options();
    opts.read_timeout = 300ms;
    opts.idle_timeout = 300ms;
    net::io_context ioc;
    scripted_handler handler{ioc.get_executor(), 0ms};
    log_capture logs;
    pyfun::service::server srv{ioc.get_executor(), opts, handler, nullptr, logs.sink()};

    bool after_a_request = false;
    SECTION("a new connection") {}
    SECTION("a kept-alive connection after its first request")
    {
        after_a_request = true;
    }

    run_scenario(ioc, srv, [&]() -> net::awaitable<void> {
        auto client = co_await test_client::connect(srv.port());
        if (after_a_request) {
            auto const reply = co_await client.request("GET", "/echo");
            CHECK(reply.status == 200);
        }
        auto const start = std::chrono::steady_clock::now();
        auto const ec = co_await client.read_until_closed();
        CHECK(pyfun::test::closed_by_peer(ec));
        CHECK(since(start) >= 250ms);
        CHECK(since(start) < 3s);
    });
}

TEST_CASE("a client that leaves in the middle of a request does not hurt the server", "[service]")
{
    net::io_context ioc;
    scripted_handler handler{ioc.get_executor(), 0ms};
    log_capture logs;
    pyfun::service::server srv{ioc.get_executor(), pyfun::test::plain_test_options(), handler, nullptr,
                               logs.sink()};

    run_scenario(ioc, srv, [&]() -> net::awaitable<void> {
        {
            auto leaver = co_await test_client::connect(srv.port());
            co_await leaver.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nonly a part");
            leaver.close();
        }
        {
            auto half_header = co_await test_client::connect(srv.port());
            co_await half_header.send("GET /echo HTTP/1.1\r\nHost: a\r\nX-Te");
            half_header.close();
        }
        auto client = co_await test_client::connect(srv.port());
        auto const reply = co_await client.request("GET", "/next");
        REQUIRE(!reply.ec);
        CHECK(reply.status == 200);
        CHECK(reply.body == "GET /next\n\n");
    });
    CHECK(handler.last_request().path == "/next");
}

TEST_CASE("connections beyond max_connections get 503 server busy", "[service]")
{
    auto opts = pyfun::test::plain_test_options();
    opts.max_connections = 2;
    opts.error_headers.emplace("access-control-allow-origin", "*");
    net::io_context ioc;
    scripted_handler handler{ioc.get_executor(), 0ms};
    log_capture logs;
    pyfun::service::server srv{ioc.get_executor(), opts, handler, nullptr, logs.sink()};

    run_scenario(ioc, srv, [&]() -> net::awaitable<void> {
        auto first = co_await test_client::connect(srv.port());
        auto second = co_await test_client::connect(srv.port());
        auto const one = co_await first.request("GET", "/one");
        auto const two = co_await second.request("GET", "/two");
        CHECK(one.status == 200);
        CHECK(two.status == 200);

        auto third = co_await test_client::connect(srv.port());
        auto const refused = co_await third.request("GET", "/three");
        REQUIRE(!refused.ec);
        CHECK(refused.status == 503);
        CHECK(refused.body == busy_body);
        CHECK_FALSE(refused.keep_alive);
        CHECK(refused.header("access-control-allow-origin") == "*");
        auto const end = co_await third.read_until_closed();
        CHECK(pyfun::test::closed_by_peer(end));

        auto const one_again = co_await first.request("GET", "/one-again");
        auto const two_again = co_await second.request("GET", "/two-again");
        CHECK(one_again.status == 200);
        CHECK(two_again.status == 200);
    });
    CHECK(handler.last_request().path == "/two-again");
    CHECK(logs.contains("server busy"));
}

TEST_CASE("a throwing handler gives 500 without details and the connection keeps serving", "[service]")
{
    net::io_context ioc;
    scripted_handler handler{ioc.get_executor(), 0ms};
    log_capture logs;
    pyfun::service::server srv{ioc.get_executor(), pyfun::test::plain_test_options(), handler, nullptr,
                               logs.sink()};

    run_scenario(ioc, srv, [&]() -> net::awaitable<void> {
        auto client = co_await test_client::connect(srv.port());
        auto const failed = co_await client.request("GET", "/boom");
        REQUIRE(!failed.ec);
        CHECK(failed.status == 500);
        CHECK(failed.body == R"({"fail": true, "error": "internal error"})");
        CHECK(failed.body.find("secret") == std::string::npos);
        CHECK(failed.keep_alive);

        auto const next = co_await client.request("GET", "/after-boom");
        CHECK(next.status == 200);
        auto other = co_await test_client::connect(srv.port());
        auto const elsewhere = co_await other.request("GET", "/other");
        CHECK(elsewhere.status == 200);
    });
    CHECK(logs.contains("secret internal detail 42"));  // the operator sees it; the client did not
}

TEST_CASE("stop() lets an in-flight request finish, closes idle connections, then run() returns",
          "[service][timeout]")
{
    auto opts = pyfun::test::plain_test_options();
    opts.shutdown_grace = 10s;
    net::io_context ioc;
    scripted_handler handler{ioc.get_executor(), 500ms};
    log_capture logs;
    pyfun::service::server srv{ioc.get_executor(), opts, handler, nullptr, logs.sink()};
    auto const port = srv.port();

    auto const start = std::chrono::steady_clock::now();
    run_scenario(ioc, srv, [&]() -> net::awaitable<void> {
        auto idle = co_await test_client::connect(port);
        auto const warm_up = co_await idle.request("GET", "/warm-up");
        CHECK(warm_up.status == 200);

        auto busy = co_await test_client::connect(port);
        co_await busy.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
        co_await handler.slow_started();
        srv.stop();

        auto const closed = co_await idle.read_until_closed();
        CHECK(pyfun::test::closed_by_peer(closed));
        CHECK(handler.slow_finished_count() ==
              0);  // the idle one went first, without waiting for the slow one

        auto const reply = co_await busy.read_reply();
        REQUIRE(!reply.ec);
        CHECK(reply.status == 200);
        CHECK(reply.body == "done /slow");
        CHECK_FALSE(reply.keep_alive);

        bool refused = false;
        try {
            co_await test_client::connect(port);
        }
        catch (boost::system::system_error const&) {
            refused = true;
        }
        CHECK(refused);
    });
    CHECK(handler.slow_finished_count() == 1);
    CHECK(since(start) < 5s);  // nowhere near the grace period
}

TEST_CASE("after the grace period stop() closes what remains and cancels its handler", "[service][timeout]")
{
    auto opts = pyfun::test::plain_test_options();
    opts.shutdown_grace = 200ms;
    net::io_context ioc;
    scripted_handler handler{ioc.get_executor(), 60s};
    log_capture logs;
    pyfun::service::server srv{ioc.get_executor(), opts, handler, nullptr, logs.sink()};

    auto const start = std::chrono::steady_clock::now();
    run_scenario(ioc, srv, [&]() -> net::awaitable<void> {
        auto busy = co_await test_client::connect(srv.port());
        co_await busy.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
        co_await handler.slow_started();
        srv.stop();
        auto const reply = co_await busy.read_reply();
        INFO(reply.ec.message());
        CHECK(pyfun::test::closed_by_peer(reply.ec));
    });
    CHECK(handler.slow_finished_count() == 0);
    CHECK(since(start) < 10s);
    CHECK(logs.contains("shutdown grace period over"));
    CHECK_FALSE(logs.contains("handler failed"));  // cancelling it on purpose is not a bug
    CHECK_FALSE(logs.contains("session failed"));
}

TEST_CASE("a slow request on one connection does not delay a fast one on another", "[service][timeout]")
{
    net::io_context ioc;
    scripted_handler handler{ioc.get_executor(), 2000ms};
    log_capture logs;
    pyfun::service::server srv{ioc.get_executor(), pyfun::test::plain_test_options(), handler, nullptr,
                               logs.sink()};

    run_scenario(ioc, srv, [&]() -> net::awaitable<void> {
        auto slow = co_await test_client::connect(srv.port());
        auto fast = co_await test_client::connect(srv.port());
        co_await slow.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
        co_await handler.slow_started();

        auto const start = std::chrono::steady_clock::now();
        auto const quick = co_await fast.request("GET", "/fast");
        CHECK(quick.status == 200);
        CHECK(since(start) < 1000ms);
        CHECK(handler.slow_finished_count() == 0);

        auto const late = co_await slow.read_reply();
        CHECK(late.status == 200);
        CHECK(late.body == "done /slow");
    });
}

TEST_CASE("the server binds an ephemeral port and refuses a busy address clearly", "[service]")
{
    net::io_context ioc;
    scripted_handler handler{ioc.get_executor(), 0ms};
    pyfun::service::server first{ioc.get_executor(), pyfun::test::plain_test_options(), handler, nullptr};
    CHECK(first.port() != 0);
    CHECK(first.local_endpoint().address().to_string() == "127.0.0.1");

    auto taken = pyfun::test::plain_test_options();
    taken.port = first.port();
    CHECK_THROWS_WITH((pyfun::service::server{ioc.get_executor(), taken, handler, nullptr}),
                      Catch::Contains("cannot listen on 127.0.0.1:" + std::to_string(first.port())));

    auto tls_missing = pyfun::test::plain_test_options();
    tls_missing.plain_http = false;
    CHECK_THROWS_AS((pyfun::service::server{ioc.get_executor(), tls_missing, handler, nullptr}),
                    std::invalid_argument);
}
