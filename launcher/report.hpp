#pragma once
// How the launcher reports a failed setup step: one setup_failure record on the inherited exec-status pipe
// (lib/sandbox_protocol.hpp), then exit 127. Run by hand, without that pipe, it says the same on stderr.

#include "lib/sandbox_protocol.hpp"

#include <cerrno>

namespace pyfun::launcher {

[[noreturn]] void fail(core::launcher_step step, int error_number = errno) noexcept;

// Before execve: the pipe closes exactly when the interpreter starts.
void seal_status() noexcept;

// For the launcher's processes that never exec (the waiting parent, the namespace's init): their copy would
// keep the runner from seeing end-of-file.
void close_status() noexcept;

}  // namespace pyfun::launcher
