#include "options.hpp"

#include <charconv>
#include <string_view>

namespace pyfun::launcher {
namespace {

bool absolute(std::string_view path)
{
    return !path.empty() && path.front() == '/';
}

// "--name=value" -> value when the argument has that name.
std::optional<std::string_view> value_of(std::string_view argument, std::string_view name)
{
    if (argument.size() <= name.size() || argument.substr(0, name.size()) != name ||
        argument[name.size()] != '=')
        return std::nullopt;
    return argument.substr(name.size() + 1);
}

// A positive decimal number of bytes, all of the text.
std::optional<std::size_t> parse_size(std::string_view text)
{
    std::size_t value = 0;
    auto const* const last = text.data() + text.size();
    auto const [end, ec] = std::from_chars(text.data(), last, value);
    if (ec != std::errc{} || end != last || value == 0)
        return std::nullopt;
    return value;
}

}  // namespace

std::optional<launch_options> parse_arguments(int argc, char** argv)
{
    launch_options options;
    for (int i = 1; i < argc; ++i) {
        std::string_view const argument{argv[i]};
        if (argument == "--") {
            if (i + 1 >= argc || !absolute(argv[i + 1]) || !absolute(options.workdir))
                return std::nullopt;
            options.target = argv + i + 1;
            return options;
        }
        if (auto const layers = value_of(argument, "--layers")) {
            auto parsed = core::sandbox_layer_set::parse(*layers);
            if (!parsed)
                return std::nullopt;
            options.layers = *parsed;
        }
        else if (auto const workdir = value_of(argument, "--workdir")) {
            options.workdir = std::string{*workdir};
        }
        else if (auto const path = value_of(argument, "--read-only")) {
            if (!absolute(*path))
                return std::nullopt;
            options.read_only.emplace_back(*path);
        }
        else if (auto const scratch = value_of(argument, "--scratch-bytes")) {
            auto const parsed = parse_size(*scratch);
            if (!parsed)
                return std::nullopt;
            options.scratch_bytes = *parsed;
        }
        else {
            return std::nullopt;
        }
    }
    return std::nullopt;  // no "--"
}

}  // namespace pyfun::launcher
