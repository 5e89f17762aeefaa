#pragma once
// Bounds how many learner programs run at once; the others wait their turn, in order. On a 2-core host 256
// interpreters started together each take seconds of wall time and hit the wall limit (or the launcher's
// setup deadline) for no fault of their own, while a few at a time finish in milliseconds with the same
// throughput. A run's wall timer starts only once it holds a slot. Single-threaded, like the event loop.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstddef>
#include <list>
#include <utility>

namespace pyfun::core {

class run_slots {
public:
    // 0: no limit.
    explicit run_slots(std::size_t limit) : limit_{limit} {}
    run_slots(run_slots const&) = delete;
    run_slots& operator=(run_slots const&) = delete;

    // A held slot; gives it back (to the first waiter) on destruction.
    class slot {
    public:
        slot() = default;
        explicit slot(run_slots* owner) : owner_{owner} {}
        slot(slot&& other) noexcept : owner_{std::exchange(other.owner_, nullptr)} {}
        slot& operator=(slot&&) = delete;
        ~slot()
        {
            if (owner_ != nullptr)
                owner_->release();
        }
        explicit operator bool() const { return owner_ != nullptr; }

    private:
        run_slots* owner_ = nullptr;
    };

    // Waits for a slot. An empty slot means the wait was cancelled (the caller's run was cancelled).
    boost::asio::awaitable<slot> acquire();

    std::size_t limit() const { return limit_; }
    std::size_t active() const { return active_; }
    std::size_t waiting() const { return waiters_.size(); }

private:
    // Lives in acquire()'s frame; leaves the queue when that frame goes, even one destroyed mid-wait.
    struct waiter {
        waiter(boost::asio::any_io_executor const& executor, run_slots& owner);
        ~waiter();
        waiter(waiter const&) = delete;
        waiter& operator=(waiter const&) = delete;

        boost::asio::steady_timer wake;
        run_slots& owner;
        std::list<waiter*>::iterator place;
        bool granted = false;
    };

    void release();

    std::size_t limit_;
    std::size_t active_ = 0;
    std::list<waiter*> waiters_;  // oldest first
};

// The default for servers: four runs per core, at least eight (sleeping programs hold a slot too).
std::size_t default_run_slots();

}  // namespace pyfun::core
