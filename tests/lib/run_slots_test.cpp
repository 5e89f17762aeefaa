// run_slots: at most `limit` holders at once, the rest served oldest first, a cancelled waiter leaves the
// queue, and the runner's runs wait for their turn.

#include "lib/run_slots.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <catch2/catch.hpp>

#include <memory>
#include <optional>
#include <vector>

namespace {

namespace net = boost::asio;
using pyfun::core::run_slots;

// Takes a slot and keeps it in `held` until the test drops it; records the order slots were granted in.
net::awaitable<void> take(run_slots& slots, int id, std::vector<int>& order,
                          std::vector<std::optional<run_slots::slot>>& held)
{
    auto slot = co_await slots.acquire();
    if (!slot)
        co_return;
    order.push_back(id);
    held[static_cast<std::size_t>(id)].emplace(std::move(slot));
}

}  // namespace

TEST_CASE("run slots admit up to the limit and then serve waiters oldest first", "[lib]")
{
    net::io_context ioc;
    run_slots slots{2};
    std::vector<int> order;
    std::vector<std::optional<run_slots::slot>> held(5);
    for (int id = 0; id < 5; ++id)
        net::co_spawn(ioc, take(slots, id, order, held), net::detached);
    ioc.poll();
    CHECK(order == std::vector<int>{0, 1});
    CHECK(slots.active() == 2);
    CHECK(slots.waiting() == 3);

    held[1].reset();  // one slot back: the oldest waiter gets it
    ioc.poll();
    CHECK(order == std::vector<int>{0, 1, 2});
    CHECK(slots.active() == 2);
    CHECK(slots.waiting() == 2);

    held[0].reset();
    held[2].reset();
    ioc.poll();
    CHECK(order == std::vector<int>{0, 1, 2, 3, 4});
    held[3].reset();
    held[4].reset();
    CHECK(slots.active() == 0);
    CHECK(slots.waiting() == 0);
}

TEST_CASE("a waiter whose run is cancelled leaves the queue without a slot", "[lib]")
{
    net::io_context ioc;
    run_slots slots{1};
    std::vector<int> order;
    std::vector<std::optional<run_slots::slot>> held(3);
    net::cancellation_signal cancel_second;
    net::co_spawn(ioc, take(slots, 0, order, held), net::detached);
    net::co_spawn(ioc, take(slots, 1, order, held),
                  net::bind_cancellation_slot(cancel_second.slot(), net::detached));
    net::co_spawn(ioc, take(slots, 2, order, held), net::detached);
    ioc.poll();
    REQUIRE(slots.waiting() == 2);

    cancel_second.emit(net::cancellation_type::terminal);
    ioc.poll();
    CHECK(slots.waiting() == 1);
    CHECK_FALSE(held[1].has_value());

    held[0].reset();  // goes to the third, not to the cancelled second
    ioc.poll();
    CHECK(order == std::vector<int>{0, 2});
    CHECK(slots.active() == 1);
    held[2].reset();
    CHECK(slots.active() == 0);
}

TEST_CASE("without a limit every run gets a slot at once", "[lib]")
{
    net::io_context ioc;
    run_slots slots{0};
    std::vector<int> order;
    std::vector<std::optional<run_slots::slot>> held(3);
    for (int id = 0; id < 3; ++id)
        net::co_spawn(ioc, take(slots, id, order, held), net::detached);
    ioc.poll();
    CHECK(order.size() == 3);
    CHECK(slots.waiting() == 0);
}
