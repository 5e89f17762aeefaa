#pragma once
// Blanks are the literal "_____" in a lesson's code, numbered left to right, top to bottom as field_1..n.
// Filling is plain text substitution: a value containing "{}", "_____", quotes or newlines goes in verbatim.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pyfun::core {

inline constexpr std::string_view blank_marker = "_____";

std::size_t count_blanks(std::vector<std::string> const& code);

// "field_3" for 3.
std::string field_name(std::size_t number);

// The lines joined with "\n" (a line that already ends in "\n" gets no second one), ending in "\n".
std::string join_lines(std::vector<std::string> const& lines);

// The program: code joined as by join_lines, the i-th blank replaced by values[i].
// Precondition: values.size() == count_blanks(code).
std::string fill_blanks(std::vector<std::string> const& code, std::vector<std::string> const& values);

}  // namespace pyfun::core
