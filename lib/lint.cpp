#include "lint.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace net = boost::asio;

namespace pyfun::core {
namespace {

std::string quoted_lines(std::vector<std::string> const& lines)
{
    constexpr std::size_t shown = 3;
    std::string out = "[";
    for (std::size_t i = 0; i < lines.size() && i < shown; ++i) {
        if (i > 0)
            out += ", ";
        auto line = lines[i];
        if (line.ends_with('\n'))
            line = line.substr(0, line.size() - 1) + "\\n";
        out += "\"" + line + "\"";
    }
    if (lines.size() > shown)
        out += ", ...";
    return out + "]";
}

net::awaitable<lint_entry> lint_one(lesson_source& source, verifier& judge, std::string stage, std::string name)
{
    lint_entry entry{stage + "/" + name, false, {}};
    auto lesson = co_await source.get_lesson(stage, name);
    if (!lesson) {
        entry.message = "cannot be read: " + lesson.error().message();
        co_return entry;
    }
    auto const& l = **lesson;
    if (!l.solution) {
        entry.message = "has no \"solution\" (field_1..field_" + std::to_string(l.blank_count) + ")";
        co_return entry;
    }
    auto const result = co_await judge.verify(*lesson, *l.solution);
    if (result.accepted()) {
        entry.ok = true;
        entry.message = "accepted in " + std::to_string(result.time.count()) + " ms";
        co_return entry;
    }
    entry.message = "the solution is judged " + std::string{verdict_name(result.outcome)} + ": stdout " +
                    quoted_lines(result.stdout_lines) + ", stderr " + quoted_lines(result.stderr_lines);
    if (!result.detail.empty())
        entry.message += " (" + result.detail + ")";
    co_return entry;
}

// One of `jobs` workers: takes the next lesson until none is left.
net::awaitable<void> lint_worker(lesson_source& source, verifier& judge,
                                 std::vector<std::pair<std::string, std::string>> const& lessons,
                                 std::size_t& next, std::vector<lint_entry>& results)
{
    while (next < lessons.size()) {
        auto const i = next++;
        results[i] = co_await lint_one(source, judge, lessons[i].first, lessons[i].second);
    }
}

}  // namespace

std::size_t lint_report::failures() const
{
    return static_cast<std::size_t>(std::count_if(entries.begin(), entries.end(), [](auto const& e) { return !e.ok; }));
}

net::awaitable<lint_report> lint_lessons(lesson_source& source, verifier& judge, unsigned jobs)
{
    lint_report report;
    auto index = co_await source.get_catalog();
    if (!index) {
        report.source_failed = true;
        report.entries.push_back({source.description(), false, index.error().message()});
        co_return report;
    }
    for (auto const& problem : (*index)->problems)
        report.entries.push_back({problem.file, false, problem.key.empty() ? problem.message
                                                                           : problem.key + ": " + problem.message});

    std::vector<std::pair<std::string, std::string>> lessons;
    for (auto const& stage : (*index)->stages)
        for (auto const& l : stage.lessons)
            lessons.emplace_back(stage.stage.name, l.name);

    std::vector<lint_entry> results(lessons.size());
    std::size_t next = 0;
    auto const executor = co_await net::this_coro::executor;
    using worker_op = decltype(net::co_spawn(executor, net::awaitable<void>{}, net::deferred));
    std::vector<worker_op> workers;
    for (unsigned i = 0; i < std::max(jobs, 1u); ++i)
        workers.push_back(net::co_spawn(executor, lint_worker(source, judge, lessons, next, results), net::deferred));
    auto [order, errors] = co_await net::experimental::make_parallel_group(std::move(workers))
                               .async_wait(net::experimental::wait_for_all(), net::use_awaitable);
    for (auto const& error : errors)
        if (error)
            std::rethrow_exception(error);

    report.entries.insert(report.entries.end(), std::make_move_iterator(results.begin()),
                          std::make_move_iterator(results.end()));
    co_return report;
}

}  // namespace pyfun::core
