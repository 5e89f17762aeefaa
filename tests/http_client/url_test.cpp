// URL splitting and Location resolution of the HTTP client, including hostile input.

#include "lib/http_client/client_error.hpp"
#include "lib/http_client/url.hpp"

#include <catch2/catch.hpp>

using pyfun::http_client::client_errc;
using pyfun::http_client::parse_url;
using pyfun::http_client::resolve_location;

TEST_CASE("absolute https and http URLs split into origin and target", "[http_client]")
{
    auto const github = parse_url("https://api.github.com/repos/o/r/commits/main");
    REQUIRE(github.has_value());
    CHECK(github->where.tls);
    CHECK(github->where.host == "api.github.com");
    CHECK(github->where.port == 443);
    CHECK(github->where.host_header() == "api.github.com");
    CHECK(github->target == "/repos/o/r/commits/main");

    auto const local = parse_url("http://127.0.0.1:8080/x?a=1&b=2#fragment");
    REQUIRE(local.has_value());
    CHECK_FALSE(local->where.tls);
    CHECK(local->where.port == 8080);
    CHECK(local->where.host_header() == "127.0.0.1:8080");
    CHECK(local->target == "/x?a=1&b=2");

    auto const v6 = parse_url("https://[::1]:8443");
    REQUIRE(v6.has_value());
    CHECK(v6->where.host == "::1");
    CHECK(v6->where.host_header() == "[::1]:8443");
    CHECK(v6->target == "/");

    auto const upper = parse_url("HTTPS://API.GitHub.COM/x");
    REQUIRE(upper.has_value());
    CHECK(upper->where.host == "api.github.com");
    CHECK(upper->where.key() == parse_url("https://api.github.com:443/y")->where.key());
}

TEST_CASE("anything but an absolute http(s) URL with a host is refused", "[http_client]")
{
    auto const bad =
        GENERATE(as<std::string>{}, "", "api.github.com/x", "/relative", "ftp://host/x", "file:///etc/passwd",
                 "https://user:pass@host/x", "https:///x", "https://host:99999/x", "https://host:0/",
                 "https://ho st/x", "https://host/\r\nX-Injected: 1", "javascript:alert(1)");
    INFO(bad);
    auto const parsed = parse_url(bad);
    REQUIRE(parsed.has_error());
    CHECK(parsed.error() == client_errc::bad_url);
}

TEST_CASE("Location headers resolve against the URL that answered", "[http_client]")
{
    CHECK(resolve_location("https://a.test/repos/o/r/contents/x?ref=1", "/repositories/9/contents/x?ref=1")
              .value() == "https://a.test/repositories/9/contents/x?ref=1");
    CHECK(resolve_location("https://a.test/a/b", "c").value() == "https://a.test/a/c");
    CHECK(resolve_location("https://a.test/a/b", "https://b.test/z#frag").value() == "https://b.test/z");
    CHECK(resolve_location("https://a.test/a/b", "//c.test/p").value() == "https://c.test/p");
    CHECK(resolve_location("https://a.test/a/b", "http://[bad").has_error());
}
