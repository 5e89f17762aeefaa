#pragma once
// The github: lesson-source setting: github:<owner>/<repo>[@<ref>][/<subdir>]. A ref cannot contain '/'
// (the first '/' after '@' starts the subfolder); without a ref the repository's default branch is served.

#include "lib/source_spec.hpp"

#include <boost/system/result.hpp>

#include <string>
#include <string_view>

namespace pyfun::github {

struct github_repo {
    std::string owner;
    std::string name;
    std::string ref;     // branch, tag or commit SHA; empty: the default branch
    std::string subdir;  // "" or "a/b": where the stage folders live

    std::string ref_or_head() const { return ref.empty() ? std::string{"HEAD"} : ref; }
    std::string spec() const;  // back to "github:owner/name@ref/subdir", for logs and /healthz
};

// Errors name what is wrong ("owner must be ..."); nothing is fetched.
boost::system::result<github_repo, core::source_error> parse_github_spec(std::string_view spec);

}  // namespace pyfun::github
