#include "lint_command.hpp"

#include "lib/github/github_settings.hpp"
#include "lib/github/open_source.hpp"
#include "lib/lint.hpp"
#include "lib/runner.hpp"
#include "lib/verifier.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <charconv>
#include <cstdlib>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <thread>

namespace net = boost::asio;

namespace pyfun::cli {
namespace {

constexpr std::string_view lint_help = R"(Usage: pyfun lint [options] [SOURCE]

Checks a lesson repository: every stage.json and lesson file loads (schema, s<index>_<lesson>.json naming,
blanks against the solution's fields), and every lesson's "solution" is accepted in the real sandbox.
Exits 0 when everything passes, 1 when anything fails, 2 on a usage error.

SOURCE      dir:<path>, a plain folder path, or github:<owner>/<repo>[@<ref>][/<subdir>]
            (default: the bundled lessons; env PYFUN_LESSONS)

Options:
  --python PATH   Python interpreter to run lessons with (env PYFUN_PYTHON; default: python3 on PATH)
  --jobs N        solutions checked at once (default: the number of CPUs)
  --quiet         print only failures and the summary
  -h, --help      this help

GitHub sources read PYFUN_GITHUB_TOKEN (or GITHUB_TOKEN), PYFUN_GITHUB_API and PYFUN_GITHUB_CA_FILE
from the environment.
)";

struct lint_options {
    std::string source;
    unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
    bool quiet = false;
};

std::optional<unsigned> parse_count(std::string_view text)
{
    unsigned value = 0;
    auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value == 0 || value > 256)
        return std::nullopt;
    return value;
}

// Returns an exit code when parsing ends the command (help or an error).
std::optional<int> parse_args(std::span<char const* const> args, lint_options& options)
{
    if (char const* env = std::getenv("PYFUN_LESSONS"))
        options.source = env;
    bool source_given = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string_view const arg = args[i];
        auto const value = [&]() -> std::optional<std::string_view> {
            if (i + 1 >= args.size())
                return std::nullopt;
            return std::string_view{args[++i]};
        };
        if (arg == "-h" || arg == "--help") {
            std::cout << lint_help;
            return 0;
        }
        if (arg == "--quiet") {
            options.quiet = true;
        }
        else if (arg == "--python") {
            auto const path = value();
            if (!path) {
                std::cerr << "pyfun lint: --python needs a path\n";
                return 2;
            }
            ::setenv("PYFUN_PYTHON", std::string{*path}.c_str(), 1);
        }
        else if (arg == "--jobs") {
            auto const text = value();
            auto const jobs = text ? parse_count(*text) : std::nullopt;
            if (!jobs) {
                std::cerr << "pyfun lint: --jobs needs a number from 1 to 256\n";
                return 2;
            }
            options.jobs = *jobs;
        }
        else if (arg.starts_with("-")) {
            std::cerr << "pyfun lint: unknown option " << arg << " (see pyfun lint --help)\n";
            return 2;
        }
        else if (source_given) {
            std::cerr << "pyfun lint: only one SOURCE may be given\n";
            return 2;
        }
        else {
            options.source = arg;
            source_given = true;
        }
    }
    return std::nullopt;
}

void print_report(core::lint_report const& report, std::string const& source, bool quiet)
{
    std::size_t lessons_ok = 0;
    for (auto const& entry : report.entries) {
        lessons_ok += entry.ok ? 1 : 0;
        if (entry.ok && quiet)
            continue;
        std::cout << (entry.ok ? "ok    " : "FAIL  ") << entry.what << ": " << entry.message << '\n';
    }
    std::cout << source << ": " << report.entries.size() << " checked, " << lessons_ok << " ok, "
              << report.failures() << " failed\n";
}

}  // namespace

int run_lint_command(std::span<char const* const> args)
{
    lint_options options;
    if (auto const exit_code = parse_args(args, options))
        return *exit_code;

    auto const github_settings =
        github::github_settings_from_env([](std::string const& name) -> std::optional<std::string> {
            char const* value = std::getenv(name.c_str());
            return value ? std::optional<std::string>{value} : std::nullopt;
        });
    if (!github_settings) {
        std::cerr << "pyfun lint: " << github_settings.error().message << '\n';
        return 2;
    }
    net::io_context ioc;
    auto source = github::open_any_lesson_source(ioc.get_executor(), options.source, *github_settings);
    if (!source) {
        std::cerr << "pyfun lint: " << source.error().message << '\n';
        return 1;
    }
    auto const interpreter = core::find_interpreter();
    if (!interpreter) {
        std::cerr << "pyfun lint: no Python interpreter found (install python3 or set PYFUN_PYTHON)\n";
        return 1;
    }
    core::prepare_supervisor_process();
    core::runner sandbox{{*interpreter, {}}};
    core::verifier judge{sandbox, core::run_limits{}};

    auto pending =
        net::co_spawn(ioc, core::lint_lessons(*source->source, judge, options.jobs), net::use_future);
    ioc.run();
    auto const report = pending.get();
    print_report(report, source->source->description(), options.quiet);
    return report.passed() ? 0 : 1;
}

}  // namespace pyfun::cli
