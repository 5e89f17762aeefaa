// End-to-end: the real pyfun-server binary on 127.0.0.1 (ephemeral port), over TLS and plain HTTP, serving the
// bundled lessons and judging answers in the real sandbox.

#include "lib/base64.hpp"
#include "lib/folder_source.hpp"

#include "sandbox/sandbox_support.hpp"
#include "service/test_client.hpp"
#include "support/child_process.hpp"
#include "support/read_file.hpp"
#include "support/run_sync.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

namespace json = boost::json;
namespace net = boost::asio;
using namespace std::chrono_literals;
using pyfun::test::http_reply;
using pyfun::test::run_sync;
using pyfun::test::test_client;

namespace {

std::filesystem::path const lessons_dir = std::filesystem::path{PYFUN_SOURCE_DIR} / "lessons";

// One pyfun-server process; the port comes from its start-up banner.
class server_process {
public:
    // `environment`: "NAME=value" entries added to ours.
    explicit server_process(bool tls, std::vector<std::string> extra_args = {},
                            std::vector<std::string> const& environment = {})
        : tls_{tls}, process_{binary(), arguments(tls, std::move(extra_args)), environment}
    {
        auto const banner = process_.wait_for_line(
            [](std::string const& line) { return line.starts_with("pyfun-server: serving "); });
        REQUIRE(banner.has_value());
        auto const port = pyfun::test::port_from_banner(*banner);
        REQUIRE(port.has_value());
        port_ = *port;
    }

    unsigned short port() const { return port_; }
    bool tls() const { return tls_; }
    pyfun::test::child_process& process() { return process_; }

    // One request on a fresh connection.
    http_reply call(std::string method, std::string target, std::string body = {},
                    pyfun::test::header_list headers = {})
    {
        return run_sync(request(std::move(method), std::move(target), std::move(body), std::move(headers)));
    }

    net::awaitable<http_reply> request(std::string method, std::string target, std::string body = {},
                                       pyfun::test::header_list headers = {})
    {
        auto context = pyfun::test::client_tls_context();
        auto client = co_await test_client::connect(port_, tls_ ? &context : nullptr);
        auto reply = co_await client.request(std::move(method), std::move(target), std::move(body), std::move(headers));
        co_return reply;
    }

private:
    static std::string binary() { return std::string{PYFUN_BIN_DIR} + "/pyfun-server"; }

    static std::vector<std::string> arguments(bool tls, std::vector<std::string> extra)
    {
        std::vector<std::string> args{"--listen", "127.0.0.1:0"};
        if (!tls)
            args.emplace_back("--plain-http");
        args.insert(args.end(), extra.begin(), extra.end());
        return args;
    }

    bool tls_;
    pyfun::test::child_process process_;
    unsigned short port_ = 0;
};

json::value json_of(http_reply const& reply) { return json::parse(reply.body); }

std::string answer_body(std::vector<std::string> const& values)
{
    json::object answer;
    for (std::size_t i = 0; i < values.size(); ++i)
        answer["field_" + std::to_string(i + 1)] = values[i];
    return json::serialize(json::object{{"answer", std::move(answer)}});
}

// Waits until the server reports a learner program running (/healthz runs.active), polling briefly. Its
// children cannot tell: the runs it keeps started ahead of need are children too.
bool wait_for_active_run(server_process& server, std::chrono::milliseconds limit)
{
    auto const deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        auto const health = server.call("GET", "/healthz");
        if (health.status == 200 && json_of(health).at("runs").at("active").to_number<int>() > 0)
            return true;
        std::this_thread::sleep_for(10ms);
    }
    return false;
}

// A learner answer for basics/hello_python that prints the right text after sleeping.
std::vector<std::string> sleeping_hello(int seconds)
{
    return {"(__import__('time').sleep(" + std::to_string(seconds) + ") or print)", "Hello Python"};
}

}  // namespace

TEST_CASE("pyfun-server serves every route with the frontend's shapes, over TLS and plain HTTP", "[e2e][service]")
{
    bool const tls = GENERATE(false, true);
    server_process server{tls};

    auto const root = server.call("GET", "/");
    REQUIRE(root.status == 200);
    CHECK(json_of(root).at("success") == true);

    auto const stages = server.call("GET", "/stage");
    REQUIRE(stages.status == 200);
    CHECK(stages.header("content-type") == "application/json");
    CHECK(stages.header("access-control-allow-origin") == "*");
    auto const stage_map = json_of(stages).at("data").as_object();
    REQUIRE(stage_map.size() >= 4);
    CHECK(stage_map.at("basics").at("index") == 1);
    CHECK(stage_map.at("basics").at("url") == "/stage/basics/");

    auto const lessons = server.call("GET", "/stage/basics");
    REQUIRE(lessons.status == 200);
    auto const lesson_map = json_of(lessons).at("data").as_object();
    CHECK(lesson_map.at("hello_python").at("index") == "1");
    CHECK(lesson_map.at("hello_python").at("url") == "/stage/basics/hello_python");

    auto const detail = server.call("GET", "/stage/basics/hello_python/");
    REQUIRE(detail.status == 200);
    auto const lesson = json_of(detail).at("data").as_object();
    CHECK(lesson.at("title") == "Hello Python");
    CHECK(lesson.at("fields") == json::parse(R"J(["field_1", "field_2"])J"));
    CHECK(lesson.at("code").is_array());
    CHECK(lesson.at("description").is_array());

    auto const verify = server.call("POST", "/stage/basics/hello_python", answer_body({"print", "Hello Python"}),
                                    {{"Content-Type", "application/json"}});
    REQUIRE(verify.status == 200);
    auto const data = json_of(verify).at("data").as_object();
    CHECK(data.at("result") == true);
    CHECK(data.at("stdout") == json::parse(R"J(["Hello Python\n"])J"));
    CHECK(data.at("stderr").as_array().empty());
    CHECK(data.at("verdict") == "accepted");
    CHECK(data.at("time_ms").is_int64());

    auto const health = server.call("GET", "/healthz");
    REQUIRE(health.status == 200);
    CHECK(json_of(health).at("status") == "ok");
    CHECK(json_of(health).at("lessons").as_string().starts_with("dir:"));
    CHECK(json_of(health).at("sandbox").is_array());

    auto const log = server.process().wait_for_line([](std::string const& line) {
        return line.find("\"method\": \"POST\"") != std::string::npos &&
               line.find("\"verdict\": \"accepted\"") != std::string::npos;
    });
    CHECK(log.has_value());
}

TEST_CASE("bundled lessons accept their solution and reject a wrong answer over HTTP", "[e2e][service]")
{
    server_process server{false};
    auto source = pyfun::core::folder_source::open(lessons_dir);
    REQUIRE(source.has_value());
    auto const index = run_sync((*source)->get_catalog());
    REQUIRE(index.has_value());

    int checked = 0;
    for (auto const& stage : (*index)->stages) {
        auto const& first = stage.lessons.front();
        auto const lesson = run_sync((*source)->get_lesson(stage.stage.name, first.name));
        REQUIRE(lesson.has_value());
        REQUIRE((*lesson)->solution.has_value());
        auto const path = "/stage/" + stage.stage.name + "/" + first.name;

        auto const right = server.call("POST", path, answer_body(*(*lesson)->solution));
        REQUIRE(right.status == 200);
        CHECK(json_of(right).at("data").at("result") == true);

        std::vector<std::string> const wrong((*lesson)->blank_count, "0");
        auto const rejected = server.call("POST", path, answer_body(wrong));
        REQUIRE(rejected.status == 200);
        CHECK(json_of(rejected).at("data").at("result") == false);
        CHECK(json_of(rejected).at("data").at("verdict") != "accepted");
        ++checked;
    }
    CHECK(checked >= 4);
}

TEST_CASE("CORS preflight is answered with the allowed methods and headers", "[e2e][service]")
{
    server_process server{false, {"--cors-origin", "https://learn.example"}};

    auto const preflight = server.call("OPTIONS", "/stage/basics/hello_python", {},
                                       {{"Origin", "https://learn.example"},
                                        {"Access-Control-Request-Method", "POST"},
                                        {"Access-Control-Request-Headers", "content-type"}});

    CHECK(preflight.status == 204);
    CHECK(preflight.header("access-control-allow-origin") == "https://learn.example");
    CHECK_THAT(preflight.header("access-control-allow-methods"), Catch::Contains("POST"));
    CHECK_THAT(preflight.header("access-control-allow-headers"), Catch::Contains("content-type"));
    CHECK_FALSE(preflight.header("access-control-max-age").empty());
    CHECK(server.call("GET", "/stage/nope").header("access-control-allow-origin") == "https://learn.example");
}

TEST_CASE("compat mode pyfun-v2 sends base64 of the same JSON", "[e2e][service]")
{
    server_process plain{false};
    server_process compat{false, {"--compat", "pyfun-v2"}};

    for (auto const* path : {"/stage", "/stage/basics", "/stage/basics/hello_python", "/stage/nope"}) {
        auto const expected = plain.call("GET", path);
        auto const encoded = compat.call("GET", path);
        CHECK(encoded.status == expected.status);
        auto const decoded = pyfun::core::base64_decode(encoded.body);
        REQUIRE(decoded.has_value());
        CHECK(json::parse(*decoded) == json_of(expected));
        CHECK(encoded.header("access-control-allow-origin") == "*");
    }
    auto const verify = compat.call("POST", "/stage/basics/hello_python", answer_body({"print", "Hello Python"}));
    CHECK(json::parse(*pyfun::core::base64_decode(verify.body)).at("data").at("result") == true);
}

TEST_CASE("PYFUN_COMPAT in the environment turns compat mode on too", "[e2e][service]")
{
    pyfun::test::child_process process{std::string{PYFUN_BIN_DIR} + "/pyfun-server",
                                       {"--listen", "127.0.0.1:0", "--plain-http"},
                                       {"PYFUN_COMPAT=pyfun-v2"}};
    auto const banner = process.wait_for_line([](std::string const& l) { return l.starts_with("pyfun-server: serving "); });
    REQUIRE(banner);
    auto const port = pyfun::test::port_from_banner(*banner);
    REQUIRE(port);
    auto const reply = run_sync([](unsigned short p) -> net::awaitable<http_reply> {
        auto client = co_await test_client::connect(p);
        co_return co_await client.request("GET", "/stage");
    }(*port));
    REQUIRE(pyfun::core::base64_decode(reply.body).has_value());
}

TEST_CASE("pyfun-server answers bad requests with real status codes and fail bodies", "[e2e][service]")
{
    server_process server{false};
    auto const [method, path, body, status] = GENERATE(table<std::string, std::string, std::string, unsigned>({
        {"POST", "/stage/basics/hello_python", "{\"answer\": ", 400},
        {"POST", "/stage/basics/hello_python", R"J({"answer": {"field_1": 1, "field_2": "x"}})J", 400},
        {"POST", "/stage/basics/hello_python", R"J({"answer": {"field_1": "print"}})J", 400},
        {"POST", "/stage/basics/hello_python", std::string(10 << 20, 'x'), 413},
        {"GET", "/stage/no_such_stage", "", 404},
        {"GET", "/stage/basics/no_such_lesson", "", 404},
        {"POST", "/stage/basics/no_such_lesson", "{}", 404},
        {"DELETE", "/stage/basics/hello_python", "", 405},
        {"PUT", "/stage", "", 405},
    }));

    auto const reply = server.call(method, path, body);

    CHECK(reply.status == status);
    auto const parsed = json_of(reply);
    CHECK(parsed.at("fail") == true);
    CHECK_FALSE(parsed.at("error").as_string().empty());
    CHECK(reply.header("access-control-allow-origin") == "*");
}

TEST_CASE("connections that idle or break off do not hurt the server", "[e2e][service][timeout]")
{
    server_process server{false, {"--request-timeout-ms", "400", "--idle-timeout-ms", "400"}};

    SECTION("an idle connection that sends nothing is closed by the timeout")
    {
        auto const t0 = std::chrono::steady_clock::now();
        auto const ended = run_sync([](unsigned short port) -> net::awaitable<boost::system::error_code> {
            auto client = co_await test_client::connect(port);
            co_return co_await client.read_until_closed();
        }(server.port()));
        CHECK(pyfun::test::closed_by_peer(ended));
        CHECK(std::chrono::steady_clock::now() - t0 < 5s);
    }
    SECTION("a client that disconnects mid-request leaves the server serving")
    {
        run_sync([](unsigned short port) -> net::awaitable<void> {
            auto client = co_await test_client::connect(port);
            co_await client.send("POST /stage/basics/hello_python HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"ans");
            client.close();
        }(server.port()));
        CHECK(server.call("GET", "/stage").status == 200);
    }
}

TEST_CASE("a TLS client offering only TLS 1.0 is refused", "[e2e][service]")
{
    server_process server{true};
    auto context = pyfun::test::client_tls_context(TLS1_VERSION, TLS1_VERSION);

    auto const refused = run_sync([](unsigned short port, net::ssl::context& ctx) -> net::awaitable<bool> {
        try {
            auto client = co_await test_client::connect(port, &ctx);
            co_return false;
        }
        catch (boost::system::system_error const&) {
            co_return true;
        }
    }(server.port(), context));

    CHECK(refused);
    CHECK(server.call("GET", "/stage").status == 200);  // and a modern client still gets in
}

TEST_CASE("a learner program sleeping to its wall limit does not delay GET /stage", "[e2e][service][timeout]")
{
    server_process server{false};
    net::io_context ioc;
    auto pending = net::co_spawn(ioc, server.request("POST", "/stage/basics/hello_python", answer_body(sleeping_hello(3))),
                                 net::use_future);
    std::jthread verifier{[&] { ioc.run(); }};

    bool const running = wait_for_active_run(server, 10s);
    auto const t0 = std::chrono::steady_clock::now();
    auto const stages = server.call("GET", "/stage");
    auto const get_time = std::chrono::steady_clock::now() - t0;
    bool const verify_still_running = pending.wait_for(0s) != std::future_status::ready;
    verifier.join();

    REQUIRE(running);
    CHECK(stages.status == 200);
    CHECK(verify_still_running);
    CHECK(get_time < 1s);
    CHECK(pending.get().status == 200);
}

TEST_CASE("SIGTERM during a verify lets it finish, then the server exits 0", "[e2e][service][timeout]")
{
    server_process server{false};
    net::io_context ioc;
    auto pending = net::co_spawn(ioc, server.request("POST", "/stage/basics/hello_python", answer_body(sleeping_hello(1))),
                                 net::use_future);
    std::jthread client{[&] { ioc.run(); }};

    bool const running = wait_for_active_run(server, 10s);
    server.process().send_signal(SIGTERM);
    client.join();
    auto const reply = pending.get();

    REQUIRE(running);
    REQUIRE(reply.status == 200);
    CHECK(json_of(reply).at("data").at("result") == true);
    CHECK(server.process().wait_exit(20s) == 0);
}

TEST_CASE("SIGTERM ends the runs waiting for a program, and nothing of them is left", "[e2e][service]")
{
    pyfun::test::scratch_folder const work_root{"pyfun-e2e-work"};  // where the server's runs get their folders
    server_process server{false, {"--warm-runs", "2"}, {"TMPDIR=" + work_root.path().string()}};
    auto const health = json_of(server.call("GET", "/healthz"));
    auto const& warm = health.at("warm_runs");
    if (warm.at("capacity").to_number<int>() == 0) {
        WARN("no pid_ns and mount_ns here: the server starts no run ahead of need");
    }
    else {
        CHECK(warm.at("waiting").to_number<int>() == 2);
        CHECK(pyfun::test::process_mentions(work_root.path().string()));  // the launchers of the waiting runs
        CHECK_FALSE(work_root.empty());
    }
    auto const verified = server.call("POST", "/stage/basics/hello_python", answer_body({"print", "Hello Python"}));
    CHECK(json_of(verified).at("data").at("result") == true);

    server.process().send_signal(SIGTERM);
    CHECK(server.process().wait_exit(20s) == 0);
    CHECK_FALSE(pyfun::test::process_mentions(work_root.path().string()));
    CHECK(work_root.empty());
}

TEST_CASE("pyfun-server --help lists every flag with its environment variable", "[e2e][service]")
{
    pyfun::test::child_process process{std::string{PYFUN_BIN_DIR} + "/pyfun-server", {"--help"}};
    REQUIRE(process.wait_exit(10s) == 0);
    std::string text;
    for (auto const& line : process.lines())
        text += line + "\n";
    for (auto const* name : {"--listen", "PYFUN_LISTEN", "--tls-cert", "PYFUN_TLS_CERT", "--tls-key", "--plain-http",
                             "--lessons", "PYFUN_LESSONS", "--compat", "PYFUN_COMPAT", "--cors-origin", "--python"})
        CHECK_THAT(text, Catch::Contains(name));
}

TEST_CASE("pyfun-server refuses bad settings with a clear message", "[e2e][service]")
{
    auto const [args, message] = GENERATE(table<std::vector<std::string>, std::string>({
        {{"--compat", "v3"}, "--compat"},
        {{"--listen", "127.0.0.1:99999"}, "--listen"},
        {{"--lessons", "dir:/does/not/exist"}, "/does/not/exist"},
        {{"--bogus"}, "--bogus"},
    }));
    pyfun::test::child_process process{std::string{PYFUN_BIN_DIR} + "/pyfun-server", args};
    auto const status = process.wait_exit(10s);
    REQUIRE(status.has_value());
    CHECK(*status != 0);
    CHECK(process.wait_for_line([&](std::string const& line) { return line.find(message) != std::string::npos; }, 1s));
}
