#pragma once
// "mkdir /x: Permission denied": what failed and errno's text, for the runner's and the sandbox's error
// messages (logs and /healthz, never shown to learners).

#include <string>
#include <string_view>
#include <system_error>

namespace pyfun::core::detail {

inline std::string system_text(std::string_view what, int error_number)
{
    return std::string{what} + ": " + std::system_category().message(error_number);
}

}  // namespace pyfun::core::detail
