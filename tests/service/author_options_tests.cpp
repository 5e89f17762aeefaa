// --playground / --no-playground / PYFUN_PLAYGROUND and --watch / PYFUN_WATCH.

#include "service/author_options.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

namespace {

pyfun::service::author_options read(std::vector<char const*> args, std::map<std::string, std::string> env = {})
{
    args.insert(args.begin(), "pyfun-server");
    auto const parsed = pyfun::service::parse_options(
        pyfun::service::author_option_specs(), static_cast<int>(args.size()), args.data(),
        [env](std::string const& name) -> std::optional<std::string> {
            auto const it = env.find(name);
            return it == env.end() ? std::nullopt : std::optional<std::string>{it->second};
        });
    REQUIRE(parsed.error.empty());
    return pyfun::service::read_author_options(parsed.values);
}

}  // namespace

TEST_CASE("the playground is on and watching off by default", "[service][playground]")
{
    auto const options = read({});
    CHECK(options.error.empty());
    CHECK(options.playground);
    CHECK_FALSE(options.watch);
}

TEST_CASE("the page is off with --no-playground, --playground=false or PYFUN_PLAYGROUND=0", "[service][playground]")
{
    CHECK_FALSE(read({"--no-playground"}).playground);
    CHECK_FALSE(read({"--playground=false"}).playground);
    CHECK_FALSE(read({}, {{"PYFUN_PLAYGROUND", "0"}}).playground);
    CHECK_FALSE(read({"--no-playground"}, {{"PYFUN_PLAYGROUND", "1"}}).playground);  // the flag wins
    CHECK(read({"--playground"}, {{"PYFUN_PLAYGROUND", "off"}}).playground);
    CHECK(read({}, {{"PYFUN_PLAYGROUND", "yes"}}).playground);
}

TEST_CASE("giving both --playground and --no-playground is an error", "[service][playground]")
{
    CHECK_FALSE(read({"--playground", "--no-playground"}).error.empty());
}

TEST_CASE("watching is on with --watch or PYFUN_WATCH=1", "[service][watch]")
{
    CHECK(read({"--watch"}).watch);
    CHECK(read({}, {{"PYFUN_WATCH", "1"}}).watch);
    CHECK_FALSE(read({"--watch=no"}, {{"PYFUN_WATCH", "1"}}).watch);
}
