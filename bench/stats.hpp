#pragma once
// Order statistics of a sample: what every latency row prints.

#include <cstddef>
#include <vector>

namespace pyfun::bench {

struct summary {
    std::size_t count = 0;
    double min = 0, median = 0, p90 = 0, p99 = 0, max = 0; // 0 for an empty sample
};

summary summarize(std::vector<double> values);

} // namespace pyfun::bench
