#pragma once
// What the learner's program may see of the host: one list for both the mount view and Landlock.

#include <array>

namespace pyfun::launcher {

// Read-only: the dynamic loader, the C library and a system Python. Symbolic links among them (merged /usr)
// stay links. Missing ones are skipped. Nothing under /etc but the loader's cache: no passwd, no hosts.
inline constexpr std::array<char const*, 8> system_paths{
    "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc/ld.so.cache",
};

// Read-write character devices a program may expect.
inline constexpr std::array<char const*, 5> device_paths{
    "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom",
};

}  // namespace pyfun::launcher
