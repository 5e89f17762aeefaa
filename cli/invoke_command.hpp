#pragma once
// `pyfun invoke --event FILE [--handler NAME] [--lessons SOURCE]`: runs the Lambda function on one event and
// prints the response JSON exactly as `bootstrap` would post it to the Runtime API.

#include <span>

namespace pyfun::cli {

int run_invoke_command(std::span<char const* const> args);

}  // namespace pyfun::cli
