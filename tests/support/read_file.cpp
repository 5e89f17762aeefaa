#include "support/read_file.hpp"

#include <fcntl.h>
#include <unistd.h>

namespace pyfun::test {

std::string read_file_or_empty(std::string const& path)
{
    int const fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return {};
    std::string text;
    char buffer[4096];
    for (;;) {
        auto const n = ::read(fd, buffer, sizeof buffer);
        if (n <= 0) {
            if (n < 0)
                text.clear();
            break;
        }
        text.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return text;
}

}  // namespace pyfun::test
