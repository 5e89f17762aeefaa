// The index built from a recursive tree listing: stages, lessons, blob SHAs and naming problems.

#include "lib/github/repo_index.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using pyfun::github::build_repo_index;
using pyfun::github::tree_item;

namespace {

std::string const sha_a(40, 'a');

tree_item folder(std::string path)
{
    return {std::move(path), "tree", sha_a, 0};
}
tree_item file(std::string path, std::uint64_t size = 100)
{
    return {std::move(path), "blob", sha_a, size};
}

bool has_problem(pyfun::github::repo_index const& index, std::string const& file_name,
                 std::string const& text)
{
    return std::any_of(index.problems.begin(), index.problems.end(), [&](auto const& p) {
        return p.file == file_name && p.message.find(text) != std::string::npos;
    });
}

}  // namespace

TEST_CASE("the index follows the folder source's naming rules without reading any file", "[github]")
{
    std::vector<tree_item> const items{
        file("README.md"),
        folder("basics"),
        file("basics/stage.json"),
        file("basics/s2_second.json"),
        file("basics/s1_first.json"),
        file("basics/notes.txt"),
        file("basics/badly_named.json"),
        file("basics/s1_zclash.json"),
        file("basics/s3_huge.json", 2 * 1024 * 1024),
        folder("basics/deeper"),
        file("basics/deeper/s9_nested.json"),
        folder("no_stage"),
        file("no_stage/s1_orphan.json"),
        folder(".github"),
        file(".github/stage.json"),
        folder("bad name"),
        file("bad name/stage.json"),
        {"submodule", "commit", sha_a, 0},
    };
    auto const index = build_repo_index("c0ffee", items, "", 1024 * 1024);
    CHECK(index.commit == "c0ffee");
    REQUIRE(index.stages.size() == 1);
    auto const* basics = index.find_stage("basics");
    REQUIRE(basics != nullptr);
    CHECK(basics->stage_file.path == "basics/stage.json");
    REQUIRE(basics->lessons.size() == 2);
    CHECK(basics->lessons[0].naming.name == "first");
    CHECK(basics->lessons[1].naming.name == "second");
    CHECK(basics->find_lesson("second")->file.display == "basics/s2_second.json");
    CHECK(basics->find_lesson("nested") == nullptr);
    CHECK(index.find_stage("no_stage") == nullptr);
    CHECK(index.find_stage(".github") == nullptr);

    CHECK(has_problem(index, "basics/badly_named.json", "s<index>_<lesson>.json"));
    CHECK(has_problem(index, "basics/s1_zclash.json", "already used"));
    CHECK(has_problem(index, "basics/s3_huge.json", "larger than 1024 KiB"));
    CHECK(has_problem(index, "no_stage/stage.json", "every stage needs one"));
    CHECK(has_problem(index, "bad name", "letters, digits"));
    CHECK(index.problems.size() == 5);
}

TEST_CASE("a subfolder setting reads stages below it only, and a missing one is a problem", "[github]")
{
    std::vector<tree_item> const items{folder("content"),
                                       folder("content/lessons"),
                                       folder("content/lessons/intro"),
                                       file("content/lessons/intro/stage.json"),
                                       file("content/lessons/intro/s1_hello.json"),
                                       folder("other"),
                                       file("other/stage.json")};
    auto const index = build_repo_index("c0ffee", items, "content/lessons", 1024 * 1024);
    REQUIRE(index.stages.size() == 1);
    CHECK(index.stages[0].name == "intro");
    CHECK(index.stages[0].lessons[0].file.path == "content/lessons/intro/s1_hello.json");
    CHECK(index.stages[0].lessons[0].file.display == "intro/s1_hello.json");
    CHECK(index.problems.empty());

    auto const missing = build_repo_index("c0ffee", items, "nope", 1024 * 1024);
    CHECK(missing.stages.empty());
    REQUIRE(missing.problems.size() == 1);
    CHECK(missing.problems[0].message.find("does not exist") != std::string::npos);
}
