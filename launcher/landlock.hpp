#pragma once
// Landlock (defence in depth): the same view as the mount namespace, enforced by the kernel's path checks, so
// it also holds where there is no mount namespace. With ABI 4 no TCP bind or connect; with ABI 6 no signals
// to processes outside the sandbox and no connecting to abstract UNIX sockets made outside it.

#include "options.hpp"

namespace pyfun::launcher {

// Call in the learner's process, after build_view() when there is one. The rights are recorded now; the
// interpreter inherits them across execve.
void restrict_paths(launch_options const& options);

}  // namespace pyfun::launcher
