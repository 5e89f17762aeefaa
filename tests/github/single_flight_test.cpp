// Single-flight: one run of the work for concurrent callers, each bounded by its own deadline.

#include "lib/github/single_flight.hpp"

#include "github/github_test_support.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <catch2/catch.hpp>

#include <stdexcept>

namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;
using flight = pyfun::github::single_flight<int>;

flight make_flight(net::io_context& ioc, int& bugs)
{
    return flight{ioc.get_executor(), [] { return -1; }, [&bugs](std::exception_ptr) { ++bugs; }};
}

}  // namespace

TEST_CASE("concurrent callers of one key share one run and its result", "[github]")
{
    net::io_context ioc;
    int bugs = 0;
    auto flights = make_flight(ioc, bugs);
    int runs = 0;
    net::steady_timer gate{ioc, std::chrono::steady_clock::time_point::max()};
    auto work = [&]() -> net::awaitable<int> {
        ++runs;
        co_await gate.async_wait(net::as_tuple(net::use_awaitable));  // held until every caller has joined
        co_return 42;
    };
    std::vector<int> results;
    auto const deadline = std::chrono::steady_clock::now() + 10s;
    for (int i = 0; i < 100; ++i)
        net::co_spawn(
            ioc,
            [&]() -> net::awaitable<void> {
                auto const value = co_await flights.run("key", work, deadline);
                results.push_back(value.value_or(0));
            },
            net::detached);
    net::co_spawn(
        ioc,
        [&]() -> net::awaitable<void> {
            CHECK(flights.in_flight() == 1);
            gate.cancel();
            co_return;
        },
        net::detached);
    ioc.run();
    CHECK(runs == 1);
    REQUIRE(results.size() == 100);
    CHECK(std::all_of(results.begin(), results.end(), [](int v) { return v == 42; }));
    CHECK(flights.in_flight() == 0);
    CHECK(bugs == 0);

    // A later call starts a new run: results are not cached here.
    auto const again = pyfun::test::run_in(ioc, flights.run(
                                                    "key",
                                                    [&]() -> net::awaitable<int> {
                                                        ++runs;
                                                        co_return 7;
                                                    },
                                                    std::chrono::steady_clock::now() + 1s));
    CHECK(again == 7);
    CHECK(runs == 2);
}

TEST_CASE("a caller whose deadline passes gets nothing while the run goes on for the others",
          "[github][timeout]")
{
    net::io_context ioc;
    int bugs = 0;
    auto flights = make_flight(ioc, bugs);
    bool finished = false;
    auto slow = [&]() -> net::awaitable<int> {
        net::steady_timer pause{co_await net::this_coro::executor, 300ms};
        co_await pause.async_wait(net::use_awaitable);
        finished = true;
        co_return 5;
    };
    std::optional<int> impatient, patient;
    auto const start = std::chrono::steady_clock::now();
    std::chrono::steady_clock::duration impatient_waited{};
    net::co_spawn(
        ioc,
        [&]() -> net::awaitable<void> {
            impatient = co_await flights.run("k", slow, std::chrono::steady_clock::now() + 20ms);
            impatient_waited = std::chrono::steady_clock::now() - start;
        },
        net::detached);
    net::co_spawn(
        ioc,
        [&]() -> net::awaitable<void> {
            patient = co_await flights.run("k", slow, std::chrono::steady_clock::now() + 10s);
        },
        net::detached);
    ioc.run();
    CHECK_FALSE(impatient.has_value());
    CHECK(impatient_waited < 250ms);
    REQUIRE(patient.has_value());
    CHECK(*patient == 5);
    CHECK(finished);
}

TEST_CASE("work that throws is reported and its waiters get the failure value", "[github]")
{
    net::io_context ioc;
    int bugs = 0;
    auto flights = make_flight(ioc, bugs);
    auto broken = []() -> net::awaitable<int> {
        throw std::logic_error("bug");
        co_return 0;
    };
    auto const value =
        pyfun::test::run_in(ioc, flights.run("k", broken, std::chrono::steady_clock::now() + 1s));
    CHECK(value == -1);
    CHECK(bugs == 1);
    CHECK(flights.in_flight() == 0);
}
