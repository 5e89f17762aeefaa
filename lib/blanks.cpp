#include "blanks.hpp"

#include <cassert>

namespace pyfun::core {
namespace {

// Calls on_text for each piece of literal text and on_blank between pieces, scanning the original line
// only: a value that contains the marker can never be mistaken for a blank.
template <typename OnText, typename OnBlank>
void scan_line(std::string_view line, OnText&& on_text, OnBlank&& on_blank)
{
    std::size_t start = 0;
    for (;;) {
        auto const at = line.find(blank_marker, start);
        if (at == std::string_view::npos) {
            on_text(line.substr(start));
            return;
        }
        on_text(line.substr(start, at - start));
        on_blank();
        start = at + blank_marker.size();
    }
}

}  // namespace

std::size_t count_blanks(std::vector<std::string> const& code)
{
    std::size_t count = 0;
    for (auto const& line : code)
        scan_line(line, [](std::string_view) {}, [&] { ++count; });
    return count;
}

std::string field_name(std::size_t number) { return "field_" + std::to_string(number); }

std::string join_lines(std::vector<std::string> const& lines)
{
    std::string out;
    for (auto const& line : lines) {
        out += line;
        if (!line.ends_with('\n'))
            out += '\n';
    }
    return out;
}

std::string fill_blanks(std::vector<std::string> const& code, std::vector<std::string> const& values)
{
    assert(values.size() == count_blanks(code));
    std::string out;
    std::size_t next = 0;
    for (auto const& line : code) {
        scan_line(line, [&](std::string_view text) { out += text; }, [&] { out += values[next++]; });
        if (!line.ends_with('\n'))
            out += '\n';
    }
    return out;
}

}  // namespace pyfun::core
