#include "bench/report.hpp"

#include "support/read_file.hpp"

#include <boost/json/array.hpp>

#include <cmath>
#include <cstdio>
#include <iomanip>
#include <sstream>
#include <thread>

#include <sys/utsname.h>

namespace json = boost::json;

namespace pyfun::bench {
namespace {

// Counts (requests, processes) print as whole numbers; measurements with two decimals or three digits.
std::string number(double value)
{
    char text[32];
    if (value == std::floor(value) && value < 100000)
        std::snprintf(text, sizeof text, "%.0f", value);
    else if (value != 0 && (value >= 100000 || value < 0.01))
        std::snprintf(text, sizeof text, "%.3g", value);
    else
        std::snprintf(text, sizeof text, value >= 100 ? "%.0f" : "%.2f", value);
    return text;
}

std::string padded(std::string text, std::size_t width)
{
    if (text.size() < width)
        text.append(width - text.size(), ' ');
    return text;
}

// The value of `key` ("PRETTY_NAME=...") in an os-release or cpuinfo style text.
std::string field(std::string const& text, std::string const& key, char separator)
{
    std::istringstream lines{ text };
    std::string line;
    while (std::getline(lines, line)) {
        if (!line.starts_with(key))
            continue;
        auto const at = line.find(separator);
        if (at == std::string::npos)
            continue;
        auto value = line.substr(at + 1);
        value.erase(0, value.find_first_not_of(" \t\""));
        while (!value.empty() && (value.back() == '"' || value.back() == ' '))
            value.pop_back();
        return value;
    }
    return {};
}

} // namespace

section_report& report::add_section(std::string name, std::string title)
{
    sections_.push_back({ std::move(name), std::move(title), {}, {} });
    return sections_.back();
}

section_report& report::section_named(std::string const& name)
{
    if (sections_.empty() || sections_.back().name != name)
        return add_section(name, name);
    return sections_.back();
}

std::size_t report::total_errors() const
{
    std::size_t total = 0;
    for (auto const& section : sections_) {
        total += section.failures;
        for (auto const& r : section.rows)
            total += r.errors;
    }
    return total;
}

void report::print_table(std::ostream& out) const
{
    for (auto const& section : sections_) {
        out << "\n== " << section.title << " [" << section.name << "] ==\n";
        for (auto const& r : section.rows) {
            std::string values;
            for (auto const& [name, value] : r.values)
                values += name + " " + number(value) + "  ";
            values += r.unit;
            out << "  " << padded(r.figure, 56) << ' ' << padded(values, 58);
            if (r.ratio)
                out << " ratio " << padded(number(*r.ratio), 6) << " (" << r.ratio_of << ")";
            if (!r.target.empty())
                out << " [target " << r.target << "]";
            if (r.errors > 0)
                out << " ERRORS " << r.errors;
            out << '\n';
        }
        for (auto const& note : section.notes)
            out << "  note: " << note << '\n';
    }
    out << "\nerrors: " << total_errors() << '\n';
}

json::object report::to_json(json::object machine) const
{
    json::array sections;
    for (auto const& section : sections_) {
        json::array rows;
        for (auto const& r : section.rows) {
            json::object values;
            for (auto const& [name, value] : r.values)
                values[name] = value;
            json::object item{ { "figure", r.figure },
                               { "values", std::move(values) },
                               { "unit", r.unit },
                               { "errors", r.errors } };
            if (r.ratio) {
                item["ratio"] = *r.ratio;
                item["ratio_of"] = r.ratio_of;
            }
            if (!r.target.empty())
                item["target"] = r.target;
            rows.push_back(std::move(item));
        }
        json::array notes;
        for (auto const& note : section.notes)
            notes.emplace_back(note);
        sections.push_back(json::object{ { "name", section.name },
                                         { "title", section.title },
                                         { "rows", std::move(rows) },
                                         { "notes", std::move(notes) },
                                         { "failures", section.failures } });
    }
    return { { "machine", std::move(machine) },
             { "sections", std::move(sections) },
             { "errors", total_errors() } };
}

row spread_row(std::string figure, summary const& s, std::string unit)
{
    row out;
    out.figure = std::move(figure);
    out.values = { { "min", s.min }, { "median", s.median }, { "p90", s.p90 }, { "max", s.max } };
    out.unit = std::move(unit);
    return out;
}

json::object describe_machine()
{
    utsname names{};
    ::uname(&names);
    return { { "cores", static_cast<std::int64_t>(std::thread::hardware_concurrency()) },
             { "os", field(test::read_file_or_empty("/etc/os-release"), "PRETTY_NAME=", '=') },
             { "kernel", std::string{ names.release } },
             { "cpu", field(test::read_file_or_empty("/proc/cpuinfo"), "model name", ':') } };
}

} // namespace pyfun::bench
