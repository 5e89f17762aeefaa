// The github: lesson source against the fake GitHub: the request plan of DESIGN §4 with exact upstream
// request counts, the cache, revalidation, pushes, latency, faults and the rate-limit breaker.

#include "github/source_fixture.hpp"

#include "lib/error.hpp"
#include "lib/github/git_hash.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>

#include <catch2/catch.hpp>

#include <chrono>

namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;
using pyfun::errc;
using pyfun::test::fake_fault;
using pyfun::test::lesson_json;
using pyfun::test::run_in;
using pyfun::test::source_fixture;
using pyfun::test::test_token;

std::string title_of(source_fixture::lesson_result const& lesson)
{
    return lesson ? (*lesson)->title : "<" + lesson.error().message() + ">";
}

std::size_t lesson_count(pyfun::core::catalog const& index)
{
    std::size_t count = 0;
    for (auto const& stage : index.stages)
        count += stage.lessons.size();
    return count;
}

}  // namespace

TEST_CASE_METHOD(source_fixture,
                 "a cold lesson read costs the ref, the tree and one file; a second read costs nothing",
                 "[github]")
{
    open();
    auto const first = lesson("stage_2", "lesson_3");
    REQUIRE(first.has_value());
    CHECK((*first)->title == "Lesson 2.3");
    CHECK((*first)->stage == "stage_2");
    CHECK((*first)->index == 3);
    CHECK(refs() == 1);
    CHECK(trees() == 1);
    CHECK(files() == 1);
    CHECK(fake.count() == 3);

    auto const again = lesson("stage_2", "lesson_3");
    REQUIRE(again.has_value());
    CHECK(again->get() == first->get());
    CHECK(lesson("stage_9", "lesson_1").error() == errc::stage_not_found);  // answered from the index
    CHECK(lesson("stage_2", "lesson_99").error() == errc::lesson_not_found);
    CHECK(fake.count() == 3);

    auto const seen = fake.requests();
    auto const head = fake.head();
    CHECK(seen[0].path == "/repos/acme/lessons/commits/main");
    CHECK(seen[0].header("accept") == "application/vnd.github.sha");
    CHECK_FALSE(seen[0].has_header("if-none-match"));
    CHECK(seen[1].path == "/repos/acme/lessons/git/trees/" + head);
    CHECK(seen[1].query == "recursive=1");
    CHECK(seen[1].header("accept") == "application/vnd.github+json");
    CHECK(seen[2].path == "/repos/acme/lessons/contents/stage_2/s3_lesson_3.json");
    CHECK(seen[2].query == "ref=" + head);  // pinned to the commit, not the branch
    CHECK(seen[2].header("accept") == "application/vnd.github.raw+json");
    for (auto const& request : seen) {
        CHECK(request.header("user-agent").starts_with("pyfun/"));
        CHECK(request.header("x-github-api-version") == "2022-11-28");
        CHECK(request.header("authorization") == "Bearer " + std::string{test_token});
    }
    auto const stats = source->cache();
    CHECK(stats.entries == 1);
    CHECK(stats.hits == 1);
    CHECK(stats.bytes > 0);
}

TEST_CASE_METHOD(source_fixture,
                 "a 24-lesson repository: cold stage list, first read of every lesson, a warm minute",
                 "[github]")
{
    open();
    // Cold start: GET /stage needs every title, so every lesson and stage.json comes in (8 at a time).
    auto const index = catalog();
    REQUIRE(index.has_value());
    REQUIRE((*index)->stages.size() == 3);
    CHECK((*index)->stages[0].stage.title == "Stage 1");
    CHECK(lesson_count(**index) == 24);
    CHECK((*index)->stages[2].lessons[7].title == "Lesson 3.8");
    CHECK((*index)->problems.empty());
    CHECK(refs() == 1);
    CHECK(trees() == 1);
    CHECK(files() == 27);  // 24 lessons + 3 stage.json
    CHECK(fake.count() == 29);

    // First read of every lesson: all cached by the stage list.
    for (int s = 1; s <= 3; ++s)
        for (int l = 1; l <= 8; ++l)
            REQUIRE(lesson("stage_" + std::to_string(s), "lesson_" + std::to_string(l)).has_value());
    CHECK(fake.count() == 29);

    // A warm minute of traffic: 600 reads, 100 ms apart. The ref's 60 s TTL expires once; the answer is a 304
    // and nothing else is fetched.
    for (int i = 0; i < 600; ++i) {
        time.advance(100ms);
        auto const stage = "stage_" + std::to_string(1 + i % 3);
        if (i % 10 == 0)
            REQUIRE(catalog().has_value());
        else
            REQUIRE(lesson(stage, "lesson_" + std::to_string(1 + i % 8)).has_value());
    }
    CHECK(refs() == 2);
    CHECK(trees() == 1);
    CHECK(files() == 27);
    CHECK(fake.requests().back().header("if-none-match") == "\"" + fake.head() + "\"");
}

TEST_CASE_METHOD(source_fixture,
                 "100 concurrent requests for one uncached lesson make exactly one upstream fetch",
                 "[github]")
{
    open();
    fake.add_fault("/contents/", fake_fault::latency(200ms));
    std::vector<source_fixture::lesson_result> results;
    run_in(ioc, [&]() -> net::awaitable<void> {
        for (int i = 0; i < 100; ++i)
            net::co_spawn(
                ioc,
                [&]() -> net::awaitable<void> {
                    results.push_back(co_await source->get_lesson("stage_1", "lesson_1"));
                },
                net::detached);
        co_return;
    }());
    REQUIRE(results.size() == 100);
    for (auto const& result : results) {
        REQUIRE(result.has_value());
        CHECK(result->get() == results[0]->get());
    }
    CHECK(refs() == 1);
    CHECK(trees() == 1);
    CHECK(files() == 1);
}

TEST_CASE_METHOD(source_fixture,
                 "a 304 revalidation refetches nothing; after a push only changed files are fetched",
                 "[github]")
{
    open();
    REQUIRE(catalog().has_value());
    auto const first_commit = fake.head();
    REQUIRE(fake.count() == 29);

    // Past the TTL: the stale commit is served at once and revalidated in the background (304).
    time.advance(61s);
    CHECK(title_of(lesson("stage_1", "lesson_1")) == "Lesson 1.1");
    CHECK(refs() == 2);
    CHECK(fake.requests().back().header("if-none-match") == "\"" + first_commit + "\"");
    CHECK(trees() == 1);
    CHECK(files() == 27);

    // A push changes one lesson and adds one; the next revalidation finds the new commit.
    auto const second_commit =
        fake.push({{"stage_2/s3_lesson_3.json", lesson_json("Lesson 2.3, revised", "x")},
                   {"stage_3/s9_lesson_9.json", lesson_json("Lesson 3.9", "y")}});
    time.advance(61s);
    CHECK(title_of(lesson("stage_1", "lesson_1")) == "Lesson 1.1");  // stale while revalidating
    CHECK(refs() == 3);
    CHECK(trees() == 2);
    CHECK(source->served_commit() == second_commit);

    auto const index = catalog();
    REQUIRE(index.has_value());
    CHECK(lesson_count(**index) == 25);
    CHECK(files() == 29);  // the changed and the new file only
    CHECK(title_of(lesson("stage_2", "lesson_3")) == "Lesson 2.3, revised");
    CHECK(title_of(lesson("stage_3", "lesson_9")) == "Lesson 3.9");
    CHECK(title_of(lesson("stage_2", "lesson_4")) == "Lesson 2.4");
    CHECK(files() == 29);
    CHECK(logs.contains(second_commit));
}

TEST_CASE_METHOD(source_fixture, "past the stale-while-revalidate window readers wait for the new commit",
                 "[github]")
{
    settings.stale_while_revalidate = 0ms;
    open();
    CHECK(title_of(lesson("stage_1", "lesson_1")) == "Lesson 1.1");
    fake.push({{"stage_1/s1_lesson_1.json", lesson_json("Lesson 1.1, revised", "x")}});
    time.advance(61s);
    CHECK(title_of(lesson("stage_1", "lesson_1")) == "Lesson 1.1, revised");
    CHECK(refs() == 2);
    CHECK(trees() == 2);
    CHECK(files() == 2);
}

TEST_CASE_METHOD(source_fixture, "a lesson delayed 2 s upstream does not delay cached lessons",
                 "[github][timeout]")
{
    open();
    for (int l = 2; l <= 8; ++l)
        REQUIRE(lesson("stage_1", "lesson_" + std::to_string(l)).has_value());
    fake.add_fault("/contents/stage_1/s1_lesson_1.json", fake_fault::latency(2s));

    bool slow_done = false;
    std::chrono::steady_clock::duration cached_took{};
    bool slow_started = false;
    run_in(ioc, [&]() -> net::awaitable<void> {
        net::co_spawn(
            ioc,
            [&]() -> net::awaitable<void> {
                auto const slow = co_await source->get_lesson("stage_1", "lesson_1");
                CHECK(slow.has_value());
                slow_done = true;
            },
            net::detached);
        slow_started = co_await pyfun::test::wait_for_requests(fake, "s1_lesson_1", 1);
        auto const start = std::chrono::steady_clock::now();
        for (int l = 2; l <= 8; ++l) {
            auto const cached = co_await source->get_lesson("stage_1", "lesson_" + std::to_string(l));
            CHECK(cached.has_value());
        }
        cached_took = std::chrono::steady_clock::now() - start;
        CHECK_FALSE(slow_done);
    }());
    CHECK(slow_started);
    CHECK(cached_took < 200ms);
    CHECK(slow_done);
    CHECK(files() == 8);
}

TEST_CASE_METHOD(source_fixture,
                 "a reader waits only until its own deadline; the fetch still fills the cache",
                 "[github][timeout]")
{
    settings.wait_timeout = 200ms;
    open();
    REQUIRE(lesson("stage_1", "lesson_2").has_value());
    fake.add_fault("/contents/", fake_fault::latency(1s));
    auto const start = std::chrono::steady_clock::now();
    std::chrono::steady_clock::duration waited{};
    auto const impatient = run_in(ioc, [&]() -> net::awaitable<source_fixture::lesson_result> {
        auto result = co_await source->get_lesson("stage_1", "lesson_1");
        waited = std::chrono::steady_clock::now() - start;
        co_return result;
    }());
    CHECK(impatient.error() == errc::source_unavailable);
    CHECK(waited < 900ms);
    // run_in returned after the fetch finished: the next read is a cache hit.
    CHECK(title_of(lesson("stage_1", "lesson_1")) == "Lesson 1.1");
    CHECK(files() == 2);
}

TEST_CASE_METHOD(source_fixture,
                 "upstream faults: 503 without stale content, stale content with it, nothing bad cached",
                 "[github]")
{
    struct scripted {
        char const* path;
        fake_fault fault;
        char const* name;
    };
    auto const [path, fault, name] = GENERATE(
        scripted{"/commits/", fake_fault::html_error(500), "ref: 500 with an HTML body"},
        scripted{"/commits/", fake_fault::connection_reset(), "ref: connection reset"},
        scripted{"/commits/", fake_fault::truncated_body(), "ref: truncated body"},
        scripted{"/commits/", fake_fault::not_json(), "ref: 200 with an HTML page"},
        scripted{"/git/trees/", fake_fault::malformed_json(), "tree: malformed JSON"},
        scripted{"/git/trees/", fake_fault::html_error(502), "tree: 502 with an HTML body"},
        scripted{"/git/trees/", fake_fault::truncated_body(), "tree: truncated body"},
        scripted{"/contents/", fake_fault::corrupted_body(), "file: bytes that do not match the blob SHA"},
        scripted{"/contents/", fake_fault::truncated_body(), "file: truncated body"},
        scripted{"/contents/", fake_fault::connection_reset(), "file: connection reset"},
        scripted{"/contents/", fake_fault::html_error(500), "file: 500 with an HTML body"});
    INFO(name);
    settings.stale_while_revalidate = 0ms;  // past the TTL, readers wait for the answer
    open();

    SECTION("nothing cached yet: a clear failure, then the right content once GitHub recovers")
    {
        fake.add_fault(path, fault, -1);
        CHECK(lesson("stage_1", "lesson_1").error() == errc::source_unavailable);
        CHECK(catalog().error() == errc::source_unavailable);
        CHECK(source->cache().entries == 0);
        CHECK(source->health().at("last_error").is_string());

        fake.clear_faults();
        time.advance(settings.negative_ttl + 1s);
        CHECK(title_of(lesson("stage_1", "lesson_1")) == "Lesson 1.1");
        auto const index = catalog();
        REQUIRE(index.has_value());
        CHECK(lesson_count(**index) == 24);
    }
    SECTION("a commit served before: its content is served while the new one cannot be read")
    {
        REQUIRE(catalog().has_value());
        fake.push({{"stage_1/s1_lesson_1.json", lesson_json("Lesson 1.1, revised", "x")}});
        time.advance(61s);
        fake.add_fault(path, fault, -1);
        CHECK(title_of(lesson("stage_1", "lesson_1")) == "Lesson 1.1");
        auto const stale = catalog();
        REQUIRE(stale.has_value());
        CHECK((*stale)->stages[0].lessons[0].title == "Lesson 1.1");
        CHECK(title_of(lesson("stage_1", "lesson_2")) == "Lesson 1.2");

        fake.clear_faults();
        time.advance(settings.negative_ttl + 1s);
        CHECK(title_of(lesson("stage_1", "lesson_1")) == "Lesson 1.1, revised");
        auto const fresh = catalog();
        REQUIRE(fresh.has_value());
        CHECK((*fresh)->stages[0].lessons[0].title == "Lesson 1.1, revised");
    }
    CHECK_FALSE(logs.contains(test_token));
}

TEST_CASE_METHOD(source_fixture, "a failed read is not retried upstream within the negative-cache time",
                 "[github]")
{
    open("github:acme/missing@main");
    CHECK(lesson("stage_1", "lesson_1").error() == errc::source_unavailable);
    CHECK(catalog().error() == errc::source_unavailable);
    CHECK(lesson("stage_1", "lesson_1").error() == errc::source_unavailable);
    CHECK(fake.count() == 1);
    time.advance(settings.negative_ttl + 1s);
    CHECK(lesson("stage_1", "lesson_1").error() == errc::source_unavailable);
    CHECK(fake.count() == 2);
    CHECK(logs.contains("not_found"));
}

TEST_CASE_METHOD(source_fixture,
                 "rate limits open the breaker: no upstream calls until the reset, stale served", "[github]")
{
    settings.stale_while_revalidate = 0ms;
    open();
    REQUIRE(lesson("stage_1", "lesson_1").has_value());
    time.advance(61s);

    std::chrono::seconds wait{};
    SECTION("403 with x-ratelimit-remaining: 0 and x-ratelimit-reset")
    {
        wait = 120s;
        fake.add_fault("/commits/", fake_fault::rate_limited(403, wait));
    }
    SECTION("429 with retry-after")
    {
        wait = 30s;
        fake.add_fault("/commits/", fake_fault::retry_after(429, wait));
    }
    CHECK(title_of(lesson("stage_1", "lesson_1")) == "Lesson 1.1");  // stale served
    CHECK(refs() == 2);
    auto const health = source->health();
    CHECK(health.at("breaker").at("state") == "open");
    CHECK(health.at("last_error").as_string().find("rate limit") != boost::json::string::npos);
    CHECK(logs.contains("rate_limited"));

    auto const before = fake.count();
    CHECK(lesson("stage_1", "lesson_2").error() == errc::source_unavailable);  // a miss fails fast
    CHECK(title_of(lesson("stage_1", "lesson_1")) == "Lesson 1.1");
    time.advance(wait - 5s);
    CHECK(lesson("stage_1", "lesson_2").error() == errc::source_unavailable);
    CHECK(catalog().error() == errc::source_unavailable);
    CHECK(fake.count() == before);  // no upstream call while the breaker is open

    time.advance(10s);
    CHECK(source->health().at("breaker").at("state") == "closed");
    CHECK(title_of(lesson("stage_1", "lesson_2")) == "Lesson 1.2");
    CHECK(fake.count() == before + 2);  // the ref (304) and the file
}

TEST_CASE_METHOD(source_fixture, "a cold start under a rate limit fails fast with a clear error", "[github]")
{
    fake.add_fault("/commits/", fake_fault::rate_limited(403, 60s));
    open();
    CHECK(lesson("stage_1", "lesson_1").error() == errc::source_unavailable);
    time.advance(settings.negative_ttl + 1s);
    CHECK(lesson("stage_1", "lesson_1").error() == errc::source_unavailable);
    CHECK(fake.count() == 1);
}

TEST_CASE_METHOD(source_fixture,
                 "a renamed repository is followed through its 301 and then read at its new URL", "[github]")
{
    fake.rename_to("acme", "pyfun-lessons");
    open();
    CHECK(title_of(lesson("stage_1", "lesson_1")) == "Lesson 1.1");
    CHECK(fake.count("/repos/acme/lessons/") == 1);  // only the first call went to the old name
    CHECK(fake.count("/repositories/515436299/commits/main") == 1);
    CHECK(fake.count("/repositories/515436299/git/trees/") == 1);
    CHECK(fake.count("/repositories/515436299/contents/") == 1);
    CHECK(fake.count() == 4);
    CHECK(logs.contains("repository_moved"));
}

TEST_CASE_METHOD(source_fixture, "a redirect to another host does not carry the token", "[github]")
{
    open();
    auto const path = std::string{"/repos/acme/lessons/contents/stage_1/s1_lesson_1.json"};
    fake.add_fault(path, fake_fault::redirect_to(307, fake.alias_url() + path + "?ref=" + fake.head()));
    CHECK(title_of(lesson("stage_1", "lesson_1")) == "Lesson 1.1");
    auto const seen = fake.requests();
    REQUIRE(seen.size() == 4);
    CHECK(seen[2].header("authorization") == "Bearer " + std::string{test_token});
    CHECK(seen[3].header("host") == "localhost:" + std::to_string(fake.port()));
    CHECK_FALSE(seen[3].has_header("authorization"));
}

TEST_CASE_METHOD(source_fixture, "a truncated tree listing is refused rather than served as a partial index",
                 "[github]")
{
    fake.set_tree_truncated(true);
    open();
    CHECK(lesson("stage_1", "lesson_1").error() == errc::source_unavailable);
    CHECK(logs.contains("truncated_tree"));
    CHECK(source->served_commit() == std::nullopt);
}

TEST_CASE_METHOD(source_fixture,
                 "the byte bound evicts the least recently read lessons, which are fetched again", "[github]")
{
    open();
    REQUIRE(lesson("stage_1", "lesson_1").has_value());
    auto const charge = source->cache().bytes;  // what one lesson file costs (all of stage_1's are alike)
    settings.cache_bytes = 3 * charge + charge / 2;
    open();  // a new source with an empty cache
    fake.reset_counts();
    for (int l = 1; l <= 4; ++l)
        REQUIRE(lesson("stage_1", "lesson_" + std::to_string(l)).has_value());
    CHECK(files() == 4);
    auto const stats = source->cache();
    CHECK(stats.entries == 3);
    CHECK(stats.bytes <= settings.cache_bytes);
    CHECK(stats.evictions == 1);
    REQUIRE(lesson("stage_1", "lesson_4").has_value());
    CHECK(files() == 4);
    REQUIRE(lesson("stage_1", "lesson_1").has_value());  // the least recently read: evicted
    CHECK(files() == 5);
}

TEST_CASE_METHOD(source_fixture, "the default branch is read as HEAD and files below a subfolder are found",
                 "[github]")
{
    fake.push(pyfun::test::lesson_repository(1, 2, "content/lessons"));
    open("github:acme/lessons/content/lessons");
    auto const index = catalog();
    REQUIRE(index.has_value());
    REQUIRE((*index)->stages.size() == 1);
    CHECK(lesson_count(**index) == 2);
    CHECK(fake.count("/commits/HEAD") == 1);
    CHECK(fake.count("/contents/content/lessons/stage_1/") == 3);
}

TEST_CASE_METHOD(source_fixture, "broken lesson files are listed as problems and do not hide the others",
                 "[github]")
{
    fake.push({{"stage_1/s1_lesson_1.json", "{\"title\": "},
               {"stage_1/s9_bad_fields.json", R"({"type":"blank_form","title":"x","code":[],"expect":{}})"},
               {"stage_2/stage.json", "not json"}});
    open();
    auto const index = catalog();
    REQUIRE(index.has_value());
    CHECK((*index)->stages.size() == 2);  // stage_2's stage.json does not load: the stage is left out
    CHECK(lesson_count(**index) == 7 + 8);
    CHECK((*index)->problems.size() == 3);
    CHECK(lesson("stage_1", "lesson_1").error() == errc::lesson_not_found);
    CHECK(title_of(lesson("stage_1", "lesson_2")) == "Lesson 1.2");
}

TEST_CASE_METHOD(source_fixture,
                 "health shows the commit, the cache, upstream counts and the breaker, never the token",
                 "[github]")
{
    open();
    REQUIRE(lesson("stage_1", "lesson_1").has_value());
    REQUIRE(lesson("stage_1", "lesson_1").has_value());
    auto const health = source->health();
    CHECK(health.at("source") == "github:acme/lessons@main");
    CHECK(health.at("commit").as_string() == fake.head());
    CHECK(health.at("authenticated") == true);
    CHECK(health.at("upstream_requests") == 3);
    CHECK(health.at("cache").at("entries") == 1);
    CHECK(health.at("cache").at("hits") == 1);
    CHECK(health.at("cache").at("misses") == 1);
    CHECK(health.at("cache").at("bytes").as_uint64() > 0);
    CHECK(health.at("breaker").at("state") == "closed");
    CHECK(health.at("last_error").is_null());
    CHECK(boost::json::serialize(health).find(test_token) == std::string::npos);
}
