// --watch: the inotify watcher reloads the folder source when lesson files change, and requests that hold a
// lesson from before keep it unchanged.

#include "service/lesson_watcher.hpp"

#include "browser/lesson_copy.hpp"
#include "lib/error.hpp"
#include "support/run_sync.hpp"

#include <boost/asio/io_context.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace net = boost::asio;
using namespace std::chrono_literals;
using pyfun::test::run_sync;

namespace {

std::string const good_lesson =
    R"json({"title": "Edited title", "code": ["print(_____)"], "expect": {"stdout": ["1\n"]}, "solution": {"field_1": "1"}})json";

struct watched_folder {
    watched_folder()
    {
        auto opened = pyfun::core::folder_source::open(lessons.root());
        REQUIRE(opened.has_value());
        source = std::move(*opened);
        watcher = std::make_unique<pyfun::service::lesson_watcher>(
            ioc.get_executor(), *source, 20ms, [this](std::string_view line) { log.emplace_back(line); });
        watcher->start();
    }

    ~watched_folder()
    {
        watcher->stop();
        ioc.run_for(5s);  // lets the watch loop see the stop; it holds no other work
    }

    // Runs the loop until `done` holds, at most `limit`: each step waits for a real event (or 100 ms).
    bool run_until(std::function<bool()> const& done, std::chrono::seconds limit = 20s)
    {
        auto const deadline = std::chrono::steady_clock::now() + limit;
        while (!done() && std::chrono::steady_clock::now() < deadline)
            ioc.run_one_for(100ms);
        return done();
    }

    boost::system::result<std::shared_ptr<pyfun::core::lesson const>> lesson(std::string stage, std::string name)
    {
        return run_sync(source->get_lesson(std::move(stage), std::move(name)));
    }

    std::shared_ptr<pyfun::core::catalog const> catalog() { return run_sync(source->get_catalog()).value(); }

    bool has_problem(std::string const& file)
    {
        auto const index = catalog();
        return std::any_of(index->problems.begin(), index->problems.end(),
                           [&](auto const& p) { return p.file == file; });
    }

    pyfun::test::lesson_copy lessons;
    net::io_context ioc;
    std::unique_ptr<pyfun::core::folder_source> source;
    std::unique_ptr<pyfun::service::lesson_watcher> watcher;
    std::vector<std::string> log;
};

}  // namespace

TEST_CASE_METHOD(watched_folder, "an edited lesson file is served after the watcher reloads it", "[service][watch]")
{
    auto const before = lesson("basics", "hello");
    REQUIRE(before.has_value());
    REQUIRE((*before)->title == "Hello playground");

    lessons.write("basics/s1_hello.json", good_lesson);
    REQUIRE(run_until([&] {
        auto const now = lesson("basics", "hello");
        return now && (*now)->title == "Edited title";
    }));
    CHECK((*before)->title == "Hello playground");  // a request holding the old lesson keeps it whole
    CHECK(lesson("basics", "hello").value() != *before);  // a new object: identity-keyed renders are redone
    CHECK(watcher->reload_count() >= 1);
    CHECK(std::any_of(log.begin(), log.end(), [](auto const& l) { return l.starts_with("reloaded dir:"); }));
}

TEST_CASE_METHOD(watched_folder, "a lesson made broken leaves the lesson list and appears in the problems",
                 "[service][watch]")
{
    REQUIRE_FALSE(has_problem("loops/s1_count.json"));
    lessons.write("loops/s1_count.json", R"({"title": "half written)");
    REQUIRE(run_until([&] { return has_problem("loops/s1_count.json"); }));
    CHECK(lesson("loops", "count").error() == pyfun::errc::lesson_not_found);
    CHECK(catalog()->find_stage("loops")->lessons.empty());

    lessons.write("loops/s1_count.json", good_lesson);  // fixed again: back in the list, out of the problems
    REQUIRE(run_until([&] { return lesson("loops", "count").has_value(); }));
    CHECK_FALSE(has_problem("loops/s1_count.json"));
}

TEST_CASE_METHOD(watched_folder, "a deleted lesson disappears", "[service][watch]")
{
    REQUIRE(lesson("basics", "markup").has_value());
    std::filesystem::remove(lessons.root() / "basics/s2_markup.json");
    REQUIRE(run_until([&] { return !lesson("basics", "markup").has_value(); }));
    CHECK(lesson("basics", "markup").error() == pyfun::errc::lesson_not_found);
    CHECK(catalog()->find_stage("basics")->lessons.size() == 1);
}

TEST_CASE_METHOD(watched_folder, "a new stage folder and the lessons written into it are picked up",
                 "[service][watch]")
{
    std::filesystem::create_directory(lessons.root() / "extra");
    lessons.write("extra/stage.json", R"({"index": 3, "title": "Extra"})");
    REQUIRE(run_until([&] { return catalog()->find_stage("extra") != nullptr; }));
    // The stage folder is watched now too: a lesson added to it later is seen.
    lessons.write("extra/s1_more.json", good_lesson);
    REQUIRE(run_until([&] { return lesson("extra", "more").has_value(); }));
}

TEST_CASE_METHOD(watched_folder, "a burst of writes gives one reload, and stop() leaves no work behind",
                 "[service][watch]")
{
    for (int i = 0; i < 20; ++i)
        lessons.write("basics/s1_hello.json", good_lesson);
    REQUIRE(run_until([&] { return watcher->reload_count() >= 1; }));
    ioc.run_for(200ms);  // ten debounce periods of quiet: nothing more may come
    CHECK(watcher->reload_count() == 1);

    watcher->stop();
    ioc.run_for(5s);
    CHECK(ioc.stopped());  // run() returned because no work was left, not because of the time limit
}
