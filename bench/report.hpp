#pragma once
// What a run found: rows grouped by section, each a few named figures in one unit and, where there is one, a
// ratio to its baseline measured in the same run. Printed as a text table and, on request, as JSON.

#include "bench/stats.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace pyfun::bench {

struct row {
    std::string figure;                                 // "bootstrap, spawn to response"
    std::vector<std::pair<std::string, double>> values; // {"median", 6.2}, ...
    std::string unit;                                   // "ms", "req/s", "MB", "requests"
    std::optional<double> ratio;                        // value / baseline
    std::string ratio_of;                               // "median / runtime floor median"
    std::string target;                                 // the target this ratio checks, if any
    std::size_t errors = 0;                             // failed requests or runs behind these figures
};

struct section_report {
    std::string name;  // "cold_lambda"
    std::string title; // "cold start, Lambda mode (50 spawns)"
    std::vector<row> rows;
    std::vector<std::string> notes; // a section that could not run says why here
    std::size_t failures = 0;       // parts that could not be measured at all (counted as errors)
};

class report {
  public:
    section_report& add_section(std::string name, std::string title);
    // The last section if it has this name (a section that failed half-way), else a new one.
    section_report& section_named(std::string const& name);
    std::vector<section_report> const& sections() const { return sections_; }
    std::size_t total_errors() const;

    void print_table(std::ostream& out) const;
    boost::json::object to_json(boost::json::object machine) const;

  private:
    std::vector<section_report> sections_;
};

// A row of min / median / p90 / max.
row spread_row(std::string figure, summary const& s, std::string unit);

// "2 cores, Debian GNU/Linux 12 (bookworm), <cpu model>": what the table ran on.
boost::json::object describe_machine();

} // namespace pyfun::bench
