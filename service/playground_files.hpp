#pragma once
// The playground page's files (service/playground/), embedded at build time by service/embed_files.cmake.
// Link pyfun_playground_files and hand these to core::playground.

#include "lib/playground.hpp"

#include <span>

namespace pyfun::service {

std::span<core::static_file const> playground_files();

}  // namespace pyfun::service
