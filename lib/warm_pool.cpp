#include "warm_pool.hpp"

#include <utility>

namespace pyfun::core::detail {

warm_pool::warm_pool(runner_options options, std::size_t capacity, run_limits limits)
    : options_{std::move(options)}, capacity_{capacity}, limits_{limits}
{
    counts_.capacity = capacity;
}

warm_pool::taken warm_pool::take(run_limits const& limits)
{
    taken out;
    if (!same_start_limits(limits, limits_)) {
        ++counts_.cold;
        return out;
    }
    while (!waiting_.empty()) {
        started_run run = std::move(waiting_.front());
        waiting_.pop_front();
        if (!run.ended()) {
            ++counts_.warm;
            out.run.emplace(std::move(run));
            return out;
        }
        ++counts_.lost;  // ~started_run collects it
        out.dropped_dead = true;
    }
    ++counts_.cold;
    return out;
}

void warm_pool::refill()
{
    while (waiting_.size() < capacity_) {
        auto started = started_run::start(options_, limits_);
        if (!started) {
            ++counts_.failed_starts;
            return;
        }
        waiting_.push_back(std::move(*started));
    }
}

warm_runs_stats warm_pool::stats() const
{
    auto stats = counts_;
    stats.waiting = waiting_.size();
    return stats;
}

}  // namespace pyfun::core::detail
