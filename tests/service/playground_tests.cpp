// The playground page in front of the API: its files and headers, /play/problems, and every other answer
// exactly what the API alone gives.

#include "lib/api.hpp"
#include "lib/folder_source.hpp"
#include "lib/playground.hpp"
#include "lib/runner.hpp"
#include "service/playground_files.hpp"

#include "browser/lesson_copy.hpp"
#include "support/fake_lesson_source.hpp"
#include "support/run_sync.hpp"

#include <boost/json/parse.hpp>

#include <catch2/catch.hpp>

#include <regex>
#include <string>

namespace json = boost::json;
using pyfun::core::request;
using pyfun::core::response;
using pyfun::test::run_sync;

namespace {

struct page_fixture {
    page_fixture()
    {
        pyfun::core::prepare_supervisor_process();
        auto const python = pyfun::core::find_interpreter();
        REQUIRE(python.has_value());
        sandbox = std::make_unique<pyfun::core::runner>(pyfun::core::runner_options{*python, {}});
        judge = std::make_unique<pyfun::core::verifier>(*sandbox, pyfun::core::run_limits{});
        auto opened = pyfun::core::folder_source::open(lessons.root());
        REQUIRE(opened.has_value());
        folder = std::move(*opened);
        lesson_api = std::make_unique<pyfun::core::api>(*folder, *judge, pyfun::core::api_options{});
        page = std::make_unique<pyfun::core::playground>(*lesson_api, *folder, pyfun::service::playground_files(),
                                                         pyfun::core::playground_options{true});
    }

    response call(pyfun::core::handler& h, std::string method, std::string path, std::string body = {})
    {
        return run_sync(h.handle(request{std::move(method), std::move(path), {}, std::move(body)}));
    }

    response get(std::string path) { return call(*page, "GET", std::move(path)); }

    pyfun::test::lesson_copy lessons;
    std::unique_ptr<pyfun::core::runner> sandbox;
    std::unique_ptr<pyfun::core::verifier> judge;
    std::unique_ptr<pyfun::core::folder_source> folder;
    std::unique_ptr<pyfun::core::api> lesson_api;
    std::unique_ptr<pyfun::core::playground> page;
};

std::string header(response const& res, std::string const& name)
{
    auto const it = res.headers.find(name);
    return it == res.headers.end() ? std::string{} : it->second;
}

}  // namespace

TEST_CASE_METHOD(page_fixture, "the page and its files are served with their types and a strict CSP",
                 "[service][playground]")
{
    auto const [path, type] = GENERATE(table<std::string, std::string>({
        {"/play", "text/html; charset=utf-8"},
        {"/play/", "text/html; charset=utf-8"},
        {"/play?from=bookmark", "text/html; charset=utf-8"},
        {"/play/index.html", "text/html; charset=utf-8"},
        {"/play/play.css", "text/css; charset=utf-8"},
        {"/play/play.js", "text/javascript; charset=utf-8"},
        {"/play/problems", "application/json"},
    }));
    CAPTURE(path);
    auto const res = get(path);
    CHECK(res.status == 200);
    CHECK(header(res, "content-type") == type);
    auto const csp = header(res, "content-security-policy");
    CHECK(csp.starts_with("default-src 'self';"));
    CHECK(csp.find("unsafe-inline") == std::string::npos);
    CHECK(csp.find("unsafe-eval") == std::string::npos);
    CHECK(csp.find("frame-ancestors 'none'") != std::string::npos);
    CHECK(header(res, "x-content-type-options") == "nosniff");
    CHECK_FALSE(res.body.empty());
}

TEST_CASE_METHOD(page_fixture, "the page has no inline script or style and never injects markup",
                 "[service][playground]")
{
    auto const html = get("/play").body;
    CHECK(html.find("<script src=\"/play/play.js\"") != std::string::npos);
    CHECK(html.find("href=\"/play/play.css\"") != std::string::npos);
    // Every <script> has a src, and no element carries inline style or event handlers.
    CHECK_FALSE(std::regex_search(html, std::regex{R"(<script(?![^>]*\ssrc=))"}));
    CHECK_FALSE(std::regex_search(html, std::regex{R"(\s(style|on[a-z]+)\s*=)", std::regex::icase}));
    CHECK(html.find("<style") == std::string::npos);
    CHECK(html.find("http://") == std::string::npos);  // nothing from elsewhere: no CDN
    CHECK(html.find("https://") == std::string::npos);
    auto const script = get("/play/play.js").body;
    for (auto const* sink : {"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("})
        CHECK(script.find(sink) == std::string::npos);
}

TEST_CASE_METHOD(page_fixture, "unknown paths under /play are 404 and other methods 405", "[service][playground]")
{
    for (auto const* path : {"/play/nope.js", "/play/play.js/x", "/play/../stage", "/play/problems/x", "/play//"}) {
        CAPTURE(path);
        auto const res = get(path);
        CHECK(res.status == 404);
        CHECK(header(res, "content-type") == "text/plain; charset=utf-8");
        CHECK_FALSE(header(res, "content-security-policy").empty());
    }
    auto const posted = call(*page, "POST", "/play/problems", "{}");
    CHECK(posted.status == 405);
    CHECK(header(posted, "allow") == "GET, HEAD");
    CHECK(call(*page, "HEAD", "/play").status == 200);
}

TEST_CASE_METHOD(page_fixture, "GET /play/problems lists the files that failed to load", "[service][playground]")
{
    auto const res = get("/play/problems");
    REQUIRE(res.status == 200);
    auto const body = json::parse(res.body).as_object();
    CHECK(body.at("watch") == true);
    CHECK(body.at("lessons").as_string().starts_with("dir:"));
    auto const& problems = body.at("problems").as_array();
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].at("file") == "basics/s3_broken.json");
    CHECK(problems[0].at("key") == "solution");
    CHECK(problems[0].at("message").as_string().find("fields") != json::string::npos);

    pyfun::test::fake_lesson_source unavailable;
    pyfun::core::playground offline{*lesson_api, unavailable, pyfun::service::playground_files(), {}};
    auto const failed = call(offline, "GET", "/play/problems");
    CHECK(failed.status == 503);
    CHECK(json::parse(failed.body).at("fail") == true);
}

TEST_CASE_METHOD(page_fixture, "every API answer is byte for byte what the API alone gives", "[service][playground]")
{
    auto const [method, path, body] = GENERATE(table<std::string, std::string, std::string>({
        {"GET", "/", ""},
        {"GET", "/stage", ""},
        {"GET", "/stage/basics", ""},
        {"GET", "/stage/basics/hello", ""},
        {"GET", "/stage/basics/broken", ""},
        {"GET", "/stage/nope", ""},
        {"GET", "/playground", ""},
        {"GET", "/plays/x", ""},
        {"OPTIONS", "/stage", ""},
        {"POST", "/stage/basics/hello", "not json"},
        {"POST", "/stage/basics/hello", R"({"answer": {"field_1": "print"}})"},
        {"PUT", "/stage", ""},
    }));
    CAPTURE(method, path, body);
    auto const direct = call(*lesson_api, method, path, body);
    auto const through_page = call(*page, method, path, body);
    CHECK(through_page.status == direct.status);
    CHECK(through_page.headers == direct.headers);
    CHECK(through_page.body == direct.body);
}

TEST_CASE_METHOD(page_fixture, "a verify answer through the page is the API's", "[service][playground]")
{
    std::string const answer = R"({"answer": {"field_1": "print", "field_2": "playground"}})";
    auto const direct = call(*lesson_api, "POST", "/stage/basics/hello", answer);
    auto const through_page = call(*page, "POST", "/stage/basics/hello", answer);
    REQUIRE(direct.status == 200);
    CHECK(through_page.status == 200);
    CHECK(through_page.headers == direct.headers);
    auto without_time = [](std::string const& text) {
        auto data = json::parse(text).at("data").as_object();
        data.erase("time_ms");  // the one field that differs between two runs
        return data;
    };
    CHECK(without_time(through_page.body) == without_time(direct.body));
    CHECK(without_time(direct.body).at("verdict") == "accepted");
}

TEST_CASE("only /play and the paths below it belong to the page", "[service][playground]")
{
    CHECK(pyfun::core::is_playground_path("/play"));
    CHECK(pyfun::core::is_playground_path("/play/"));
    CHECK(pyfun::core::is_playground_path("/play/play.js"));
    CHECK(pyfun::core::is_playground_path("/play?x=/stage"));
    CHECK(pyfun::core::is_playground_path("/play#top"));
    CHECK_FALSE(pyfun::core::is_playground_path("/playground"));
    CHECK_FALSE(pyfun::core::is_playground_path("/stage/play"));
    CHECK_FALSE(pyfun::core::is_playground_path("play"));
    CHECK_FALSE(pyfun::core::is_playground_path(""));
    CHECK_FALSE(pyfun::core::is_playground_path("/Play"));
}
