#include "field_reader.hpp"

namespace json = boost::json;

namespace pyfun::events {

json::value const* field_reader::present(json::object const& parent, std::string_view key) const
{
    auto const* value = parent.if_contains(key);
    return value && !value->is_null() ? value : nullptr;
}

json::object const* field_reader::object(json::object const& parent, std::string_view key)
{
    auto const* value = present(parent, key);
    return value ? expect(value->if_object()) : nullptr;
}

json::array const* field_reader::array(json::object const& parent, std::string_view key)
{
    auto const* value = present(parent, key);
    return value ? expect(value->if_array()) : nullptr;
}

std::string_view field_reader::string(json::object const& parent, std::string_view key)
{
    auto const* value = present(parent, key);
    auto const* text = value ? expect(value->if_string()) : nullptr;
    return text ? std::string_view{*text} : std::string_view{};
}

bool field_reader::flag(json::object const& parent, std::string_view key)
{
    auto const* value = present(parent, key);
    auto const* set = value ? expect(value->if_bool()) : nullptr;
    return set && *set;
}

// A present field whose typed view is null has the wrong type.
template <class T>
T field_reader::expect(T found) noexcept
{
    if (!found)
        failed_ = true;
    return found;
}

}  // namespace pyfun::events
