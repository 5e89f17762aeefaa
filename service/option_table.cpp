#include "option_table.hpp"

#include "lib/switch_value.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <utility>

namespace pyfun::service {
namespace {

constexpr std::string_view help_flag = "--help";

option_spec const* find_spec(std::vector<option_spec> const& specs, std::string_view flag)
{
    auto const it =
        std::find_if(specs.begin(), specs.end(), [&](option_spec const& s) { return s.flag == flag; });
    return it == specs.end() ? nullptr : &*it;
}

std::string bad_switch(std::string_view source, std::string_view value)
{
    return std::string{source} + " must be 1/true/yes or 0/false/no, not '" + std::string{value} + "'";
}

bool is_help(std::string_view arg)
{
    return arg == help_flag || arg == "-h";
}

}  // namespace

std::optional<std::string> process_env(std::string const& name)
{
    if (char const* value = std::getenv(name.c_str()))
        return std::string{value};
    return std::nullopt;
}

void option_values::set(std::string flag, std::string value, std::string source)
{
    entries_.insert_or_assign(std::move(flag), entry{std::move(value), std::move(source)});
}

std::optional<std::string> option_values::get(std::string_view flag) const
{
    auto const it = entries_.find(flag);
    if (it == entries_.end())
        return std::nullopt;
    return it->second.value;
}

bool option_values::is_set(std::string_view flag) const
{
    return entries_.find(flag) != entries_.end();
}

bool option_values::get_switch(std::string_view flag) const
{
    auto const value = get(flag);
    return value && *value == "true";
}

std::string option_values::source(std::string_view flag) const
{
    auto const it = entries_.find(flag);
    return it == entries_.end() ? std::string{flag} : it->second.source;
}

parse_result parse_options(std::vector<option_spec> const& specs, int argc, char const* const* argv,
                           env_lookup const& env)
{
    parse_result result;
    // --help wins over every other mistake on the line, so a confused user always gets the help text.
    for (int i = 1; i < argc; ++i) {
        if (is_help(argv[i])) {
            result.help_requested = true;
            return result;
        }
    }

    for (int i = 1; i < argc; ++i) {
        std::string_view arg{argv[i]};
        if (!arg.starts_with("--")) {
            result.error = "unexpected argument '" + std::string{arg} + "' (see --help)";
            return result;
        }
        std::optional<std::string_view> inline_value;
        if (auto const eq = arg.find('='); eq != std::string_view::npos) {
            inline_value = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
        }
        auto const* spec = find_spec(specs, arg);
        if (!spec) {
            result.error = "unknown option " + std::string{arg} + " (see --help)";
            return result;
        }

        if (spec->value_name.empty()) {
            bool on = true;
            if (inline_value) {
                auto const parsed = core::parse_switch(*inline_value);
                if (!parsed) {
                    result.error = bad_switch(spec->flag, *inline_value);
                    return result;
                }
                on = *parsed;
            }
            result.values.set(spec->flag, on ? "true" : "false", spec->flag);
            continue;
        }

        std::string value;
        if (inline_value) {
            value = std::string{*inline_value};
        }
        else if (i + 1 < argc && !std::string_view{argv[i + 1]}.starts_with("--")) {
            value = argv[++i];
        }
        if (value.empty()) {
            result.error = spec->flag + " needs a value (" + spec->value_name + ")";
            return result;
        }
        result.values.set(spec->flag, std::move(value), spec->flag);
    }

    for (auto const& spec : specs) {
        if (spec.env.empty() || result.values.is_set(spec.flag))
            continue;
        auto value = env(spec.env);
        if (!value ||
            value->empty())  // an empty variable counts as unset, as shells make that easy by mistake
            continue;
        if (spec.value_name.empty()) {
            auto const parsed = core::parse_switch(*value);
            if (!parsed) {
                result.error = bad_switch(spec.env, *value);
                return result;
            }
            *value = *parsed ? "true" : "false";
        }
        result.values.set(spec.flag, std::move(*value), spec.env);
    }
    return result;
}

std::string render_help(std::string_view program, std::string_view summary,
                        std::vector<option_spec> const& specs)
{
    std::string out = "Usage: " + std::string{program} + " [options]\n";
    if (!summary.empty())
        out += "\n" + std::string{summary} + "\n";
    out += "\nOptions (each also read from the environment variable shown; flags win):\n";

    auto const label_of = [](option_spec const& s) {
        return s.value_name.empty() ? s.flag : s.flag + " " + s.value_name;
    };
    std::size_t width = std::string{"-h, --help"}.size();
    for (auto const& spec : specs)
        width = std::max(width, label_of(spec).size());
    width += 2;

    auto const add_row = [&](std::string const& label, std::string const& text) {
        out += "  " + label + std::string(width - label.size(), ' ') + text + "\n";
    };
    for (auto const& spec : specs) {
        add_row(label_of(spec), spec.help);
        std::string details;
        if (!spec.env.empty())
            details += "env " + spec.env;
        if (!spec.default_text.empty())
            details += (details.empty() ? "" : "; ") + std::string{"default "} + spec.default_text;
        if (!details.empty())
            add_row("", "[" + details + "]");
    }
    add_row("-h, --help", "show this help and exit");
    return out;
}

unsigned_option read_unsigned(option_values const& values, std::string_view flag, std::uint64_t fallback,
                              std::uint64_t min, std::uint64_t max)
{
    auto const text = values.get(flag);
    if (!text)
        return {fallback, {}};
    std::uint64_t number = 0;
    auto const* first = text->data();
    auto const* last = first + text->size();
    auto const [end, ec] = std::from_chars(first, last, number);
    if (ec != std::errc{} || end != last || number < min || number > max) {
        return {0, "invalid value for " + values.source(flag) + ": '" + *text +
                       "' (expected a whole number from " + std::to_string(min) + " to " +
                       std::to_string(max) + ")"};
    }
    return {number, {}};
}

}  // namespace pyfun::service
