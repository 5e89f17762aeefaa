#pragma once
// Runs started ahead of need. An interpreter start (plus the launcher's namespaces, mounts and filters) is
// most of a verify's time; a pool keeps a few runs started up to the point where they wait for their program
// (runner_start.hpp), so a learner's program goes to an interpreter that is already up.
//
// Every property of a cold run still holds: each waiting run is a fresh process of its own, exec'd like any
// other, that receives exactly one program and ends with it; it has seen nothing before its program, so it has
// nothing a learner could read. What is new is that it exists while other learners' programs run, so the pool
// is only allowed where those programs cannot reach it (isolates_waiting_runs): in their own pid namespace
// they cannot name it (no kill, ptrace or /proc of it), and in their own mount namespace they cannot see its
// work folder.
//
// Runs are started with one set of start limits (the verifier's defaults); a run that needs other limits
// starts cold.

#include "runner.hpp"
#include "runner_start.hpp"

#include <cstddef>
#include <deque>
#include <optional>

namespace pyfun::core::detail {

class warm_pool {
public:
    warm_pool(runner_options options, std::size_t capacity, run_limits limits);

    struct taken {
        std::optional<started_run> run;  // none ready, or other start limits
        // Runs that had died while they waited were dropped on the way. Their launchers are collected, but
        // what the launchers left (processes of their pid namespaces) comes to us as orphans to reap.
        bool dropped_dead = false;
    };

    // A waiting run whose start limits are `limits`, if there is one.
    taken take(run_limits const& limits);

    // Starts runs until `capacity` wait. A failure is counted, not thrown: runs then start cold, as they
    // would without a pool, and report their own errors.
    void refill();

    warm_runs_stats stats() const;

private:
    runner_options options_;
    std::size_t capacity_;
    run_limits limits_;
    std::deque<started_run> waiting_;
    warm_runs_stats counts_{};
};

}  // namespace pyfun::core::detail
