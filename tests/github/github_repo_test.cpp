// The github: lesson-source setting, including hostile values.

#include "lib/github/github_repo.hpp"

#include <catch2/catch.hpp>

using pyfun::github::parse_github_spec;

TEST_CASE("github: settings name owner, repository, optional ref and optional subfolder", "[github]")
{
    auto const plain = parse_github_spec("github:acme/lessons");
    REQUIRE(plain.has_value());
    CHECK(plain->owner == "acme");
    CHECK(plain->name == "lessons");
    CHECK(plain->ref.empty());
    CHECK(plain->ref_or_head() == "HEAD");
    CHECK(plain->subdir.empty());
    CHECK(plain->spec() == "github:acme/lessons");

    auto const full = parse_github_spec("github:Acme-1/py.fun_x@release-2.0/content/lessons/");
    REQUIRE(full.has_value());
    CHECK(full->owner == "Acme-1");
    CHECK(full->name == "py.fun_x");
    CHECK(full->ref == "release-2.0");
    CHECK(full->subdir == "content/lessons");
    CHECK(full->spec() == "github:Acme-1/py.fun_x@release-2.0/content/lessons");

    auto const subdir_only = parse_github_spec("github:acme/lessons/lessons");
    REQUIRE(subdir_only.has_value());
    CHECK(subdir_only->ref.empty());
    CHECK(subdir_only->subdir == "lessons");

    auto const sha = parse_github_spec("github:acme/lessons@2736aa632b04f173525e8f6ec919e57e031e05bf");
    REQUIRE(sha.has_value());
    CHECK(sha->ref == "2736aa632b04f173525e8f6ec919e57e031e05bf");
}

TEST_CASE("malformed or hostile github: settings are refused with a reason", "[github]")
{
    auto const bad =
        GENERATE(as<std::string>{}, "github:", "github:acme", "github:/lessons", "github:acme/",
                 "github:-acme/lessons", "github:ac me/lessons", "github:acme/..", "github:acme/.",
                 "github:acme/lessons@", "github:acme/lessons@../../etc", "github:acme/lessons@-x",
                 "github:acme/lessons@main.lock", "github:acme/lessons@a?b=c", "github:acme/lessons@a#b",
                 "github:acme/lessons/../secrets", "github:acme/lessons/.git", "github:acme/lessons//double",
                 "github:acme/le%2fssons", "github:acme/lessons@ma\nin", "dir:/tmp",
                 "github:acme/lessons@main/sub dir");
    INFO(bad);
    auto const parsed = parse_github_spec(bad);
    REQUIRE(parsed.has_error());
    CHECK_FALSE(parsed.error().message.empty());
}
