#pragma once
// Typed reads of the optional fields of a Lambda event. Absent and null read as empty (nullptr, "", false):
// API Gateway sends `"headers": null` where there are none. A field of another type also reads as empty and
// marks the reader failed for good, so a decoder reads what it needs and checks ok() once. Never throws.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <string_view>

namespace pyfun::events {

class field_reader {
public:
    boost::json::object const* object(boost::json::object const& parent, std::string_view key);
    boost::json::array const* array(boost::json::object const& parent, std::string_view key);
    std::string_view string(boost::json::object const& parent, std::string_view key);
    bool flag(boost::json::object const& parent, std::string_view key);

    void fail() noexcept { failed_ = true; }
    bool ok() const noexcept { return !failed_; }

private:
    boost::json::value const* present(boost::json::object const& parent, std::string_view key) const;
    template <class T>
    T expect(T found) noexcept;

    bool failed_ = false;
};

}  // namespace pyfun::events
