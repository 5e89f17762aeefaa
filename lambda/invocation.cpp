#include "invocation.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>

namespace pyfun::lambda {
namespace {

constexpr std::chrono::minutes past_tolerance{1};
constexpr std::chrono::minutes longest_invocation{15};
constexpr std::chrono::minutes future_slack{1};
constexpr std::size_t max_request_id_size = 256;

}  // namespace

std::optional<std::chrono::system_clock::time_point> parse_deadline(std::string_view header,
                                                                    std::chrono::system_clock::time_point now)
{
    std::int64_t epoch_ms = 0;
    auto const [end, ec] = std::from_chars(header.data(), header.data() + header.size(), epoch_ms);
    if (header.empty() || ec != std::errc{} || end != header.data() + header.size() || epoch_ms < 0)
        return std::nullopt;
    auto const now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    auto const earliest = now_ms - std::chrono::milliseconds{past_tolerance}.count();
    auto const latest = now_ms + std::chrono::milliseconds{longest_invocation + future_slack}.count();
    if (epoch_ms < earliest || epoch_ms > latest)
        return std::nullopt;
    return std::chrono::system_clock::time_point{std::chrono::milliseconds{epoch_ms}};
}

std::optional<std::chrono::milliseconds> time_budget(
    std::optional<std::chrono::system_clock::time_point> deadline, std::chrono::milliseconds margin,
    std::chrono::system_clock::time_point now)
{
    if (!deadline)
        return std::nullopt;
    auto const left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - now) - margin;
    return std::max(left, std::chrono::milliseconds{0});
}

bool is_valid_request_id(std::string_view id)
{
    if (id.empty() || id.size() > max_request_id_size)
        return false;
    return std::all_of(id.begin(), id.end(), [](char c) {
        return c > ' ' && c < 0x7f && c != '/' && c != '?' && c != '#' && c != '%';
    });
}

}  // namespace pyfun::lambda
