// The real pyfun-server: the page on by default, --no-playground and PYFUN_PLAYGROUND=0 turn it off without
// changing the API, --watch reloads edited lessons and is refused for GitHub sources.

#include "browser/lesson_copy.hpp"
#include "service/test_client.hpp"
#include "support/child_process.hpp"
#include "support/run_sync.hpp"

#include <boost/json/parse.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace json = boost::json;
using namespace std::chrono_literals;
using pyfun::test::http_reply;

namespace {

std::string const server_binary = std::string{PYFUN_BIN_DIR} + "/pyfun-server";

class plain_server {
public:
    plain_server(std::string const& lessons, std::vector<std::string> extra, std::vector<std::string> env = {})
        : process_{server_binary, arguments(lessons, std::move(extra)), std::move(env)}
    {
        auto const banner = process_.wait_for_line(
            [](std::string const& line) { return line.starts_with("pyfun-server: serving "); }, 60s);
        REQUIRE(banner.has_value());
        auto const port = pyfun::test::port_from_banner(*banner);
        REQUIRE(port.has_value());
        port_ = *port;
    }

    http_reply get(std::string target)
    {
        return pyfun::test::run_sync([](unsigned short port, std::string path) -> boost::asio::awaitable<http_reply> {
            auto client = co_await pyfun::test::test_client::connect(port);
            auto reply = co_await client.request("GET", std::move(path));
            co_return reply;
        }(port_, std::move(target)));
    }

    pyfun::test::child_process& process() { return process_; }

private:
    static std::vector<std::string> arguments(std::string const& lessons, std::vector<std::string> extra)
    {
        std::vector<std::string> args{"--plain-http", "--listen", "127.0.0.1:0", "--lessons", "dir:" + lessons};
        args.insert(args.end(), extra.begin(), extra.end());
        return args;
    }

    pyfun::test::child_process process_;
    unsigned short port_ = 0;
};

}  // namespace

TEST_CASE("pyfun-server serves the playground by default; --no-playground and PYFUN_PLAYGROUND=0 turn it off",
          "[service][playground][e2e]")
{
    pyfun::test::lesson_copy lessons;
    plain_server with_page{lessons.root().string(), {}};
    auto const page = with_page.get("/play");
    CHECK(page.status == 200);
    CHECK(page.header("content-type") == "text/html; charset=utf-8");
    CHECK(page.header("content-security-policy").starts_with("default-src 'self';"));
    CHECK(with_page.get("/play/play.js").header("content-type") == "text/javascript; charset=utf-8");
    CHECK(with_page.get("/play/missing.png").status == 404);

    struct variant {
        std::vector<std::string> flags, env;
    };
    for (auto const& off : {variant{{"--no-playground"}, {}}, variant{{}, {"PYFUN_PLAYGROUND=0"}}}) {
        plain_server without_page{lessons.root().string(), off.flags, off.env};
        auto const missing = without_page.get("/play");
        CHECK(missing.status == 404);
        CHECK(json::parse(missing.body).at("error") == "no such route");  // the API's own answer: no page here
        for (auto const* path : {"/", "/stage", "/stage/basics", "/stage/basics/hello", "/stage/basics/broken"}) {
            CAPTURE(path);
            auto const a = with_page.get(path);
            auto const b = without_page.get(path);
            CHECK(a.status == b.status);
            CHECK(a.body == b.body);
            CHECK(a.header("content-type") == b.header("content-type"));
        }
    }
}

TEST_CASE("pyfun-server --watch serves an edited lesson without a restart", "[service][watch][e2e]")
{
    pyfun::test::lesson_copy lessons;
    plain_server server{lessons.root().string(), {"--watch"}};
    REQUIRE(server.process().wait_for_line([](auto const& l) { return l.starts_with("pyfun-server: watching "); }));
    CHECK(json::parse(server.get("/play/problems").body).at("watch") == true);

    lessons.write("basics/s1_hello.json",
                  R"json({"title": "Saved again", "code": ["print(_____)"], "expect": {"stdout": ["1\n"]}})json");
    // The server says when it has reloaded; the answer right after must be the new lesson.
    REQUIRE(server.process().wait_for_line([](auto const& l) { return l.starts_with("pyfun-server: reloaded dir:"); }));
    auto const lesson = json::parse(server.get("/stage/basics/hello").body);
    CHECK(lesson.at("data").at("title") == "Saved again");
}

TEST_CASE("pyfun-server refuses --watch for a GitHub lesson source", "[service][watch][e2e]")
{
    pyfun::test::child_process server{server_binary,
                                      {"--plain-http", "--listen", "127.0.0.1:0", "--lessons", "github:o/r", "--watch"}};
    auto const refused =
        server.wait_for_line([](auto const& l) { return l.find("dir: lesson sources only") != std::string::npos; });
    CHECK(refused.has_value());
    CHECK(server.wait_exit(20s) == 2);
}

TEST_CASE("pyfun-server --help explains the playground and --watch", "[service][playground]")
{
    pyfun::test::child_process help{server_binary, {"--help"}};
    REQUIRE(help.wait_exit(20s) == 0);
    std::string text;
    for (auto const& line : help.lines())
        text += line + "\n";
    CHECK(text.find("--no-playground") != std::string::npos);
    CHECK(text.find("PYFUN_PLAYGROUND") != std::string::npos);
    CHECK(text.find("PYFUN_WATCH") != std::string::npos);
    CHECK(text.find("(dir: sources only)") != std::string::npos);
    CHECK(text.find("/play") != std::string::npos);
}
