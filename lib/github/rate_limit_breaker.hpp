#pragma once
// Opens on GitHub's rate-limit answers (403/429 with x-ratelimit-remaining: 0 or retry-after, or a
// "secondary rate limit" message) and stays open until the announced reset: no upstream calls meanwhile.

#include "lib/http_types.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace pyfun::github {

class rate_limit_breaker {
  public:
    using steady_time = std::chrono::steady_clock::time_point;

    // Looks at one answer; returns true (and opens) when it is a rate-limit answer. x-ratelimit-reset is an
    // epoch second, so the system clock converts it; the wait is clamped to [1 s, 1 h].
    bool observe(unsigned status, core::header_map const& headers, std::string const& body,
                 steady_time steady_now, std::chrono::system_clock::time_point system_now);

    bool is_open(steady_time now) const { return open_until_ && now < *open_until_; }
    std::optional<steady_time> open_until() const { return open_until_; }
    std::uint64_t times_opened() const { return times_opened_; }

  private:
    std::optional<steady_time> open_until_;
    std::uint64_t times_opened_ = 0;
};

}  // namespace pyfun::github
