#include "client_error.hpp"

#include <string>

namespace pyfun::http_client {
namespace {

class client_error_category final : public boost::system::error_category {
  public:
    char const* name() const noexcept override { return "pyfun.http_client"; }

    std::string message(int value) const override
    {
        switch (static_cast<client_errc>(value)) {
            case client_errc::bad_url:
                return "not an absolute http(s) URL";
            case client_errc::too_many_redirects:
                return "too many redirects";
            case client_errc::insecure_redirect:
                return "redirect from https to plain http refused";
            case client_errc::deadline_exceeded:
                return "deadline exceeded";
            case client_errc::bad_header:
                return "invalid request method or header";
        }
        return "unknown http client error";
    }
};

}  // namespace

boost::system::error_category const& client_category() noexcept
{
    static client_error_category const category;
    return category;
}

}  // namespace pyfun::http_client
