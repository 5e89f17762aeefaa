// `pyfun`: tools for lesson authors and operators.

#include "invoke_command.hpp"
#include "lint_command.hpp"

#include <iostream>
#include <span>
#include <string_view>

namespace {

constexpr std::string_view usage = R"(Usage: pyfun <command> [options]

Commands:
  lint [SOURCE]   check a lesson repository and run every solution in the sandbox
  invoke          run the Lambda function on one event file and print its response

Run `pyfun <command> --help` for the options of a command.
)";

}  // namespace

int main(int argc, char** argv)
{
    std::span<char const* const> const args{const_cast<char const* const*>(argv), static_cast<std::size_t>(argc)};
    if (args.size() < 2) {
        std::cerr << usage;
        return 2;
    }
    std::string_view const command = args[1];
    if (command == "-h" || command == "--help" || command == "help") {
        std::cout << usage;
        return 0;
    }
    if (command == "lint")
        return pyfun::cli::run_lint_command(args.subspan(2));
    if (command == "invoke")
        return pyfun::cli::run_invoke_command(args.subspan(2));
    std::cerr << "pyfun: unknown command \"" << command << "\"\n\n" << usage;
    return 2;
}
