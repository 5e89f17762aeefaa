#pragma once
// What the GitHub tests share: a synthetic lesson repository, a clock they move by hand, a log capture, the
// settings that point a source at a fake_github, and a way to wait until the fake has seen some requests.

#include "lib/github/github_settings.hpp"
#include "support/fake_github.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pyfun::test {

inline constexpr std::string_view test_token = "ghp_TESTTOKEN0123456789abcdefSECRET";

using repo_files = std::map<std::string, std::optional<std::string>>;

std::string stage_json(int index, std::string const& title);
// A lesson with one blank whose solution prints `answer`.
std::string lesson_json(std::string const& title, std::string const& answer);
// `stages` stages (stage_1, ...) of `lessons` lessons each (s1_lesson_1.json, ...), under `prefix` if not
// empty.
repo_files lesson_repository(int stages, int lessons, std::string const& prefix = {});

// The source's steady time: the real clock plus an offset that only grows, so real timers stay consistent
// with it. Its system time is the real one, as the fake GitHub's x-ratelimit-reset values are.
class manual_clock {
  public:
    github::github_clock clock() const;
    void advance(std::chrono::milliseconds by) { offset_->fetch_add(by.count()); }

  private:
    std::shared_ptr<std::atomic<std::int64_t>> offset_ = std::make_shared<std::atomic<std::int64_t>>(0);
};

struct log_capture_lines {
    std::vector<std::string> lines;

    github::log_sink sink();
    bool contains(std::string_view text) const;
};

// Points at `fake` and trusts its certificate; a token, short timeouts for tests.
github::github_settings settings_for(fake_github const& fake);

// Runs `work` on `ioc` until the io_context has no work left (background revalidations included).
template <typename T>
T run_in(boost::asio::io_context& ioc, boost::asio::awaitable<T> work)
{
    auto result = boost::asio::co_spawn(ioc, std::move(work), boost::asio::use_future);
    ioc.restart();
    ioc.run();
    return result.get();
}

// Completes once `fake` has recorded at least `n` requests whose path contains `part` (true), or after
// `limit` (false). Woken by the fake's request hook; no polling.
boost::asio::awaitable<bool> wait_for_requests(fake_github& fake, std::string part, std::size_t n,
                                               std::chrono::milliseconds limit = std::chrono::seconds{10});

}  // namespace pyfun::test
