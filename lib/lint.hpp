#pragma once
// Checks a whole lesson repository the way learners will meet it: every file loads (schema, naming,
// blanks against the solution's fields) and every lesson's `solution` is accepted in the real sandbox.

#include "lesson_source.hpp"
#include "verifier.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>
#include <vector>

namespace pyfun::core {

struct lint_entry {
    std::string what;  // "basics/hello_python", or a file name for files that did not load
    bool ok = false;
    std::string message;  // "accepted in 12 ms", or why it failed
};

struct lint_report {
    std::vector<lint_entry> entries;  // load problems first, then lessons in catalog order
    bool source_failed = false;       // the source itself could not be read

    std::size_t failures() const;
    bool passed() const { return !source_failed && failures() == 0; }
};

// Runs up to `jobs` solutions at once.
boost::asio::awaitable<lint_report> lint_lessons(lesson_source& source, verifier& judge, unsigned jobs);

}  // namespace pyfun::core
