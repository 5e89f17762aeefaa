#pragma once
// The lesson model: one lesson file (the old project's JSON format plus optional `solution` and `limits`),
// one stage.json, and the s<index>_<lesson>.json file naming. Parsing never trusts its input: every error
// names the file and the key.

#include <boost/system/result.hpp>

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace boost {
struct source_location;
}

namespace pyfun::core {

struct load_error {
    // Constructors (not an aggregate) so that result<std::string, load_error> is unambiguous.
    load_error() = default;
    load_error(std::string file_name, std::string key_path, std::string what)
        : file{std::move(file_name)}, key{std::move(key_path)}, message{std::move(what)}
    {
    }

    std::string file;  // as the source names it, e.g. "basics/s1_hello.json"
    std::string key;   // JSON key path such as "expect.stdout[2]"; empty for file-level problems
    std::string message;

    std::string to_string() const;  // "basics/s1_hello.json: expect.stdout[2]: must be a string"
};

[[noreturn]] void throw_exception_from_error(load_error const& e, boost::source_location const& loc);

template <typename T>
using load_result = boost::system::result<T, load_error>;

// Optional per-lesson overrides of the sandbox's default limits.
struct lesson_limits {
    std::optional<std::chrono::milliseconds> cpu;
    std::optional<std::chrono::milliseconds> wall;
    std::optional<std::size_t> memory_mb;
    std::optional<std::size_t> output_kb;
};

enum class validator_kind { std_output, runtime };

struct lesson {
    std::string stage;  // folder name
    std::string name;   // the <lesson> part of s<index>_<lesson>.json: the URL segment
    int index = 0;
    std::string title;
    std::string author;
    std::optional<std::string> image;
    std::vector<std::string> description;
    std::vector<std::string> code;
    std::size_t blank_count = 0;
    validator_kind validator = validator_kind::std_output;
    std::vector<std::string> expected_stdout;  // std_output: exact line lists, each line keeps its "\n"
    std::vector<std::string> expected_stderr;
    std::string validator_source;  // runtime: Python source defining validate(stdout_lines, stderr_lines)
    std::optional<std::vector<std::string>> solution;  // reference values for field_1..field_n
    lesson_limits limits;
};

struct stage_info {
    std::string name;
    int index = 0;
    std::string title;
};

struct lesson_file_name {
    int index = 0;
    std::string name;
};

// "s12_for_loops.json" -> {12, "for_loops"}; nullopt for anything else.
std::optional<lesson_file_name> parse_lesson_file_name(std::string_view file_name);

// Names usable as URL segments: ASCII letters, digits, '_', '-', '.', not starting with '.'.
bool is_valid_segment(std::string_view name);

// `file` is used in error messages only; stage and name come from the caller (folder and file name).
load_result<lesson> parse_lesson(std::string_view json_text, std::string const& file, std::string stage,
                                 lesson_file_name const& file_name);

load_result<stage_info> parse_stage(std::string_view json_text, std::string const& file, std::string stage);

}  // namespace pyfun::core
