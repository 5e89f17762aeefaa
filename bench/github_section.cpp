// The GitHub path, in-process: the real github_source (through open_any_lesson_source, as the entrypoints
// open it) against the fake GitHub over HTTPS with a latency added to every request, on a repository of
// 3 stages x 8 lessons. Wall times are compared with that latency (one upstream round trip); upstream request
// counts with the fewest that can serve the reads (ref, tree, and each file read once: the index needs every
// lesson and stage.json for the titles).

#include "bench/sections.hpp"

#include "lib/github/open_source.hpp"
#include "support/fake_github.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <functional>
#include <iostream>
#include <stdexcept>

namespace net = boost::asio;
namespace json = boost::json;

namespace pyfun::bench {
namespace {

constexpr int stages = 3;
constexpr int lessons_per_stage = 8;

std::map<std::string, std::optional<std::string>> lesson_repository()
{
    std::map<std::string, std::optional<std::string>> files;
    for (int s = 1; s <= stages; ++s) {
        auto const stage = "stage_" + std::to_string(s);
        files[stage + "/stage.json"] =
          json::serialize(json::object{ { "index", s }, { "title", "Stage " + stage } });
        for (int l = 1; l <= lessons_per_stage; ++l) {
            auto const text = "lesson " + std::to_string(s) + "." + std::to_string(l);
            json::object lesson{ { "type", "blank_form" },
                                 { "title", text },
                                 { "author", "pyfun-bench" },
                                 { "description", { "Print the text." } },
                                 { "code", { "print(\"_____\")" } },
                                 { "expect", { { "stdout", { text + "\n" } }, { "stderr", json::array{} } } },
                                 { "solution", { { "field_1", text } } } };
            files[stage + "/s" + std::to_string(l) + "_lesson_" + std::to_string(l) + ".json"] =
              json::serialize(lesson);
        }
    }
    return files;
}

struct measured {
    double millis = 0;
    std::size_t upstream = 0;
    std::size_t connections = 0;
    std::size_t failed = 0; // reads that did not return a lesson or catalog
};

// Runs `reads` on a fresh source (nothing cached) and counts what reached the fake.
measured cold(test::fake_github& fake,
              github::github_settings const& settings,
              std::function<net::awaitable<std::size_t>(core::lesson_source&)> const& reads)
{
    net::io_context ioc{ 1 };
    auto opened = github::open_any_lesson_source(ioc.get_executor(), "github:acme/lessons@main", settings);
    if (!opened)
        throw std::runtime_error("cannot open the GitHub source: " + opened.error().message);
    fake.reset_counts();
    auto const started = std::chrono::steady_clock::now();
    auto done = net::co_spawn(ioc, reads(*opened->source), net::use_future);
    ioc.run();
    measured out;
    out.failed = done.get();
    out.millis =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    out.upstream = fake.count();
    out.connections = fake.connections();
    return out;
}

net::awaitable<std::size_t> first_lesson(core::lesson_source& source)
{
    auto const lesson = co_await source.get_lesson("stage_1", "lesson_1");
    co_return lesson ? 0 : 1;
}

net::awaitable<std::size_t> index_then_lesson(core::lesson_source& source)
{
    auto const catalog = co_await source.get_catalog();
    auto const failed = co_await first_lesson(source);
    co_return failed + (catalog ? 0 : 1);
}

net::awaitable<std::size_t> concurrent_misses(core::lesson_source& source, std::size_t misses)
{
    auto const executor = co_await net::this_coro::executor;
    net::steady_timer all_done{ executor, net::steady_timer::time_point::max() };
    std::size_t finished = 0;
    std::size_t failed = 0;
    for (std::size_t i = 0; i < misses; ++i)
        net::co_spawn(executor, first_lesson(source), [&](std::exception_ptr error, std::size_t lost) {
            failed += error ? 1 : lost;
            if (++finished == misses)
                all_done.cancel();
        });
    while (finished < misses)
        co_await all_done.async_wait(net::as_tuple(net::use_awaitable));
    co_return failed;
}

} // namespace

void github_section(bench_config const& config, report& out)
{
    auto const latency = config.github_latency;
    auto& section =
      out.add_section("github",
                      "GitHub path: fake GitHub over HTTPS, " + std::to_string(latency.count()) +
                        " ms added to every request, 3 stages x 8 lessons");
    test::fake_github fake{ "acme", "lessons" };
    fake.push(lesson_repository());
    fake.add_fault("/", test::fake_fault::latency(latency), -1);
    github::github_settings settings;
    settings.api_base = fake.api_url();
    settings.http.ca_file = fake.ca_file();

    auto const files = static_cast<std::size_t>(stages * lessons_per_stage);
    struct step {
        std::string figure;
        std::function<net::awaitable<std::size_t>(core::lesson_source&)> reads;
        std::size_t fewest; // upstream requests that cannot be avoided
    };
    std::vector<step> const steps{
        { "cold first lesson", first_lesson, 3 },
        { "cold index (GET /stage) + first lesson",
          index_then_lesson,
          2 + files + static_cast<std::size_t>(stages) },
        { std::to_string(config.github_misses) + " concurrent cold misses of one lesson",
          [&](core::lesson_source& source) { return concurrent_misses(source, config.github_misses); },
          3 },
    };
    auto const round_trip = static_cast<double>(std::max<std::int64_t>(latency.count(), 1));
    for (auto const& s : steps) {
        auto const m = cold(fake, settings, s.reads);
        row wall;
        wall.figure = s.figure + ", wall time";
        wall.values = { { "wall", m.millis } };
        wall.unit = "ms";
        wall.ratio = m.millis / round_trip;
        wall.ratio_of = "wall / injected latency";
        wall.errors = m.failed;
        section.rows.push_back(wall);
        row count;
        count.figure = s.figure + ", upstream";
        count.values = { { "requests", static_cast<double>(m.upstream) },
                         { "connections", static_cast<double>(m.connections) } };
        count.ratio = static_cast<double>(m.upstream) / static_cast<double>(s.fewest);
        count.ratio_of = "requests / " + std::to_string(s.fewest) + " needed";
        section.rows.push_back(count);
    }
}

} // namespace pyfun::bench
