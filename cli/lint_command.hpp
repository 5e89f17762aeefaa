#pragma once
// `pyfun lint [options] [SOURCE]`: loads every lesson and runs every solution in the sandbox.

#include <span>
#include <string_view>

namespace pyfun::cli {

int run_lint_command(std::span<char const* const> args);

}  // namespace pyfun::cli
