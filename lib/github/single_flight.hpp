#pragma once
// Single-flight: concurrent calls for one key share one run of the work (one upstream request) and its
// result. Each caller waits only until its own deadline; the work goes on for the others and for the caches
// it fills. Use from one thread; the owner must outlive the executor's run().

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace pyfun::github {

template <typename T>
class single_flight {
  public:
    using work_function = std::function<boost::asio::awaitable<T>()>;

    // `on_failure` makes what waiters get when the work throws (a bug), after `report` has logged it.
    single_flight(boost::asio::any_io_executor executor, std::function<T()> on_failure,
                  std::function<void(std::exception_ptr)> report)
        : executor_{std::move(executor)}, on_failure_{std::move(on_failure)}, report_{std::move(report)}
    {
    }

    // Starts `work` for `key` unless a run of it is in flight; does not wait.
    void start(std::string const& key, work_function work) { join(key, std::move(work)); }

    // Joins (or starts) the run for `key` and waits for its result until `deadline`; nullopt when the
    // deadline came first.
    boost::asio::awaitable<std::optional<T>> run(std::string const& key, work_function work,
                                                 std::chrono::steady_clock::time_point deadline)
    {
        using namespace boost::asio::experimental::awaitable_operators;
        constexpr auto nothrow_awaitable = boost::asio::as_tuple(boost::asio::use_awaitable);
        auto const shared = join(key, std::move(work));
        if (!shared->result) {
            boost::asio::steady_timer limit{executor_, deadline};
            co_await (shared->done.async_wait(nothrow_awaitable) || limit.async_wait(nothrow_awaitable));
        }
        co_return shared->result;
    }

    std::size_t in_flight() const { return flights_.size(); }

  private:
    struct flight {
        explicit flight(boost::asio::any_io_executor const& executor)
            : done{executor, std::chrono::steady_clock::time_point::max()}
        {
        }
        std::optional<T> result;
        boost::asio::steady_timer done;  // never expires: cancel() wakes every waiter
    };

    static boost::asio::awaitable<void> fly(std::shared_ptr<flight> shared, work_function work)
    {
        shared->result = co_await work();
    }

    std::shared_ptr<flight> join(std::string const& key, work_function work)
    {
        if (auto const found = flights_.find(key); found != flights_.end())
            return found->second;
        auto shared = std::make_shared<flight>(executor_);
        flights_.emplace(key, shared);
        boost::asio::co_spawn(
            executor_, fly(shared, std::move(work)), [this, key, shared](std::exception_ptr error) {
                if (error) {
                    report_(error);
                    shared->result = on_failure_();
                }
                if (auto const found = flights_.find(key); found != flights_.end() && found->second == shared)
                    flights_.erase(found);
                shared->done.cancel();
            });
        return shared;
    }

    boost::asio::any_io_executor executor_;
    std::function<T()> on_failure_;
    std::function<void(std::exception_ptr)> report_;
    std::map<std::string, std::shared_ptr<flight>> flights_;
};

}  // namespace pyfun::github
