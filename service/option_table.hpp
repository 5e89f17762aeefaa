#pragma once
// A small table-driven parser for command-line flags that double as environment variables (flags win).
// Each program lists its option_spec rows (server, core, tools), parses once, then reads typed values.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pyfun::service {

struct option_spec {
    std::string flag;          // "--listen"
    std::string env;           // "PYFUN_LISTEN"; empty when the setting has no environment variable
    std::string value_name;    // "HOST:PORT"; empty for a switch, whose value is "true" or "false"
    std::string help;          // one line
    std::string default_text;  // shown by --help only; the typed layer applies the real default
};

// Returns the variable's value, or nothing when it is unset.
using env_lookup = std::function<std::optional<std::string>(std::string const& name)>;

// The process environment (std::getenv).
std::optional<std::string> process_env(std::string const& name);

// The settings given on the command line or in the environment; unset options are absent.
class option_values {
public:
    void set(std::string flag, std::string value, std::string source);

    // The value for `flag` ("--listen"), or nothing when neither the flag nor its variable set it.
    std::optional<std::string> get(std::string_view flag) const;
    bool is_set(std::string_view flag) const;
    // A switch's value; false when unset.
    bool get_switch(std::string_view flag) const;
    // Where the value came from ("--listen" or "PYFUN_LISTEN"), for error messages; the flag when unset.
    std::string source(std::string_view flag) const;

private:
    struct entry {
        std::string value;
        std::string source;
    };
    std::map<std::string, entry, std::less<>> entries_;
};

struct parse_result {
    option_values values;
    bool help_requested = false;  // -h or --help was given: print render_help() and exit 0
    std::string error;            // empty on success, else e.g. "unknown option --foo"
};

// Parses argv[1..argc) against `specs`: "--flag VALUE", "--flag=VALUE", switches as "--flag";
// each spec's env var is read when its flag is absent. Never throws on bad input.
parse_result parse_options(std::vector<option_spec> const& specs, int argc, char const* const* argv,
                           env_lookup const& env);

// The --help text: a usage line, the summary, then every flag with its value name, env var and default.
std::string render_help(std::string_view program, std::string_view summary,
                        std::vector<option_spec> const& specs);

struct unsigned_option {
    std::uint64_t value = 0;
    std::string error;  // names the flag or env var that held the bad value
};

// Reads `flag` as a whole decimal number in [min, max]; `fallback` when unset.
unsigned_option read_unsigned(option_values const& values, std::string_view flag, std::uint64_t fallback,
                              std::uint64_t min, std::uint64_t max);

}  // namespace pyfun::service
