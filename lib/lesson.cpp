#include "lesson.hpp"

#include "blanks.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/throw_exception.hpp>

#include <charconv>
#include <stdexcept>

namespace json = boost::json;

namespace pyfun::core {
namespace {

constexpr std::size_t max_lesson_bytes = 256 * 1024;
constexpr int max_json_depth = 16;

// Upper bounds a lesson may ask for; beyond them a lesson could tie up the sandbox.
constexpr std::int64_t max_cpu_ms = 10'000;
constexpr std::int64_t max_wall_ms = 30'000;
constexpr std::int64_t max_memory_mb = 1024;
constexpr std::int64_t max_output_kb = 1024;

// Reads one JSON object of a file, producing errors that name the file and the key path.
class object_reader {
public:
    object_reader(json::object const& object, std::string const& file, std::string prefix = {})
        : object_{object}, file_{file}, prefix_{std::move(prefix)}
    {
    }

    load_error error(std::string_view key, std::string message) const
    {
        return {file_, path(key), std::move(message)};
    }

    std::string path(std::string_view key) const
    {
        return prefix_.empty() ? std::string{key} : prefix_ + "." + std::string{key};
    }

    json::value const* find(std::string_view key) const { return object_.if_contains(key); }

    std::string const& file() const { return file_; }

    load_result<std::string> required_string(std::string_view key) const
    {
        auto const* v = find(key);
        if (!v)
            return error(key, "is required");
        return string_of(*v, key);
    }

    load_result<std::optional<std::string>> optional_string(std::string_view key) const
    {
        auto const* v = find(key);
        if (!v || v->is_null())
            return std::optional<std::string>{};
        auto s = string_of(*v, key);
        if (!s)
            return s.error();
        return std::optional<std::string>{std::move(*s)};
    }

    // A list of strings; a single string is accepted where old lessons wrote one.
    load_result<std::vector<std::string>> string_list(std::string_view key, bool required) const
    {
        auto const* v = find(key);
        if (!v || v->is_null()) {
            if (required)
                return error(key, "is required");
            return std::vector<std::string>{};
        }
        if (v->is_string())
            return std::vector<std::string>{std::string{v->get_string()}};
        if (!v->is_array())
            return error(key, "must be a list of strings");
        std::vector<std::string> out;
        auto const& array = v->get_array();
        for (std::size_t i = 0; i < array.size(); ++i) {
            if (!array[i].is_string())
                return error(std::string{key} + "[" + std::to_string(i) + "]", "must be a string");
            out.emplace_back(array[i].get_string());
        }
        return out;
    }

    load_result<std::optional<std::int64_t>> bounded_int(std::string_view key, std::int64_t max) const
    {
        auto const* v = find(key);
        if (!v || v->is_null())
            return std::optional<std::int64_t>{};
        if (!v->is_int64() && !v->is_uint64())
            return error(key, "must be a whole number");
        auto const n = v->is_int64() ? v->get_int64() : static_cast<std::int64_t>(std::min<std::uint64_t>(
                                                              v->get_uint64(), std::uint64_t{1} << 62));
        if (n < 1 || n > max)
            return error(key, "must be between 1 and " + std::to_string(max));
        return std::optional<std::int64_t>{n};
    }

private:
    load_result<std::string> string_of(json::value const& v, std::string_view key) const
    {
        if (!v.is_string())
            return error(key, "must be a string");
        return std::string{v.get_string()};
    }

    json::object const& object_;
    std::string const& file_;
    std::string prefix_;
};

load_result<json::object> parse_object(std::string_view text, std::string const& file)
{
    if (text.size() > max_lesson_bytes)
        return load_error{file, "", "file is larger than " + std::to_string(max_lesson_bytes / 1024) + " KiB"};
    json::parse_options options;
    options.max_depth = max_json_depth;
    boost::system::error_code ec;
    auto value = json::parse(text, ec, {}, options);
    if (ec)
        return load_error{file, "", "invalid JSON: " + ec.message()};
    if (!value.is_object())
        return load_error{file, "", "must be a JSON object"};
    return std::move(value.get_object());
}

load_result<lesson_limits> parse_limits(object_reader const& top)
{
    auto const* v = top.find("limits");
    if (!v || v->is_null())
        return lesson_limits{};
    if (!v->is_object())
        return top.error("limits", "must be an object");
    object_reader const limits{v->get_object(), top.file(), "limits"};
    auto cpu = limits.bounded_int("cpu_ms", max_cpu_ms);
    if (!cpu)
        return cpu.error();
    auto wall = limits.bounded_int("wall_ms", max_wall_ms);
    if (!wall)
        return wall.error();
    auto memory = limits.bounded_int("memory_mb", max_memory_mb);
    if (!memory)
        return memory.error();
    auto output = limits.bounded_int("output_kb", max_output_kb);
    if (!output)
        return output.error();
    lesson_limits out;
    if (*cpu)
        out.cpu = std::chrono::milliseconds{**cpu};
    if (*wall)
        out.wall = std::chrono::milliseconds{**wall};
    if (*memory)
        out.memory_mb = static_cast<std::size_t>(**memory);
    if (*output)
        out.output_kb = static_cast<std::size_t>(**output);
    return out;
}

// Fills the validator part of `out` from the `expect` object.
load_result<void> parse_expect(object_reader const& top, lesson& out)
{
    auto const* v = top.find("expect");
    if (!v)
        return top.error("expect", "is required");
    if (!v->is_object())
        return top.error("expect", "must be an object");
    object_reader const expect{v->get_object(), top.file(), "expect"};
    auto type = expect.optional_string("type");
    if (!type)
        return type.error();
    auto const kind = type->value_or("std-validator");
    if (kind == "std-validator") {
        auto out_lines = expect.string_list("stdout", true);
        if (!out_lines)
            return out_lines.error();
        auto err_lines = expect.string_list("stderr", false);
        if (!err_lines)
            return err_lines.error();
        out.validator = validator_kind::std_output;
        out.expected_stdout = std::move(*out_lines);
        out.expected_stderr = std::move(*err_lines);
        return {};
    }
    if (kind == "runtime-validator") {
        auto source = expect.string_list("source", true);
        if (!source)
            return source.error();
        out.validator = validator_kind::runtime;
        out.validator_source = join_lines(*source);
        if (out.validator_source.find("def validate") == std::string::npos)
            return expect.error("source", "must define validate(stdout_lines, stderr_lines)");
        return {};
    }
    return expect.error("type", "must be \"std-validator\" or \"runtime-validator\", not \"" + kind + "\"");
}

// The reference answer: an object with exactly field_1..field_n, all strings.
load_result<std::optional<std::vector<std::string>>> parse_solution(object_reader const& top,
                                                                    std::size_t blank_count)
{
    auto const* v = top.find("solution");
    if (!v || v->is_null())
        return std::optional<std::vector<std::string>>{};
    if (!v->is_object())
        return top.error("solution", "must be an object of field_N strings");
    auto const& fields = v->get_object();
    object_reader const solution{fields, top.file(), "solution"};
    std::vector<std::string> values;
    for (std::size_t i = 1; i <= blank_count; ++i) {
        auto value = solution.required_string(field_name(i));
        if (!value)
            return value.error();
        values.push_back(std::move(*value));
    }
    if (fields.size() != blank_count)
        return top.error("solution", "has " + std::to_string(fields.size()) + " fields but the code has " +
                                         std::to_string(blank_count) + " blanks");
    return std::optional<std::vector<std::string>>{std::move(values)};
}

}  // namespace

std::string load_error::to_string() const
{
    std::string out = file;
    if (!key.empty())
        out += ": " + key;
    out += ": " + message;
    return out;
}

void throw_exception_from_error(load_error const& e, boost::source_location const& loc)
{
    boost::throw_exception(std::runtime_error(e.to_string()), loc);
}

std::optional<lesson_file_name> parse_lesson_file_name(std::string_view file_name)
{
    constexpr std::string_view suffix = ".json";
    if (file_name.size() < 4 + suffix.size() || file_name.front() != 's' || !file_name.ends_with(suffix))
        return std::nullopt;
    auto const stem = file_name.substr(1, file_name.size() - 1 - suffix.size());
    auto const underscore = stem.find('_');
    if (underscore == 0 || underscore == std::string_view::npos || underscore > 6)
        return std::nullopt;
    int index = 0;
    auto const [end, ec] = std::from_chars(stem.data(), stem.data() + underscore, index);
    if (ec != std::errc{} || end != stem.data() + underscore || index < 1)
        return std::nullopt;
    auto const name = stem.substr(underscore + 1);
    if (!is_valid_segment(name))
        return std::nullopt;
    return lesson_file_name{index, std::string{name}};
}

bool is_valid_segment(std::string_view name)
{
    if (name.empty() || name.size() > 100 || name.front() == '.')
        return false;
    for (char const c : name) {
        bool const ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                        c == '-' || c == '.';
        if (!ok)
            return false;
    }
    return true;
}

load_result<lesson> parse_lesson(std::string_view json_text, std::string const& file, std::string stage,
                                 lesson_file_name const& file_name)
{
    auto object = parse_object(json_text, file);
    if (!object)
        return object.error();
    object_reader const top{*object, file};

    lesson out;
    out.stage = std::move(stage);
    out.name = file_name.name;
    out.index = file_name.index;

    auto type = top.optional_string("type");
    if (!type)
        return type.error();
    if (*type && **type != "blank_form")
        return top.error("type", "must be \"blank_form\", not \"" + **type + "\"");

    auto title = top.required_string("title");
    if (!title)
        return title.error();
    out.title = std::move(*title);
    auto author = top.optional_string("author");
    if (!author)
        return author.error();
    out.author = author->value_or("");
    auto image = top.optional_string("image");
    if (!image)
        return image.error();
    out.image = std::move(*image);
    auto description = top.string_list("description", false);
    if (!description)
        return description.error();
    out.description = std::move(*description);
    auto code = top.string_list("code", true);
    if (!code)
        return code.error();
    if (code->empty())
        return top.error("code", "must not be empty");
    out.code = std::move(*code);
    out.blank_count = count_blanks(out.code);

    if (auto expect = parse_expect(top, out); !expect)
        return expect.error();
    auto solution = parse_solution(top, out.blank_count);
    if (!solution)
        return solution.error();
    out.solution = std::move(*solution);
    auto limits = parse_limits(top);
    if (!limits)
        return limits.error();
    out.limits = *limits;
    return out;
}

load_result<stage_info> parse_stage(std::string_view json_text, std::string const& file, std::string stage)
{
    auto object = parse_object(json_text, file);
    if (!object)
        return object.error();
    object_reader const top{*object, file};
    auto const* index = top.find("index");
    if (!index)
        return top.error("index", "is required");
    if (!index->is_int64() || index->get_int64() < 0 || index->get_int64() > 1'000'000)
        return top.error("index", "must be a whole number from 0 to 1000000");
    auto title = top.optional_string("title");
    if (!title)
        return title.error();
    return stage_info{stage, static_cast<int>(index->get_int64()), title->value_or(stage)};
}

}  // namespace pyfun::core
