#include "lib/api.hpp"
#include "lib/base64.hpp"
#include "lib/folder_source.hpp"
#include "lib/runner.hpp"

#include "support/fake_lesson_source.hpp"
#include "support/run_sync.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <catch2/catch.hpp>

namespace json = boost::json;
using pyfun::core::request;
using pyfun::core::response;
using pyfun::test::run_sync;

namespace {

std::filesystem::path const repo = std::filesystem::path{PYFUN_FIXTURES} / "lesson_repo";

struct api_fixture {
    api_fixture()
    {
        pyfun::core::prepare_supervisor_process();
        auto const python = pyfun::core::find_interpreter();
        REQUIRE(python.has_value());
        sandbox = std::make_unique<pyfun::core::runner>(pyfun::core::runner_options{*python, {}});
        judge = std::make_unique<pyfun::core::verifier>(*sandbox, pyfun::core::run_limits{});
        auto opened = pyfun::core::folder_source::open(repo);
        REQUIRE(opened.has_value());
        folder = std::move(*opened);
    }

    response call(std::string method, std::string path, std::string body = {}, pyfun::core::api_options options = {})
    {
        pyfun::core::api handler{*folder, *judge, std::move(options)};
        return run_sync(handler.handle(request{std::move(method), std::move(path), {}, std::move(body)}));
    }

    std::unique_ptr<pyfun::core::runner> sandbox;
    std::unique_ptr<pyfun::core::verifier> judge;
    std::unique_ptr<pyfun::core::folder_source> folder;
};

json::value body_of(response const& res) { return json::parse(res.body); }

std::string header(response const& res, std::string const& name)
{
    auto const it = res.headers.find(name);
    return it == res.headers.end() ? std::string{} : it->second;
}

}  // namespace

TEST_CASE_METHOD(api_fixture, "GET /stage lists stages with integer index and url", "[lib][api]")
{
    auto const res = call("GET", "/stage");

    REQUIRE(res.status == 200);
    CHECK(header(res, "content-type") == "application/json");
    auto const body = body_of(res);
    CHECK(body.at("success") == true);
    auto const& data = body.at("data").as_object();
    REQUIRE(data.size() == 2);
    CHECK(data.at("second").at("index") == 1);
    CHECK(data.at("second").at("url") == "/stage/second/");
    CHECK(data.at("first").at("index") == 2);
    CHECK(data.begin()->key() == "second");  // in stage order
}

TEST_CASE_METHOD(api_fixture, "GET /stage/<stage> lists lessons with a string index", "[lib][api]")
{
    auto const res = call("GET", "/stage/second/");

    REQUIRE(res.status == 200);
    auto const data = body_of(res).at("data").as_object();
    REQUIRE(data.size() == 2);
    CHECK(data.at("ten").at("index") == "10");
    CHECK(data.at("ten").at("title") == "Ten");
    CHECK(data.at("ten").at("url") == "/stage/second/ten");
}

TEST_CASE_METHOD(api_fixture, "GET /stage/<stage>/<lesson> gives the lesson with its fields", "[lib][api]")
{
    auto const res = call("GET", "/stage/first/old_format?cache=no");

    REQUIRE(res.status == 200);
    auto const data = body_of(res).at("data").as_object();
    CHECK(data.at("title") == "Old format");
    CHECK(data.at("author") == "old project");
    CHECK(data.at("code").as_array().size() == 1);
    CHECK(data.at("description").as_array().size() == 1);
    CHECK(data.at("fields") == json::parse(R"J(["field_1"])J"));
    CHECK_FALSE(data.contains("image"));
    CHECK_FALSE(data.contains("solution"));  // never leaks the answer
}

TEST_CASE_METHOD(api_fixture, "POST judges both body forms", "[lib][api]")
{
    auto const nested = call("POST", "/stage/second/ten", R"J({"answer": {"field_1": "10"}})J");
    REQUIRE(nested.status == 200);
    auto const data = body_of(nested).at("data").as_object();
    CHECK(data.at("result") == true);
    CHECK(data.at("stdout") == json::parse(R"J(["10\n"])J"));
    CHECK(data.at("stderr").as_array().empty());
    CHECK(data.at("verdict") == "accepted");
    CHECK(data.at("time_ms").is_int64());
    CHECK(nested.verdict == "accepted");

    auto const flat = call("POST", "/stage/second/ten", R"J({"field_1": "11"})J");
    REQUIRE(flat.status == 200);
    CHECK(body_of(flat).at("data").at("result") == false);
    CHECK(body_of(flat).at("data").at("verdict") == "wrong_answer");
}

TEST_CASE_METHOD(api_fixture, "bad requests get real status codes and fail bodies", "[lib][api]")
{
    auto const [method, path, body, status, message] = GENERATE(table<std::string, std::string, std::string, unsigned, std::string>({
        {"POST", "/stage/second/ten", "{not json", 400, "not valid JSON"},
        {"POST", "/stage/second/ten", "[1]", 400, "JSON object"},
        {"POST", "/stage/second/ten", R"J({"answer": {}})J", 400, "missing field_1"},
        {"POST", "/stage/second/ten", R"J({"answer": {"field_1": 10}})J", 400, "field_1 must be a string"},
        {"POST", "/stage/second/ten", R"J({"answer": {"field_1": true}})J", 400, "field_1 must be a string"},
        {"POST", "/stage/second/ten", R"J({"answer": "10"})J", 400, "\"answer\" must be an object"},
        {"POST", "/stage/second/ten", std::string(2 << 20, ' '), 413, "too large"},
        {"GET", "/stage/nope", "", 404, "unknown stage"},
        {"GET", "/stage/second/nope", "", 404, "unknown lesson"},
        {"GET", "/stage/nope/ten", "", 404, "unknown stage"},
        {"POST", "/stage/nope/ten", "{}", 404, "unknown stage"},
        {"GET", "/nothing/here", "", 404, "no such route"},
        {"GET", "/stage/a/b/c", "", 404, "no such route"},
        {"DELETE", "/stage/second/ten", "", 405, "method not allowed"},
        {"POST", "/stage", "{}", 405, "method not allowed"},
        {"PUT", "/", "", 405, "method not allowed"},
    }));

    auto const res = call(method, path, body);

    CHECK(res.status == status);
    auto const parsed = body_of(res);
    CHECK(parsed.at("fail") == true);
    CHECK_THAT(std::string{parsed.at("error").as_string()}, Catch::Contains(message));
    CHECK(header(res, "access-control-allow-origin") == "*");
}

TEST_CASE_METHOD(api_fixture, "405 answers say which methods are allowed", "[lib][api]")
{
    CHECK(header(call("DELETE", "/stage/second/ten"), "allow") == "GET, POST, OPTIONS");
    CHECK(header(call("POST", "/stage/second"), "allow") == "GET, OPTIONS");
}

TEST_CASE_METHOD(api_fixture, "CORS on every answer and on preflight", "[lib][api]")
{
    auto const preflight = call("OPTIONS", "/stage/second/ten");
    CHECK(preflight.status == 204);
    CHECK(preflight.body.empty());
    CHECK(header(preflight, "access-control-allow-origin") == "*");
    CHECK_THAT(header(preflight, "access-control-allow-methods"), Catch::Contains("POST"));
    CHECK_THAT(header(preflight, "access-control-allow-headers"), Catch::Contains("content-type"));
    CHECK(header(preflight, "access-control-max-age") == "86400");

    pyfun::core::api_options options;
    options.cors_origin = "https://learn.example";
    auto const res = call("GET", "/stage", {}, options);
    CHECK(header(res, "access-control-allow-origin") == "https://learn.example");
    CHECK(header(res, "vary") == "Origin");
}

TEST_CASE_METHOD(api_fixture, "compat mode sends every body as base64 of its JSON", "[lib][api]")
{
    pyfun::core::api_options options;
    options.compat_base64 = true;

    auto const ok = call("GET", "/stage", {}, options);
    REQUIRE(ok.status == 200);
    auto const decoded = pyfun::core::base64_decode(ok.body);
    REQUIRE(decoded.has_value());
    CHECK(json::parse(*decoded) == body_of(call("GET", "/stage")));

    auto const missing = call("GET", "/stage/nope", {}, options);
    CHECK(missing.status == 404);
    CHECK(json::parse(*pyfun::core::base64_decode(missing.body)).at("fail") == true);
    CHECK(header(missing, "access-control-allow-origin") == "*");
}

TEST_CASE("an unavailable source is a 503, not a crash", "[lib][api]")
{
    pyfun::core::prepare_supervisor_process();
    pyfun::core::runner sandbox{{"/usr/bin/python3", {}}};
    pyfun::core::verifier judge{sandbox, {}};
    pyfun::test::fake_lesson_source broken;
    pyfun::core::api handler{broken, judge, {}};

    for (auto const* path : {"/stage", "/stage/a", "/stage/a/b"}) {
        auto const res = run_sync(handler.handle(request{"GET", path, {}, {}}));
        CHECK(res.status == 503);
        CHECK(json::parse(res.body).at("fail") == true);
    }
}

TEST_CASE_METHOD(api_fixture, "GET / and /healthz describe the service", "[lib][api]")
{
    auto const root = call("GET", "/");
    REQUIRE(root.status == 200);
    CHECK(body_of(root).at("data").at("service") == "pyfun");

    pyfun::core::api_options options;
    options.health_details = [] { return json::object{{"sandbox", json::array{"rlimits"}}}; };
    auto const health = call("GET", "/healthz", {}, options);
    REQUIRE(health.status == 200);
    auto const body = body_of(health);
    CHECK(body.at("status") == "ok");
    CHECK(body.at("lessons").as_string() == "dir:" + repo.string());
    CHECK(body.at("sandbox").at(0) == "rlimits");
}

TEST_CASE_METHOD(api_fixture, "rendered answers are reused and stay identical", "[lib][api]")
{
    pyfun::core::api handler{*folder, *judge, {}};
    auto const get = [&](std::string path) { return run_sync(handler.handle(request{"GET", std::move(path), {}, {}})); };

    auto const first = get("/stage/second/ten");
    auto const again = get("/stage/second/ten");
    auto const other = get("/stage/second/two");

    CHECK(first.body == again.body);
    CHECK(first.body != other.body);
    CHECK(json::parse(other.body).at("data").at("title") == "Two");
    CHECK(get("/stage").body == get("/stage").body);
}

TEST_CASE("the render cache re-renders when an object dies and its address is reused", "[lib][api]")
{
    pyfun::core::render_cache<std::string> cache{2};
    int renders = 0;
    auto const render = [&](std::string const& s) { ++renders; return "<" + s + ">"; };

    auto a = std::make_shared<std::string const>("a");
    CHECK(cache.get(a, render) == "<a>");
    CHECK(cache.get(a, render) == "<a>");
    CHECK(renders == 1);

    a.reset();
    auto b = std::make_shared<std::string const>("b");  // the allocator often hands out a's address again
    CHECK(cache.get(b, render) == "<b>");
    CHECK(renders == 2);

    auto c = std::make_shared<std::string const>("c");
    auto d = std::make_shared<std::string const>("d");
    CHECK(cache.get(c, render) == "<c>");
    CHECK(cache.get(d, render) == "<d>");  // over the bound: cleared, still right
    CHECK(cache.get(b, render) == "<b>");
}
