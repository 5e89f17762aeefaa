#pragma once
// Reads a small file whole with plain POSIX calls; "" on any error. For /proc files of processes that may
// exit while we read: libstdc++'s filebuf throws from underflow() when read() fails (ESRCH), this does not.

#include <string>

namespace pyfun::test {

std::string read_file_or_empty(std::string const& path);

}  // namespace pyfun::test
