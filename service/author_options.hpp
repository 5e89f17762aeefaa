#pragma once
// The playground and author settings of pyfun-server: --playground / --no-playground (PYFUN_PLAYGROUND) and
// --watch (PYFUN_WATCH), on top of the generic option table.

#include "option_table.hpp"

#include <string>
#include <vector>

namespace pyfun::service {

std::vector<option_spec> author_option_specs();

struct author_options {
    bool playground = true;  // serve the page at /play
    bool watch = false;      // reload dir: lesson sources when their files change
    std::string error;       // empty on success
};

author_options read_author_options(option_values const& values);

}  // namespace pyfun::service
