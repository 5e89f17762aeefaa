#pragma once
// Why a GitHub read failed, beyond transport errors (which keep their own codes). The lesson source maps all
// of them to errc::source_unavailable; these name the cause in logs and /healthz.

#include <boost/system/error_code.hpp>

#include <type_traits>

namespace pyfun::github {

enum class github_errc {
    rate_limited = 1,  // the breaker is open after a 403/429 rate-limit answer
    not_found,         // 404: no such repository, ref or path (or no access)
    bad_status,        // any other unexpected status (5xx, 401, ...)
    bad_response,      // a 2xx body that is not what the endpoint promises (HTML, bad JSON, not a SHA)
    truncated_tree,    // the recursive tree listing was truncated: the index would be incomplete
    sha_mismatch,      // a file's bytes do not hash to the blob SHA the tree names
    file_too_large,    // a lesson file above the size cap
    wait_timeout,      // this reader's own deadline passed while the upstream fetch went on
};

boost::system::error_category const& github_category() noexcept;

inline boost::system::error_code make_error_code(github_errc e) noexcept
{
    return {static_cast<int>(e), github_category()};
}

}  // namespace pyfun::github

template <>
struct boost::system::is_error_code_enum<pyfun::github::github_errc> : std::true_type {
};
