#pragma once
// Memory of a running process from /proc/<pid>/status, in kB: 0 when the process is gone.

#include <sys/types.h>

#include <vector>

namespace pyfun::bench {

struct memory_kb {
    long rss = 0;  // VmRSS: resident now
    long peak = 0; // VmHWM: the highest resident size so far
};

memory_kb read_memory(pid_t pid);

// Pss from /proc/<pid>/smaps_rollup: the process's share of its resident pages (shared pages divided among
// the processes that map them), in kB; 0 when it is gone or unreadable.
long read_pss_kb(pid_t pid);

// Every descendant of `pid` (children, their children, ...): one scan of /proc per process found.
std::vector<pid_t> descendants_of(pid_t pid);

} // namespace pyfun::bench
