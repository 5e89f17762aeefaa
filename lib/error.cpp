#include "error.hpp"

#include <string>

namespace pyfun {
namespace {

class pyfun_category final : public boost::system::error_category {
public:
    char const* name() const noexcept override { return "pyfun"; }

    std::string message(int value) const override
    {
        switch (static_cast<errc>(value)) {
        case errc::stage_not_found: return "stage not found";
        case errc::lesson_not_found: return "lesson not found";
        case errc::source_unavailable: return "lesson source unavailable";
        case errc::malformed_event: return "malformed event";
        case errc::upstream_failed: return "upstream request failed";
        case errc::sandbox_failed: return "sandbox failed";
        }
        return "unknown pyfun error";
    }
};

}  // namespace

boost::system::error_category const& error_category() noexcept
{
    static pyfun_category const category;
    return category;
}

}  // namespace pyfun
