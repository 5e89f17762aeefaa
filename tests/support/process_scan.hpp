#pragma once
// Scans of /proc that prove nothing of a run survives it: processes that mention a marker, and our own
// children (zombies included). Reads go through read_file_or_empty: processes may vanish mid-scan.

#include <string_view>
#include <vector>

namespace pyfun::test {

// Whether any live process other than us has `needle` in its command line (arguments joined by spaces) or
// its environment. Zombies have neither, so a collected run never matches.
bool process_mentions(std::string_view needle);

// Children of this process, zombies included: how many, and their pids.
int own_children();
std::vector<int> own_child_pids();

// The children of any process `parent`, zombies included, from one scan of /proc.
std::vector<int> children_of(int parent);

}  // namespace pyfun::test
