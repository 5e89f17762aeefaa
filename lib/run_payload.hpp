#pragma once
// Internal to the runner: what a run's bootstrap reads from its stdin before anything else. The program and
// its input files travel as one Python marshal tuple of bytes objects, (program, name, content, name,
// content, ...): `marshal` is built into the interpreter, so reading it imports nothing. The bootstrap writes
// the files into its work folder, main.py last, and then runs the program. Delivering the program this way,
// rather than as files written beforehand, lets a run be started before its program is known (warm_pool.hpp).

#include "runner.hpp"

#include <boost/system/result.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace pyfun::core::detail {

// The encoded tuple; an error text for an input file name that valid_input_name() refuses, or for a file
// larger than `max_file_bytes`: the bootstrap writes the files under the run's file-size limit.
boost::system::result<std::string, std::string> encode_payload(std::string_view program,
                                                               std::vector<input_file> const& files,
                                                               std::size_t max_file_bytes);

}  // namespace pyfun::core::detail
