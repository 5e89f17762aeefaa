#pragma once
// The github: lesson source (DESIGN §4): the ref resolves to a commit SHA (ETag/304, short TTL,
// stale-while-revalidate, stale-if-error), the recursive tree at that SHA is the index, and lesson files are
// fetched at the SHA, verified against their git blob SHA and kept parsed in a byte-bounded LRU keyed by blob
// SHA. Concurrent misses share one upstream request; failures are cached briefly and never as content. When a
// changed lesson cannot be fetched, its cached version of the previous commit is served (stale-if-error).
// get_lesson() needs the ref, the tree and that one file; get_catalog() needs every file (for the titles),
// fetched a few at a time. A lesson is served from the tree alone, so a broken stage.json hides its stage
// from the catalog but not its lessons from get_lesson(). Use from one thread; outlive the executor's run().

#include "file_cache.hpp"
#include "github_repo.hpp"
#include "github_rest.hpp"
#include "github_settings.hpp"
#include "repo_index.hpp"
#include "single_flight.hpp"

#include "lib/lesson_source.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace pyfun::github {

class github_source final : public core::lesson_source {
  public:
    // Fetches nothing yet. Throws std::runtime_error when the CA file in settings cannot be loaded.
    github_source(boost::asio::any_io_executor executor, github_repo repo, github_settings settings,
                  github_clock clock = {}, log_sink log = log_to_stderr);

    boost::asio::awaitable<boost::system::result<std::shared_ptr<core::catalog const>>> get_catalog()
        override;
    boost::asio::awaitable<boost::system::result<std::shared_ptr<core::lesson const>>> get_lesson(
        std::string stage, std::string name) override;
    std::string description() const override { return repo_.spec(); }

    // For the push webhook: serves `commit` at once when it is a commit SHA (the push's "after"), else
    // revalidates the ref now whatever its age. Returns the commit served afterwards.
    boost::asio::awaitable<boost::system::result<std::string>> refresh(std::string commit = {});

    github_repo const& repo() const { return repo_; }
    std::optional<std::string> served_commit() const;
    cache_stats cache() const { return cache_.stats(); }
    std::uint64_t upstream_requests() const { return rest_.requests_sent(); }
    // The commit, cache, upstream and breaker facts for /healthz; never the token.
    boost::json::object health() const;

  private:
    struct snapshot {
        std::string commit;
        std::shared_ptr<repo_index const> index;
    };
    using snapshot_ptr = std::shared_ptr<snapshot const>;
    using file_result = boost::system::result<std::shared_ptr<parsed_file const>>;
    using file_parser = std::function<parsed_file(std::string const& bytes)>;
    using catalog_result = boost::system::result<std::shared_ptr<core::catalog const>>;
    using ref_flight = single_flight<boost::system::result<snapshot_ptr>>;
    struct failure {
        boost::system::error_code error;
        std::chrono::steady_clock::time_point at;
    };

    boost::asio::awaitable<boost::system::result<snapshot_ptr>> current_snapshot();
    boost::asio::awaitable<boost::system::result<snapshot_ptr>> revalidate();
    boost::asio::awaitable<boost::system::result<snapshot_ptr>> load_commit(std::string commit);
    boost::asio::awaitable<file_result> load_file(std::string commit, indexed_file file, file_parser parse);
    boost::asio::awaitable<file_result> fetch_file(std::string commit, indexed_file file, file_parser parse,
                                                   std::string key);
    boost::asio::awaitable<catalog_result> build_catalog(snapshot_ptr snap);

    void adopt(snapshot_ptr next, std::string etag, std::uint64_t sequence);
    void mark_validated(std::uint64_t sequence);
    boost::system::error_code record_failure(boost::system::error_code ec);
    boost::system::result<snapshot_ptr> stale_or(boost::system::error_code ec) const;
    std::shared_ptr<core::lesson const> previous_lesson(std::string const& stage, std::string const& name);
    bool recently_failed(std::chrono::steady_clock::time_point now) const;
    std::chrono::steady_clock::time_point wait_deadline() const;
    void log_event(boost::json::object line) const;

    boost::asio::any_io_executor executor_;
    github_repo repo_;
    github_settings settings_;
    github_clock clock_;
    log_sink log_;
    github_rest rest_;
    file_cache cache_;

    snapshot_ptr current_;
    snapshot_ptr previous_;  // the commit served before current_: its lessons are stale-if-error fallbacks
    std::string etag_;       // the ETag of current_'s ref answer; empty when unknown
    std::chrono::steady_clock::time_point validated_at_;
    std::uint64_t started_ = 0;  // ref reads started; an answer older than the adopted one is dropped
    std::uint64_t adopted_ = 0;
    std::optional<failure> ref_failure_;
    std::map<std::string, failure> file_failures_;
    std::shared_ptr<core::catalog const> catalog_;
    std::string catalog_commit_;
    boost::system::error_code last_error_;

    ref_flight ref_flight_;
    single_flight<file_result> file_flight_;
    single_flight<catalog_result> catalog_flight_;
};

}  // namespace pyfun::github
