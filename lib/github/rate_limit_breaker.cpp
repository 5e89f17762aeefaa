#include "rate_limit_breaker.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>

namespace pyfun::github {
namespace {

constexpr std::chrono::seconds shortest_wait{1};
constexpr std::chrono::seconds longest_wait{3600};
// GitHub's advice when a limit answer names no time: wait at least a minute.
constexpr std::chrono::seconds unnamed_wait{60};

std::optional<std::int64_t> header_number(core::header_map const& headers, std::string const& name)
{
    auto const it = headers.find(name);
    if (it == headers.end())
        return std::nullopt;
    std::int64_t value = 0;
    auto const& text = it->second;
    auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

bool mentions_rate_limit(std::string body)
{
    std::transform(body.begin(), body.end(), body.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return body.find("rate limit") != std::string::npos;
}

}  // namespace

bool rate_limit_breaker::observe(unsigned status, core::header_map const& headers, std::string const& body,
                                 steady_time steady_now, std::chrono::system_clock::time_point system_now)
{
    if (status != 403 && status != 429)
        return false;
    std::optional<std::chrono::seconds> wait;
    if (auto const retry_after = header_number(headers, "retry-after"))
        wait = std::chrono::seconds{*retry_after};
    else if (header_number(headers, "x-ratelimit-remaining") == 0) {
        auto const reset = header_number(headers, "x-ratelimit-reset");
        // In whole seconds: a hostile reset far in the future must not overflow a nanosecond clock.
        auto const now =
            std::chrono::duration_cast<std::chrono::seconds>(system_now.time_since_epoch()).count();
        auto const limit = longest_wait.count();
        // reset is a whole second: wait until it has passed.
        wait =
            reset ? std::chrono::seconds{std::clamp<std::int64_t>(*reset, now - limit, now + limit) - now + 1}
                  : unnamed_wait;
    }
    else if (status == 429 || mentions_rate_limit(body))
        wait = unnamed_wait;
    if (!wait)
        return false;  // a plain 403: no permission, not a limit
    auto const until = steady_now + std::clamp<std::chrono::seconds>(*wait, shortest_wait, longest_wait);
    if (!open_until_ || *open_until_ < until)
        open_until_ = until;
    ++times_opened_;
    return true;
}

}  // namespace pyfun::github
