#pragma once
// A test that cannot run here says why and ends. CTest reports it as skipped, never as passed:
// tests/CMakeLists.txt gives every entry SKIP_REGULAR_EXPRESSION on the marker printed here.
// Use it as the last thing a TEST_CASE does: PYFUN_SKIP returns from the enclosing function.

#include <iostream>
#include <sstream>

namespace pyfun::test {

// The marker CTest looks for; tests/CMakeLists.txt spells the same text.
inline constexpr char const* skip_marker = "pyfun-test-skipped: ";

// Prints the marker and the reason on a line of its own, flushed: CTest reads the test's stdout.
inline void announce_skip(std::string const& reason)
{
    std::cout << '\n' << skip_marker << reason << std::endl;
}

}  // namespace pyfun::test

// `reason` may be a stream expression: PYFUN_SKIP("no " << name << " here").
#define PYFUN_SKIP(reason)                                                                                   \
    do {                                                                                                     \
        std::ostringstream pyfun_skip_reason_;                                                               \
        pyfun_skip_reason_ << reason;                                                                        \
        ::pyfun::test::announce_skip(pyfun_skip_reason_.str());                                              \
        return;                                                                                              \
    } while (false)
