#include "run_slots.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <thread>

namespace pyfun::core {

namespace net = boost::asio;

net::awaitable<run_slots::slot> run_slots::acquire()
{
    if (limit_ == 0 || (active_ < limit_ && waiters_.empty())) {
        ++active_;
        co_return slot{this};
    }
    auto const executor = co_await net::this_coro::executor;
    waiter me{executor, *this};
    // Ends when release() hands us the slot (it cancels the timer) or when our own run is cancelled.
    co_await me.wake.async_wait(net::as_tuple(net::use_awaitable));
    if (me.granted)
        co_return slot{this};  // release() counted us as active already
    co_return slot{};
}

run_slots::waiter::waiter(net::any_io_executor const& executor, run_slots& slots)
    : wake{executor, net::steady_timer::time_point::max()}, owner{slots}
{
    place = owner.waiters_.insert(owner.waiters_.end(), this);
}

run_slots::waiter::~waiter()
{
    if (!granted)
        owner.waiters_.erase(place);
}

void run_slots::release()
{
    if (waiters_.empty()) {
        --active_;
        return;
    }
    // The slot goes straight to the oldest waiter: active_ stays as it is.
    auto* next = waiters_.front();
    waiters_.pop_front();
    next->granted = true;
    next->wake.cancel();
}

std::size_t default_run_slots()
{
    return std::max<std::size_t>(8, 4 * std::thread::hardware_concurrency());
}

}  // namespace pyfun::core
