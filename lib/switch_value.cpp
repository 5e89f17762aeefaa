#include "switch_value.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace pyfun::core {

std::optional<bool> parse_switch(std::string_view text)
{
    std::string word{text};
    std::transform(word.begin(), word.end(), word.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (word == "1" || word == "true" || word == "yes" || word == "on")
        return true;
    if (word == "0" || word == "false" || word == "no" || word == "off")
        return false;
    return std::nullopt;
}

}  // namespace pyfun::core
