#include "github_error.hpp"

#include <string>

namespace pyfun::github {
namespace {

class github_error_category final : public boost::system::error_category {
  public:
    char const* name() const noexcept override { return "pyfun.github"; }

    std::string message(int value) const override
    {
        switch (static_cast<github_errc>(value)) {
            case github_errc::rate_limited:
                return "GitHub rate limit reached; waiting for the reset";
            case github_errc::not_found:
                return "not found on GitHub (repository, ref or path)";
            case github_errc::bad_status:
                return "unexpected HTTP status from GitHub";
            case github_errc::bad_response:
                return "malformed response from GitHub";
            case github_errc::truncated_tree:
                return "the repository tree is too large for one listing (truncated)";
            case github_errc::sha_mismatch:
                return "file content does not match its git blob SHA";
            case github_errc::file_too_large:
                return "file larger than the size cap";
            case github_errc::wait_timeout:
                return "GitHub did not answer in time";
        }
        return "unknown GitHub error";
    }
};

}  // namespace

boost::system::error_category const& github_category() noexcept
{
    static github_error_category const category;
    return category;
}

}  // namespace pyfun::github
