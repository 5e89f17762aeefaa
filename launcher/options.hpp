#pragma once
// The launcher's command line, as the runner writes it:
//   pyfun-launcher --layers=user_ns,mount_ns,... --workdir=/tmp/pyfun-run-x [--read-only=/opt/python]...
//                  [--scratch-bytes=N] -- /usr/bin/python3 -I -S -B ...

#include "lib/sandbox_protocol.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace pyfun::launcher {

struct launch_options {
    core::sandbox_layer_set layers;
    std::string workdir;                 // absolute: the work folder, also our current folder at start
    std::vector<std::string> read_only;  // more folders the interpreter needs, besides the system ones
    std::size_t scratch_bytes = 16u << 20;  // size of the private /tmp and of the work folder (mount_ns)
    char** target = nullptr;                // the interpreter's argv, null-terminated; target[0] is absolute
};

// nullopt for anything malformed: an unknown option or layer, a relative path, no target.
std::optional<launch_options> parse_arguments(int argc, char** argv);

}  // namespace pyfun::launcher
