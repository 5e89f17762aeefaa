#include "run_payload.hpp"

#include "runner_workdir.hpp"

#include <cstdint>
#include <utility>

namespace pyfun::core::detail {
namespace {

// marshal's type codes (Python/marshal.c): a tuple with a 32-bit length, and a bytes object with one. Both
// have been read the same way by every Python 3.
constexpr char tuple_code = '(';
constexpr char bytes_code = 's';

void append_length(std::string& out, std::size_t length)
{
    auto const value = static_cast<std::uint32_t>(length);
    for (int shift = 0; shift < 32; shift += 8)
        out += static_cast<char>((value >> shift) & 0xffu);  // little-endian, whatever the host is
}

void append_bytes(std::string& out, std::string_view bytes)
{
    out += bytes_code;
    append_length(out, bytes.size());
    out += bytes;
}

}  // namespace

boost::system::result<std::string, std::string> encode_payload(std::string_view program,
                                                               std::vector<input_file> const& files,
                                                               std::size_t max_file_bytes)
{
    std::size_t size = 5 + 5 + program.size();
    for (auto const& file : files) {
        if (!valid_input_name(file.name))
            return {boost::system::in_place_error, "input file name not allowed: " + file.name};
        if (file.content.size() > max_file_bytes)
            return {boost::system::in_place_error,
                    "input file " + file.name + " is larger than the run's file-size limit"};
        size += 10 + file.name.size() + file.content.size();
    }
    std::string out;
    out.reserve(size);
    out += tuple_code;
    append_length(out, 1 + 2 * files.size());
    append_bytes(out, program);
    for (auto const& file : files) {
        append_bytes(out, file.name);
        append_bytes(out, file.content);
    }
    return {boost::system::in_place_value, std::move(out)};
}

}  // namespace pyfun::core::detail
