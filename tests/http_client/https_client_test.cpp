// The HTTPS client against the fake GitHub on 127.0.0.1: verification, keep-alive, limits, timeouts,
// redirects and broken connections.

#include "github/github_test_support.hpp"

#include "lib/http_client/client_error.hpp"
#include "lib/http_client/https_client.hpp"
#include "support/fake_github.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include <catch2/catch.hpp>

#include <chrono>

namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;
using pyfun::http_client::client;
using pyfun::http_client::client_errc;
using pyfun::http_client::client_options;
using pyfun::http_client::incoming_response;
using pyfun::http_client::outgoing_request;
using pyfun::test::fake_fault;
using pyfun::test::fake_github;
using pyfun::test::run_in;
using fetch_result = boost::system::result<incoming_response>;

struct client_fixture {
    client_fixture() { fake.push(pyfun::test::lesson_repository(1, 1)); }

    client_options trusting(client_options options = {}) const
    {
        options.ca_file = fake.ca_file();
        return options;
    }

    std::string commits_url(std::string const& base) const
    {
        return base + "/repos/acme/lessons/commits/main";
    }

    fetch_result fetch(client& c, outgoing_request request)
    {
        return run_in(ioc, c.fetch(std::move(request)));
    }

    outgoing_request get(std::string url) const
    {
        outgoing_request request;
        request.url = std::move(url);
        request.headers.emplace("accept", "application/vnd.github.sha");
        request.headers.emplace("authorization", "Bearer secret-token");
        return request;
    }

    fake_github fake;
    net::io_context ioc;
};

std::chrono::milliseconds since(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
}

}  // namespace

TEST_CASE_METHOD(client_fixture, "two fetches to one origin share one verified, kept-alive TLS connection",
                 "[http_client]")
{
    client c{ioc.get_executor(), trusting()};
    auto const first = fetch(c, get(commits_url(fake.api_url())));
    auto const second = fetch(c, get(commits_url(fake.api_url())));
    REQUIRE(first.has_value());
    REQUIRE(second.has_value());
    CHECK(first->status == 200);
    CHECK(first->body == fake.head());
    CHECK(first->header("etag") == "\"" + fake.head() + "\"");
    CHECK(first->url == commits_url(fake.api_url()));
    CHECK(second->status == 200);
    CHECK(fake.connections() == 1);
    CHECK(c.connections_opened() == 1);
    CHECK(c.idle_connections() == 1);
    auto const seen = fake.requests();
    REQUIRE(seen.size() == 2);
    CHECK(seen[0].header("host") == "127.0.0.1:" + std::to_string(fake.port()));
}

TEST_CASE_METHOD(client_fixture, "the system CA store does not trust the fake's self-signed certificate",
                 "[http_client]")
{
    client c{ioc.get_executor(), client_options{}};
    auto const result = fetch(c, get(commits_url(fake.api_url())));
    REQUIRE(result.has_error());
    CHECK(fake.count() == 0);  // refused during the handshake: nothing was sent
}

TEST_CASE_METHOD(client_fixture, "a host name that the certificate does not name is refused", "[http_client]")
{
    // "127.1" reaches 127.0.0.1 through getaddrinfo, but the certificate names only localhost and 127.0.0.1.
    client c{ioc.get_executor(), trusting()};
    auto const result = fetch(c, get(commits_url("https://127.1:" + std::to_string(fake.port()))));
    REQUIRE(result.has_error());
    CHECK(fake.count() == 0);
}

TEST_CASE_METHOD(client_fixture, "a CA file that cannot be loaded is a clear start-up error", "[http_client]")
{
    client_options options;
    options.ca_file = "/nonexistent/ca.pem";
    CHECK_THROWS_WITH(client(ioc.get_executor(), options), Catch::Contains("/nonexistent/ca.pem"));
}

TEST_CASE_METHOD(client_fixture, "response bodies and headers above their caps are errors", "[http_client]")
{
    client_options small_body = trusting();
    small_body.max_body_bytes = 10;
    client body_capped{ioc.get_executor(), small_body};
    auto const body = fetch(body_capped, get(commits_url(fake.api_url())));
    REQUIRE(body.has_error());
    CHECK(body.error() == boost::beast::http::error::body_limit);

    client_options small_header = trusting();
    small_header.max_header_bytes = 100;
    client header_capped{ioc.get_executor(), small_header};
    auto const header = fetch(header_capped, get(commits_url(fake.api_url())));
    REQUIRE(header.has_error());
    CHECK(header.error() == boost::beast::http::error::header_limit);
}

TEST_CASE_METHOD(client_fixture, "a slow answer is cut off by the step timeout and by the overall deadline",
                 "[http_client][timeout]")
{
    fake.add_fault("/commits/", fake_fault::latency(3s), 2);

    client_options step = trusting();
    step.io_timeout = 200ms;
    client step_limited{ioc.get_executor(), step};
    auto start = std::chrono::steady_clock::now();
    auto const by_step = fetch(step_limited, get(commits_url(fake.api_url())));
    REQUIRE(by_step.has_error());
    CHECK(by_step.error() == boost::beast::error::timeout);
    CHECK(since(start) < 2s);

    client overall{ioc.get_executor(), trusting()};
    auto request = get(commits_url(fake.api_url()));
    request.deadline = std::chrono::steady_clock::now() + 300ms;
    start = std::chrono::steady_clock::now();
    auto const by_deadline = fetch(overall, request);
    REQUIRE(by_deadline.has_error());
    CHECK(by_deadline.error() == boost::beast::error::timeout);
    CHECK(since(start) < 2s);
}

TEST_CASE_METHOD(client_fixture,
                 "redirects keep Authorization within the origin and drop it for another host",
                 "[http_client]")
{
    auto const path = "/repos/acme/lessons/contents/stage_1/stage.json";
    fake.add_fault("/moved/", fake_fault::redirect_to(302, path + std::string{"?ref=main"}));
    fake.add_fault(path, fake_fault::redirect_to(307, fake.alias_url() + path + "?ref=main"));

    client c{ioc.get_executor(), trusting()};
    auto request = get(fake.api_url() + "/moved/x");
    request.headers.find("accept")->second = "application/vnd.github.raw+json";
    auto const result = fetch(c, request);
    REQUIRE(result.has_value());
    CHECK(result->status == 200);
    CHECK(result->body == pyfun::test::stage_json(1, "Stage 1"));
    CHECK(result->url == fake.alias_url() + path + "?ref=main");
    REQUIRE(result->redirects.size() == 2);
    CHECK(result->redirects[0].first == 302);
    CHECK(result->redirects[1].first == 307);

    auto const seen = fake.requests();
    REQUIRE(seen.size() == 3);
    CHECK(seen[0].header("authorization") == "Bearer secret-token");
    CHECK(seen[1].header("authorization") == "Bearer secret-token");  // same origin: still ours
    CHECK(seen[1].query == "ref=main");
    CHECK(seen[2].header("host") == "localhost:" + std::to_string(fake.port()));
    CHECK_FALSE(seen[2].has_header("authorization"));
    CHECK(seen[2].header("accept") == "application/vnd.github.raw+json");
}

TEST_CASE_METHOD(client_fixture,
                 "a redirect loop ends after max_redirects and https never falls back to http",
                 "[http_client]")
{
    client_options options = trusting();
    options.max_redirects = 3;
    client c{ioc.get_executor(), options};
    fake.add_fault("/loop", fake_fault::redirect_to(301, "/loop"), -1);
    auto const loop = fetch(c, get(fake.api_url() + "/loop"));
    REQUIRE(loop.has_error());
    CHECK(loop.error() == client_errc::too_many_redirects);
    CHECK(fake.count("/loop") == 4);

    fake.add_fault("/down",
                   fake_fault::redirect_to(301, "http://127.0.0.1:" + std::to_string(fake.port()) + "/x"));
    auto const downgrade = fetch(c, get(fake.api_url() + "/down"));
    REQUIRE(downgrade.has_error());
    CHECK(downgrade.error() == client_errc::insecure_redirect);
}

TEST_CASE_METHOD(client_fixture,
                 "resets and truncated bodies are errors; a dead kept-alive connection is retried once",
                 "[http_client]")
{
    client c{ioc.get_executor(), trusting()};
    fake.add_fault("/commits/", fake_fault::connection_reset());
    auto const reset = fetch(c, get(commits_url(fake.api_url())));
    CHECK(reset.has_error());
    CHECK(fake.count("/commits/") == 1);  // a fresh connection is not retried: the server saw the request

    fake.add_fault("/commits/", fake_fault::truncated_body());
    auto const truncated = fetch(c, get(commits_url(fake.api_url())));
    REQUIRE(truncated.has_error());
    // Over TLS a close without close_notify surfaces as stream_truncated rather than a partial message.
    CHECK((truncated.error() == boost::beast::http::error::partial_message ||
           truncated.error() == boost::asio::ssl::error::stream_truncated));

    auto const fine = fetch(c, get(commits_url(fake.api_url())));
    REQUIRE(fine.has_value());
    REQUIRE(c.idle_connections() == 1);
    // The kept-alive connection dies under the next request before any answer: one retry on a new one.
    fake.add_fault("/commits/", fake_fault::connection_reset());
    auto const retried = fetch(c, get(commits_url(fake.api_url())));
    REQUIRE(retried.has_value());
    CHECK(retried->status == 200);
    CHECK(fake.count("/commits/") == 5);
}

TEST_CASE_METHOD(client_fixture, "line breaks in a request header are refused before anything is sent",
                 "[http_client]")
{
    client c{ioc.get_executor(), trusting()};
    auto request = get(commits_url(fake.api_url()));
    request.headers.emplace("x-evil", "a\r\nX-Injected: yes");
    auto const result = fetch(c, request);
    REQUIRE(result.has_error());
    CHECK(result.error() == client_errc::bad_header);
    CHECK(fake.count() == 0);
}
