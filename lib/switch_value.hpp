#pragma once
// On/off settings as flags and environment variables spell them (PYFUN_PLAIN_HTTP=1, =true, =yes, =on), so
// that every entrypoint reads them alike.

#include <optional>
#include <string_view>

namespace pyfun::core {

// "1", "true", "yes", "on" -> true; "0", "false", "no", "off" -> false (any case); nullopt otherwise.
std::optional<bool> parse_switch(std::string_view text);

}  // namespace pyfun::core
