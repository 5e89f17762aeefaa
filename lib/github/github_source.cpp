#include "github_source.hpp"

#include "git_hash.hpp"
#include "github_error.hpp"

#include "lib/error.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <exception>

namespace json = boost::json;
namespace net = boost::asio;

namespace pyfun::github {
namespace {

using boost::system::error_code;
using std::chrono::steady_clock;

// What one cached file costs beyond its bytes (parsed structures, key, list links): an estimate.
constexpr std::size_t entry_overhead_bytes = 512;
constexpr std::string_view zero_commit = "0000000000000000000000000000000000000000";

long long milliseconds(steady_clock::duration d)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

template <typename T>
std::function<T()> failed_with_bug()
{
    return [] { return T{make_error_code(errc::upstream_failed)}; };
}

std::function<void(std::exception_ptr)> bug_reporter(log_sink log)
{
    return [log = std::move(log)](std::exception_ptr error) {
        std::string what = "unknown exception";
        try {
            std::rethrow_exception(error);
        }
        catch (std::exception const& e) {
            what = e.what();
        }
        catch (...) {  // the co_spawn edge: log whatever escaped, never crash the server
        }
        if (log)
            log(json::serialize(json::object{
                {"level", "error"}, {"component", "github"}, {"event", "bug"}, {"detail", what}}));
    };
}

parsed_file parse_lesson_bytes(std::string const& bytes, indexed_file const& file, std::string const& stage,
                               core::lesson_file_name const& naming)
{
    parsed_file out;
    auto parsed = core::parse_lesson(bytes, file.display, stage, naming);
    if (parsed)
        out.lesson = std::make_shared<core::lesson const>(std::move(*parsed));
    else
        out.problem = parsed.error();
    return out;
}

parsed_file parse_stage_bytes(std::string const& bytes, indexed_file const& file, std::string const& stage)
{
    parsed_file out;
    auto parsed = core::parse_stage(bytes, file.display, stage);
    if (parsed)
        out.stage = std::move(*parsed);
    else
        out.problem = parsed.error();
    return out;
}

// Keyed by blob SHA: a file unchanged between commits is never fetched again. The path is part of the key
// because it names the lesson the bytes parse into.
std::string cache_key(indexed_file const& file)
{
    return file.blob_sha + " " + file.path;
}

struct catalog_job {
    indexed_file file;
    std::function<parsed_file(std::string const&)> parse;
};

}  // namespace

github_source::github_source(net::any_io_executor executor, github_repo repo, github_settings settings,
                             github_clock clock, log_sink log)
    : executor_{executor},
      repo_{std::move(repo)},
      settings_{std::move(settings)},
      clock_{std::move(clock)},
      log_{std::move(log)},
      rest_{executor, repo_, settings_, clock_, log_},
      cache_{settings_.cache_bytes},
      ref_flight_{executor, failed_with_bug<boost::system::result<snapshot_ptr>>(), bug_reporter(log_)},
      file_flight_{executor, failed_with_bug<file_result>(), bug_reporter(log_)},
      catalog_flight_{executor, failed_with_bug<catalog_result>(), bug_reporter(log_)}
{
}

steady_clock::time_point github_source::wait_deadline() const
{
    return steady_clock::now() + settings_.wait_timeout;
}

void github_source::log_event(json::object line) const
{
    if (log_)
        log_(json::serialize(line));
}

bool github_source::recently_failed(steady_clock::time_point now) const
{
    return ref_failure_ && now - ref_failure_->at < settings_.negative_ttl;
}

error_code github_source::record_failure(error_code ec)
{
    ref_failure_ = failure{ec, clock_.steady_now()};
    last_error_ = ec;
    return ec;
}

boost::system::result<github_source::snapshot_ptr> github_source::stale_or(error_code ec) const
{
    if (current_ && clock_.steady_now() - validated_at_ < settings_.ref_ttl + settings_.stale_if_error)
        return current_;
    return ec;
}

void github_source::mark_validated(std::uint64_t sequence)
{
    if (sequence < adopted_)
        return;
    adopted_ = sequence;
    validated_at_ = clock_.steady_now();
    ref_failure_.reset();
}

void github_source::adopt(snapshot_ptr next, std::string etag, std::uint64_t sequence)
{
    if (sequence < adopted_)
        return;  // a newer answer (a webhook's commit, say) is already served
    bool const changed = !current_ || current_->commit != next->commit;
    if (changed && current_)
        previous_ = current_;
    current_ = std::move(next);
    etag_ = std::move(etag);
    mark_validated(sequence);
    if (changed)
        log_event({{"level", "info"},
                   {"component", "github"},
                   {"event", "commit"},
                   {"source", repo_.spec()},
                   {"commit", current_->commit},
                   {"stages", current_->index->stages.size()},
                   {"problems", current_->index->problems.size()}});
}

net::awaitable<boost::system::result<github_source::snapshot_ptr>> github_source::load_commit(
    std::string commit)
{
    auto items = co_await rest_.read_tree(commit);
    if (!items)
        co_return items.error();
    auto index = std::make_shared<repo_index const>(
        build_repo_index(commit, *items, repo_.subdir, settings_.max_file_bytes));
    co_return std::make_shared<snapshot const>(snapshot{std::move(commit), std::move(index)});
}

net::awaitable<boost::system::result<github_source::snapshot_ptr>> github_source::revalidate()
{
    auto const sequence = ++started_;
    // Named first: GCC 12 mishandles a conditional expression inside a co_await expression.
    auto etag = current_ ? etag_ : std::string{};
    auto answer = co_await rest_.resolve_ref(std::move(etag));
    if (!answer)
        co_return record_failure(answer.error());
    if (answer->not_modified || (current_ && answer->sha == current_->commit)) {
        if (!answer->not_modified && sequence >= adopted_)
            etag_ = answer->etag;
        mark_validated(sequence);
        co_return current_;
    }
    auto next = co_await load_commit(answer->sha);
    if (!next)
        co_return record_failure(next.error());
    adopt(*next, answer->etag, sequence);
    co_return current_;
}

net::awaitable<boost::system::result<github_source::snapshot_ptr>> github_source::current_snapshot()
{
    auto const now = clock_.steady_now();
    if (current_) {
        auto const age = now - validated_at_;
        if (age < settings_.ref_ttl)
            co_return current_;
        if (age < settings_.ref_ttl + settings_.stale_while_revalidate) {
            if (!recently_failed(now))
                ref_flight_.start("ref", [this] { return revalidate(); });
            co_return current_;
        }
    }
    if (recently_failed(now))
        co_return stale_or(ref_failure_->error);
    // Named first: GCC 12 mishandles temporaries built inside a co_await expression.
    std::string const key = "ref";
    ref_flight::work_function work = [this] { return revalidate(); };
    auto const deadline = wait_deadline();
    auto outcome = co_await ref_flight_.run(key, std::move(work), deadline);
    if (outcome && *outcome)
        co_return **outcome;
    co_return stale_or(outcome ? outcome->error() : error_code{github_errc::wait_timeout});
}

net::awaitable<boost::system::result<std::string>> github_source::refresh(std::string commit)
{
    if (is_object_id(commit) && commit != zero_commit) {
        if (current_ && current_->commit == commit) {
            mark_validated(++started_);
            co_return commit;
        }
        auto const sequence = ++started_;
        auto next = co_await load_commit(commit);
        if (!next)
            co_return record_failure(next.error());
        adopt(*next, {}, sequence);
        co_return current_->commit;
    }
    // A separate key from the TTL's revalidation: one already in flight may have asked before the push.
    std::string const key = "refresh";
    ref_flight::work_function work = [this] { return revalidate(); };
    auto const deadline = wait_deadline();
    auto outcome = co_await ref_flight_.run(key, std::move(work), deadline);
    if (!outcome)
        co_return error_code{github_errc::wait_timeout};
    if (!*outcome)
        co_return outcome->error();
    co_return (**outcome)->commit;
}

net::awaitable<github_source::file_result> github_source::fetch_file(std::string commit, indexed_file file,
                                                                     file_parser parse, std::string key)
{
    auto bytes = co_await rest_.read_file(file.path, commit);
    error_code ec;
    if (!bytes)
        ec = bytes.error();
    else if (git_blob_id(*bytes) != file.blob_sha) {
        ec = github_errc::sha_mismatch;
        log_event({{"level", "warn"},
                   {"component", "github"},
                   {"event", "sha_mismatch"},
                   {"file", file.display},
                   {"expected", file.blob_sha},
                   {"bytes", bytes->size()}});
    }
    if (ec) {
        auto const now = clock_.steady_now();
        std::erase_if(file_failures_,
                      [&](auto const& entry) { return now - entry.second.at >= settings_.negative_ttl; });
        file_failures_[key] = failure{ec, now};
        last_error_ = ec;
        co_return ec;
    }
    auto parsed = std::make_shared<parsed_file const>(parse(*bytes));
    file_failures_.erase(key);
    cache_.insert(key, parsed, bytes->size() + key.size() + entry_overhead_bytes);
    co_return parsed;
}

net::awaitable<github_source::file_result> github_source::load_file(std::string commit, indexed_file file,
                                                                    file_parser parse)
{
    auto key = cache_key(file);
    if (auto hit = cache_.find(key))
        co_return hit;
    if (auto const failed = file_failures_.find(key);
        failed != file_failures_.end() && clock_.steady_now() - failed->second.at < settings_.negative_ttl)
        co_return failed->second.error;
    single_flight<file_result>::work_function work = [this, commit, file, parse, key] {
        return fetch_file(commit, file, parse, key);
    };
    auto const deadline = wait_deadline();
    auto outcome = co_await file_flight_.run(key, std::move(work), deadline);
    if (!outcome)
        co_return error_code{github_errc::wait_timeout};
    co_return *outcome;
}

net::awaitable<boost::system::result<std::shared_ptr<core::lesson const>>> github_source::get_lesson(
    std::string stage, std::string name)
{
    auto snap = co_await current_snapshot();
    if (!snap)
        co_return errc::source_unavailable;
    auto const index = (*snap)->index;  // keeps the entries alive across the fetch below
    auto const* found_stage = index->find_stage(stage);
    if (!found_stage)
        co_return errc::stage_not_found;
    auto const* found = found_stage->find_lesson(name);
    if (!found)
        co_return errc::lesson_not_found;
    auto const file = found->file;
    auto const naming = found->naming;
    file_parser parse = [file, stage, naming](std::string const& bytes) {
        return parse_lesson_bytes(bytes, file, stage, naming);
    };
    auto const commit = (*snap)->commit;
    auto loaded = co_await load_file(commit, file, std::move(parse));
    if (!loaded) {
        if (auto stale = previous_lesson(stage, name))
            co_return stale;
        co_return errc::source_unavailable;
    }
    if (!(*loaded)->lesson)
        co_return errc::lesson_not_found;  // the file does not load: as absent as in the folder source
    co_return (*loaded)->lesson;
}

std::shared_ptr<core::lesson const> github_source::previous_lesson(std::string const& stage,
                                                                   std::string const& name)
{
    auto const* old_stage = previous_ ? previous_->index->find_stage(stage) : nullptr;
    auto const* old = old_stage ? old_stage->find_lesson(name) : nullptr;
    if (!old)
        return nullptr;
    auto const cached = cache_.find(cache_key(old->file));
    return cached ? cached->lesson : nullptr;
}

net::awaitable<github_source::catalog_result> github_source::build_catalog(snapshot_ptr snap)
{
    std::vector<catalog_job> jobs;
    for (auto const& stage : snap->index->stages) {
        jobs.push_back(
            {stage.stage_file, [file = stage.stage_file, name = stage.name](std::string const& bytes) {
                 return parse_stage_bytes(bytes, file, name);
             }});
        for (auto const& lesson : stage.lessons)
            jobs.push_back({lesson.file, [file = lesson.file, name = stage.name,
                                          naming = lesson.naming](std::string const& bytes) {
                                return parse_lesson_bytes(bytes, file, name, naming);
                            }});
    }

    std::vector<file_result> results(jobs.size(), file_result{error_code{github_errc::wait_timeout}});
    std::size_t next = 0;
    auto worker = [&]() -> net::awaitable<void> {
        while (next < jobs.size()) {
            auto const i = next++;
            auto const& job = jobs[i];
            results[i] = co_await load_file(snap->commit, job.file, job.parse);
        }
    };
    using worker_op = decltype(net::co_spawn(executor_, worker(), net::deferred));
    std::vector<worker_op> workers;
    auto const count =
        std::clamp<std::size_t>(settings_.fetch_concurrency, 1, std::max<std::size_t>(jobs.size(), 1));
    for (std::size_t i = 0; i < count; ++i)
        workers.push_back(net::co_spawn(executor_, worker(), net::deferred));
    auto [order, errors] = co_await net::experimental::make_parallel_group(std::move(workers))
                               .async_wait(net::experimental::wait_for_all(), net::use_awaitable);
    for (auto const& error : errors)
        if (error)
            std::rethrow_exception(error);
    for (auto const& result : results)
        if (!result)
            co_return result.error();  // incomplete: the files that did arrive stay cached for the next try

    core::catalog built;
    built.problems = snap->index->problems;
    std::size_t at = 0;
    for (auto const& stage : snap->index->stages) {
        auto const& stage_file = **results[at++];
        core::stage_summary summary;
        if (stage_file.stage)
            summary.stage = *stage_file.stage;
        else
            built.problems.push_back(*stage_file.problem);
        for (auto const& lesson : stage.lessons) {
            auto const& lesson_file = **results[at++];
            if (!stage_file.stage)
                continue;  // the folder source skips a stage whose stage.json does not load
            if (lesson_file.lesson)
                summary.lessons.push_back(
                    {lesson.naming.name, lesson_file.lesson->index, lesson_file.lesson->title});
            else
                built.problems.push_back(*lesson_file.problem);
        }
        if (!stage_file.stage)
            continue;
        std::sort(summary.lessons.begin(), summary.lessons.end(),
                  [](auto const& a, auto const& b) { return a.index < b.index; });
        built.stages.push_back(std::move(summary));
    }
    std::stable_sort(built.stages.begin(), built.stages.end(),
                     [](auto const& a, auto const& b) { return a.stage.index < b.stage.index; });
    auto shared = std::make_shared<core::catalog const>(std::move(built));
    if (!catalog_ || snap == current_) {
        catalog_ = shared;
        catalog_commit_ = snap->commit;
    }
    co_return shared;
}

net::awaitable<boost::system::result<std::shared_ptr<core::catalog const>>> github_source::get_catalog()
{
    auto snap = co_await current_snapshot();
    if (!snap)
        co_return errc::source_unavailable;
    if (catalog_ && catalog_commit_ == (*snap)->commit)
        co_return catalog_;
    auto const key = (*snap)->commit;
    single_flight<catalog_result>::work_function work = [this, s = *snap] { return build_catalog(s); };
    auto const deadline = wait_deadline();
    auto outcome = co_await catalog_flight_.run(key, std::move(work), deadline);
    if (outcome && *outcome)
        co_return **outcome;
    if (catalog_)
        co_return catalog_;  // stale-if-error: the stage list of the previous commit
    co_return errc::source_unavailable;
}

std::optional<std::string> github_source::served_commit() const
{
    if (!current_)
        return std::nullopt;
    return current_->commit;
}

json::object github_source::health() const
{
    auto const now = clock_.steady_now();
    auto const stats = cache_.stats();
    json::object out{{"source", repo_.spec()},
                     {"api", settings_.api_base},
                     {"authenticated", !settings_.token.empty()},
                     {"commit", current_ ? json::value(current_->commit) : json::value(nullptr)},
                     {"catalog_commit", catalog_ ? json::value(catalog_commit_) : json::value(nullptr)},
                     {"cache",
                      {{"bytes", stats.bytes},
                       {"capacity", stats.capacity},
                       {"entries", stats.entries},
                       {"hits", stats.hits},
                       {"misses", stats.misses},
                       {"evictions", stats.evictions}}},
                     {"upstream_requests", rest_.requests_sent()},
                     {"last_error", last_error_ ? json::value(last_error_.message()) : json::value(nullptr)}};
    if (current_)
        out["commit_age_ms"] = milliseconds(now - validated_at_);
    auto const& breaker = rest_.breaker();
    json::object breaker_state{{"state", breaker.is_open(now) ? "open" : "closed"},
                               {"times_opened", breaker.times_opened()}};
    if (breaker.is_open(now))
        breaker_state["retry_in_ms"] = milliseconds(*breaker.open_until() - now);
    out["breaker"] = std::move(breaker_state);
    return out;
}

}  // namespace pyfun::github
