#pragma once
// Turns the one lesson-source setting into a folder lesson source: "dir:<path>" (or a plain path), or empty for
// the bundled lessons. `github:<owner>/<repo>[@<ref>][/<subdir>]` needs the network and lives in pyfun_github:
// entrypoints call github::open_any_lesson_source (lib/github/open_source.hpp), which handles both.

#include "lesson_source.hpp"

#include <boost/system/result.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace pyfun::core {

struct source_error {
    std::string message;
};

[[noreturn]] void throw_exception_from_error(source_error const& e, boost::source_location const& loc);

boost::system::result<std::unique_ptr<lesson_source>, source_error> open_lesson_source(std::string_view spec);

}  // namespace pyfun::core
