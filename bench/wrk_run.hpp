#pragma once
// An optional second opinion on throughput: wrk (when installed) against a GET URL on 127.0.0.1, one thread,
// a fixed duration. Our own load generator stays the one the table relies on; these rows only add to it.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

namespace pyfun::bench {

struct wrk_result {
    double requests_per_second = 0;
    double p50_ms = 0;
    double p99_ms = 0;
    std::size_t errors = 0; // non-2xx/3xx answers plus socket errors
};

// The wrk executable on PATH, if any.
std::optional<std::string> find_wrk();

// Runs `wrk -t1 -cN -dS --latency URL`; nullopt when its report cannot be read.
std::optional<wrk_result> run_wrk(std::string const& wrk,
                                  std::string const& url,
                                  std::size_t connections,
                                  std::chrono::seconds duration);

} // namespace pyfun::bench
