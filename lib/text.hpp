#pragma once
// Turning a program's raw output bytes into what learners see: UTF-8 text split into lines.

#include <string>
#include <string_view>
#include <vector>

namespace pyfun::core {

// Valid UTF-8 is kept as is; every invalid sequence becomes U+FFFD, as Python's errors="replace" does.
std::string utf8_with_replacement(std::string_view bytes);

// Whether `bytes` is valid UTF-8 as it is, i.e. utf8_with_replacement() would return it unchanged.
bool is_valid_utf8(std::string_view bytes);

// "a\nb" -> {"a\n", "b"}; "a\n" -> {"a\n"}; "" -> {}. Splits on "\n" only.
std::vector<std::string> split_lines(std::string_view text);

}  // namespace pyfun::core
