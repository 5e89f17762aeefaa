#pragma once
// Memory of a running process from /proc/<pid>/status, in kB: 0 when the process is gone.

#include <sys/types.h>

namespace pyfun::bench {

struct memory_kb {
    long rss = 0;  // VmRSS: resident now
    long peak = 0; // VmHWM: the highest resident size so far
};

memory_kb read_memory(pid_t pid);

} // namespace pyfun::bench
