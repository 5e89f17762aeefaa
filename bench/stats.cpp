#include "bench/stats.hpp"

#include <algorithm>

namespace pyfun::bench {
namespace {

// Nearest rank on the sorted sample.
double rank(std::vector<double> const& sorted, double p)
{
    auto const index = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
    return sorted[std::min(index, sorted.size() - 1)];
}

} // namespace

summary summarize(std::vector<double> values)
{
    summary out;
    out.count = values.size();
    if (values.empty())
        return out;
    std::sort(values.begin(), values.end());
    out.min = values.front();
    out.median = rank(values, 0.5);
    out.p90 = rank(values, 0.9);
    out.p99 = rank(values, 0.99);
    out.max = values.back();
    return out;
}

} // namespace pyfun::bench
