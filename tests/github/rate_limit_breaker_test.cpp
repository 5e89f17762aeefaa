// The rate-limit breaker's reading of GitHub's answers.

#include "lib/github/rate_limit_breaker.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using pyfun::github::rate_limit_breaker;

namespace {

auto const steady = std::chrono::steady_clock::time_point{} + 1000s;
auto const wall = std::chrono::system_clock::time_point{} + 1700000000s;

}  // namespace

TEST_CASE("x-ratelimit-remaining 0 opens the breaker until x-ratelimit-reset", "[github]")
{
    rate_limit_breaker breaker;
    auto const opened = breaker.observe(
        403, {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", "1700000060"}}, "{}", steady, wall);
    CHECK(opened);
    CHECK(breaker.is_open(steady));
    CHECK(breaker.is_open(steady + 60s));
    CHECK_FALSE(breaker.is_open(steady + 61s));
    CHECK(breaker.times_opened() == 1);
}

TEST_CASE("retry-after, a 429 or a secondary-limit message open it; a plain 403 does not", "[github]")
{
    rate_limit_breaker after;
    CHECK(after.observe(429, {{"retry-after", "30"}}, "", steady, wall));
    CHECK(after.is_open(steady + 29s));
    CHECK_FALSE(after.is_open(steady + 30s));

    rate_limit_breaker bare;
    CHECK(bare.observe(429, {}, "", steady, wall));
    CHECK(bare.is_open(steady + 59s));

    rate_limit_breaker secondary;
    CHECK(secondary.observe(403, {}, R"({"message":"You have exceeded a secondary Rate Limit"})", steady,
                            wall));

    rate_limit_breaker forbidden;
    CHECK_FALSE(forbidden.observe(403, {{"x-ratelimit-remaining", "4999"}},
                                  R"({"message":"Resource not accessible"})", steady, wall));
    CHECK_FALSE(forbidden.is_open(steady));
    CHECK_FALSE(forbidden.observe(200, {{"x-ratelimit-remaining", "0"}}, "", steady, wall));
}

TEST_CASE("hostile reset values are clamped between a second and an hour", "[github]")
{
    rate_limit_breaker past;
    CHECK(past.observe(403, {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", "5"}}, "", steady, wall));
    CHECK(past.is_open(steady));
    CHECK_FALSE(past.is_open(steady + 1s));

    rate_limit_breaker far;
    CHECK(far.observe(403, {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", "99999999999"}}, "", steady,
                      wall));
    CHECK(far.is_open(steady + 3599s));
    CHECK_FALSE(far.is_open(steady + 3600s));

    rate_limit_breaker garbage;
    CHECK(garbage.observe(429, {{"retry-after", "soon"}, {"x-ratelimit-reset", "x"}}, "", steady, wall));
    CHECK(garbage.is_open(steady + 59s));
}
