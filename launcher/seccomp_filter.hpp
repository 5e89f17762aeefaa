#pragma once
// The seccomp filter (libseccomp) the interpreter inherits: no new processes (threads stay possible), no
// sockets, no tracing or reading other processes' memory, no signals to other processes, and none of the
// kernel's wider surface (mount, namespaces, bpf, perf, keyrings, io_uring, userfaultfd, modules...).
// Everything else is allowed; a denied call fails with EPERM (clone3 with ENOSYS, see the .cpp).

namespace pyfun::launcher {

// Call last before execve: the filter covers this process from here on. no_new_privs is already set.
void install_seccomp_filter();

}  // namespace pyfun::launcher
