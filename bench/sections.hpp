#pragma once
// The sections of a pyfun-bench run. Each measures its subject and its baselines in the same run, adds one
// section to the report, and throws only when it cannot run at all (a binary missing, no banner).

#include "bench/bench_config.hpp"
#include "bench/report.hpp"

namespace pyfun::bench {

void cold_lambda_section(bench_config const& config, report& out);
void cold_server_section(bench_config const& config, report& out);
void load_section(bench_config const& config, report& out);
void verify_section(bench_config const& config, report& out);
void memory_section(bench_config const& config, report& out);
void github_section(bench_config const& config, report& out);
void soak_section(bench_config const& config, report& out);

} // namespace pyfun::bench
