#include "report.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

namespace pyfun::launcher {

void fail(core::launcher_step step, int error_number) noexcept
{
    core::setup_failure const record{static_cast<int>(step), error_number};
    if (::write(core::launcher_status_fd, &record, sizeof record) != static_cast<ssize_t>(sizeof record)) {
        auto const name = core::step_name(step);
        std::fprintf(stderr, "pyfun-launcher: %.*s: %s\n", static_cast<int>(name.size()), name.data(),
                     std::strerror(error_number));
    }
    ::_exit(127);
}

void seal_status() noexcept
{
    ::fcntl(core::launcher_status_fd, F_SETFD, FD_CLOEXEC);
}

void close_status() noexcept
{
    ::close(core::launcher_status_fd);
}

}  // namespace pyfun::launcher
