#pragma once
// The project's error codes: expected domain outcomes travel as values, never as exceptions.

#include <boost/system/error_code.hpp>

#include <type_traits>

namespace pyfun {

enum class errc {
    stage_not_found = 1,
    lesson_not_found,
    source_unavailable,  // the lesson source cannot answer and nothing is cached
    malformed_event,
    upstream_failed,
    sandbox_failed,
};

boost::system::error_category const& error_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), error_category()};
}

}  // namespace pyfun

template <>
struct boost::system::is_error_code_enum<pyfun::errc> : std::true_type {};
