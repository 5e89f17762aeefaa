// The GitHub token is a credential: it must not appear in any log line, API answer or health report, whatever
// GitHub answers.

#include "github/source_fixture.hpp"

#include "lib/api.hpp"
#include "lib/runner.hpp"
#include "lib/verifier.hpp"

#include <boost/json/parse.hpp>

#include <catch2/catch.hpp>

namespace {

using namespace std::chrono_literals;
using pyfun::test::fake_fault;
using pyfun::test::run_in;
using pyfun::test::source_fixture;
using pyfun::test::test_token;

}  // namespace

TEST_CASE_METHOD(source_fixture, "the token appears in no log line and no response", "[github]")
{
    pyfun::core::prepare_supervisor_process();
    auto const python = pyfun::core::find_interpreter();
    REQUIRE(python.has_value());
    pyfun::core::runner sandbox{pyfun::core::runner_options{*python, {}}};
    pyfun::core::verifier judge{sandbox, pyfun::core::run_limits{}};
    settings.stale_while_revalidate = 0ms;
    open();
    pyfun::core::api_options options;
    options.health_details = [this] { return boost::json::object{{"github", source->health()}}; };
    pyfun::core::api handler{*source, judge, options};
    auto const get = [&](std::string path) {
        return run_in(ioc, handler.handle(pyfun::core::request{"GET", std::move(path), {}, {}}));
    };

    std::vector<pyfun::core::response> answers;
    fake.add_fault("/commits/", fake_fault::html_error(500));
    answers.push_back(get("/stage"));
    CHECK(answers.back().status == 503);
    time.advance(settings.negative_ttl + 1s);
    answers.push_back(get("/stage/stage_1/lesson_1"));
    CHECK(answers.back().status == 200);
    fake.add_fault("/contents/", fake_fault::corrupted_body());
    answers.push_back(get("/stage/stage_1/lesson_2"));
    CHECK(answers.back().status == 503);
    auto const path = std::string{"/repos/acme/lessons/contents/stage_1/s3_lesson_3.json"};
    fake.add_fault(path, fake_fault::redirect_to(307, fake.alias_url() + path + "?ref=" + fake.head()));
    answers.push_back(get("/stage/stage_1/lesson_3"));
    CHECK(answers.back().status == 200);
    time.advance(61s);
    fake.add_fault("/commits/", fake_fault::rate_limited(403, 60s));
    answers.push_back(get("/stage/stage_1/lesson_4"));
    CHECK(answers.back().status == 503);
    answers.push_back(get("/healthz"));
    CHECK(answers.back().status == 200);

    REQUIRE(logs.lines.size() >= 4);
    for (auto const& line : logs.lines) {
        CHECK(line.find(test_token) == std::string::npos);
        CHECK(boost::json::parse(line).is_object());
    }
    for (auto const& answer : answers) {
        CHECK(answer.body.find(test_token) == std::string::npos);
        for (auto const& [name, value] : answer.headers)
            CHECK(value.find(test_token) == std::string::npos);
    }
    // The credential did travel, to GitHub only.
    CHECK(fake.requests().front().header("authorization") == "Bearer " + std::string{test_token});
}
