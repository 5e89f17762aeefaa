#pragma once
// Our own Lambda event fixtures (tests/fixtures/events) and small helpers to inspect decoded requests.

#include "lib/http_types.hpp"

#include <boost/json/value.hpp>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace pyfun::test {

// The file's bytes; fails the test (REQUIRE) when it cannot be read.
std::string event_fixture(std::string_view name);
boost::json::value event_fixture_json(std::string_view name);

// The fixture with one field replaced (or added): `path` names the keys from the root down.
std::string with_field(std::string_view name, std::initializer_list<std::string_view> path,
                       boost::json::value replacement);
// The fixture without the field at `path`.
std::string without_field(std::string_view name, std::initializer_list<std::string_view> path);

// Every value of one header, in order.
std::vector<std::string> header_values(core::header_map const& headers, std::string const& name);

}  // namespace pyfun::test
