#include "github/source_fixture.hpp"

#include "lib/github/github_repo.hpp"

#include <catch2/catch.hpp>

namespace pyfun::test {

source_fixture::source_fixture() : settings{(fake.push(lesson_repository(3, 8)), settings_for(fake))} {}

void source_fixture::open(std::string const& spec)
{
    auto repo = github::parse_github_spec(spec);
    REQUIRE(repo.has_value());
    source = std::make_unique<github::github_source>(ioc.get_executor(), *repo, settings, time.clock(),
                                                     logs.sink());
}

source_fixture::lesson_result source_fixture::lesson(std::string stage, std::string name)
{
    return run_in(ioc, source->get_lesson(std::move(stage), std::move(name)));
}

source_fixture::catalog_result source_fixture::catalog()
{
    return run_in(ioc, source->get_catalog());
}

}  // namespace pyfun::test
