// The bytes pyfun-server writes for a core::response: checked as text, and read back with Beast's own
// parser, which must find the same status, headers and body.

#include "service/wire_response.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <catch2/catch.hpp>

namespace {

namespace http = boost::beast::http;
using pyfun::service::detail::to_wire;

pyfun::core::response json_response(unsigned status, std::string body)
{
    pyfun::core::response res;
    res.status = status;
    res.headers.emplace("content-type", "application/json");
    res.body = std::move(body);
    return res;
}

// Parses head + body as a client would (for an answer to a GET, or to a HEAD when `head_request`).
http::response<http::string_body> parsed(pyfun::service::detail::wire_response const& wire, bool head_request)
{
    http::response_parser<http::string_body> parser;
    parser.skip(head_request);
    boost::system::error_code ec;
    auto const bytes = wire.head + wire.body;
    std::size_t used = 0;  // put() takes the header first, then the body
    while (!parser.is_done() && used < bytes.size() && !ec)
        used += parser.put(boost::asio::buffer(bytes.data() + used, bytes.size() - used), ec);
    REQUIRE_FALSE(ec);
    CHECK(used == bytes.size());
    if (!parser.is_done())
        parser.put_eof(ec);  // no length and no body: the end of the connection ends it
    REQUIRE_FALSE(ec);
    REQUIRE(parser.is_done());
    return parser.release();
}

}  // namespace

TEST_CASE("a response goes out as a status line, its headers, its length and its body", "[service][wire]")
{
    auto const wire = to_wire(json_response(200, R"({"ok":true})"), 11, true, false);
    CHECK(wire.head ==
          "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nContent-Length: 11\r\n\r\n");
    CHECK(wire.body == R"({"ok":true})");
    auto const back = parsed(wire, false);
    CHECK(back.result_int() == 200);
    CHECK(back[http::field::content_type] == "application/json");
    CHECK(back.body() == R"({"ok":true})");
    CHECK(back.keep_alive());
}

TEST_CASE("framing is ours: a handler's framing headers and headers that could split the answer are dropped",
          "[service][wire]")
{
    auto res = json_response(404, "{}");
    res.headers.emplace("content-length", "9999");
    res.headers.emplace("transfer-encoding", "chunked");
    res.headers.emplace("connection", "upgrade");
    res.headers.emplace("x-split", "a\r\nset-cookie: evil=1");
    res.headers.emplace("x-nul", std::string{"a\0b", 3});
    res.headers.emplace("x-fine", "yes");
    auto const wire = to_wire(std::move(res), 11, true, false);
    CHECK(wire.head ==
          "HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\nx-fine: yes\r\nContent-Length: 2\r\n\r\n");
    auto const back = parsed(wire, false);
    CHECK(back.body() == "{}");
    CHECK(back.find("set-cookie") == back.end());
}

TEST_CASE("HEAD answers announce the length they do not send; 204 and 304 have no length at all", "[service][wire]")
{
    auto const head = to_wire(json_response(200, "12345"), 11, true, true);
    CHECK(head.body.empty());
    CHECK_THAT(head.head, Catch::Contains("Content-Length: 5\r\n"));
    CHECK(parsed(head, true).result_int() == 200);

    for (unsigned const status : {204u, 304u}) {
        auto const wire = to_wire(json_response(status, "ignored"), 11, true, false);
        CHECK(wire.body.empty());
        CHECK_THAT(wire.head, !Catch::Contains("Content-Length"));
        CHECK(parsed(wire, false).result_int() == status);
    }
}

TEST_CASE("keep-alive follows the HTTP version's default", "[service][wire]")
{
    auto const closing = to_wire(json_response(200, "{}"), 11, false, false);
    CHECK_THAT(closing.head, Catch::Contains("\r\nConnection: close\r\n"));
    CHECK_FALSE(parsed(closing, false).keep_alive());

    auto const old_kept = to_wire(json_response(200, "{}"), 10, true, false);
    CHECK(old_kept.head.starts_with("HTTP/1.0 200 OK\r\n"));
    CHECK_THAT(old_kept.head, Catch::Contains("\r\nConnection: keep-alive\r\n"));
    CHECK(parsed(old_kept, false).keep_alive());

    auto const old_closing = to_wire(json_response(200, "{}"), 10, false, false);
    CHECK_THAT(old_closing.head, !Catch::Contains("Connection"));
    CHECK_FALSE(parsed(old_closing, false).keep_alive());
}
