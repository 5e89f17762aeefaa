#pragma once
// Report rows from load runs: throughput and latency of one request kind, server memory in MB.

#include "bench/bench_config.hpp"
#include "bench/load_generator.hpp"
#include "bench/proc_status.hpp"
#include "bench/report.hpp"

#include <string>

namespace pyfun::bench {

// req/s (all kinds), p50 and p99 of `kind`, errors of the whole run; its first error as the row's note.
row load_row(std::string figure, load_result const& result, std::size_t kind = 0);

double megabytes(long kb);

// The GET of a cached lesson and the verify POST of a std-validator lesson (hello_python) as load requests.
load_request lesson_get();
load_request lesson_verify(bench_config const& config);

} // namespace pyfun::bench
