#include "event_fixtures.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace json = boost::json;

namespace pyfun::test {
namespace {

// The object that holds the last key of `path`; every key before it must name an object.
json::object& parent_of(json::value& root, std::initializer_list<std::string_view> path)
{
    REQUIRE(path.size() > 0);
    auto* at = &root;
    for (auto key = path.begin(); key + 1 != path.end(); ++key) {
        REQUIRE(at->is_object());
        at = &at->as_object()[*key];
    }
    REQUIRE(at->is_object());
    return at->as_object();
}

}  // namespace

std::string event_fixture(std::string_view name)
{
    auto const file = std::filesystem::path{PYFUN_FIXTURES "/events"} / name;
    std::ifstream in{file, std::ios::binary};
    REQUIRE(in);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return std::move(bytes).str();
}

json::value event_fixture_json(std::string_view name) { return json::parse(event_fixture(name)); }

std::string with_field(std::string_view name, std::initializer_list<std::string_view> path, json::value replacement)
{
    auto root = event_fixture_json(name);
    parent_of(root, path)[*(path.end() - 1)] = std::move(replacement);
    return json::serialize(root);
}

std::string without_field(std::string_view name, std::initializer_list<std::string_view> path)
{
    auto root = event_fixture_json(name);
    REQUIRE(parent_of(root, path).erase(*(path.end() - 1)) == 1);
    return json::serialize(root);
}

std::vector<std::string> header_values(core::header_map const& headers, std::string const& name)
{
    std::vector<std::string> values;
    auto const [first, last] = headers.equal_range(name);
    for (auto it = first; it != last; ++it)
        values.push_back(it->second);
    return values;
}

}  // namespace pyfun::test
