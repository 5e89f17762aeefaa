#include "lib/error.hpp"
#include "lib/folder_source.hpp"
#include "lib/source_spec.hpp"

#include "support/run_sync.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using pyfun::test::run_sync;

namespace {

std::filesystem::path const repo = std::filesystem::path{PYFUN_FIXTURES} / "lesson_repo";

bool has_problem(pyfun::core::catalog const& c, std::string const& file, std::string const& text)
{
    return std::any_of(c.problems.begin(), c.problems.end(), [&](auto const& p) {
        return p.file == file && p.to_string().find(text) != std::string::npos;
    });
}

}  // namespace

TEST_CASE("a folder loads its good lessons beside broken ones, each problem named", "[lib][folder_source]")
{
    auto source = pyfun::core::folder_source::open(repo);
    REQUIRE(source.has_value());
    auto const index = run_sync((*source)->get_catalog());
    REQUIRE(index.has_value());
    auto const& c = **index;

    REQUIRE(c.stages.size() == 2);
    CHECK(c.stages[0].stage.name == "second");  // ordered by stage.json index, not by name
    CHECK(c.stages[1].stage.name == "first");
    CHECK(c.stages[1].stage.title == "First by name, second by index");

    auto const& second = c.stages[0].lessons;
    REQUIRE(second.size() == 2);
    CHECK(second[0].name == "two");  // by index: 2 before 10
    CHECK(second[1].name == "ten");
    CHECK(second[1].index == 10);

    auto const& first = c.stages[1].lessons;
    REQUIRE(first.size() == 2);
    CHECK(first[0].name == "old_format");
    CHECK(first[0].title == "Old format");
    CHECK(first[1].name == "good");

    CHECK(has_problem(c, "first/s2_broken_json.json", "invalid JSON"));
    CHECK(has_problem(c, "first/s3_wrong_type.json", "expect.stdout[0]: must be a string"));
    CHECK(has_problem(c, "first/s4_fields_disagree.json", "solution"));
    CHECK(has_problem(c, "first/badly_named.json", "s<index>_<lesson>.json"));
    CHECK(has_problem(c, "first/s5_old_format.json", "already used"));
    CHECK(has_problem(c, "no_stage_file/stage.json", "missing"));
    CHECK(c.problems.size() == 6);
    CHECK(c.find_stage(".hidden") == nullptr);
}

TEST_CASE("lessons are found by stage and name; unknown ones are told apart", "[lib][folder_source]")
{
    auto source = pyfun::core::folder_source::open(repo);
    REQUIRE(source.has_value());

    auto const lesson = run_sync((*source)->get_lesson("first", "old_format"));
    REQUIRE(lesson.has_value());
    CHECK((*lesson)->title == "Old format");
    CHECK((*lesson)->blank_count == 1);

    CHECK(run_sync((*source)->get_lesson("first", "nope")).error() == pyfun::errc::lesson_not_found);
    CHECK(run_sync((*source)->get_lesson("nope", "old_format")).error() == pyfun::errc::stage_not_found);
    CHECK(run_sync((*source)->get_lesson("first", "broken_json")).error() == pyfun::errc::lesson_not_found);
    CHECK((*source)->description() == "dir:" + repo.string());
}

TEST_CASE("a missing folder is an error value", "[lib][folder_source]")
{
    auto const source = pyfun::core::folder_source::open(repo / "does-not-exist");
    REQUIRE(source.has_error());
    CHECK(source.error() == pyfun::errc::source_unavailable);
}

TEST_CASE("the lesson-source setting picks a folder, the bundled lessons, or refuses", "[lib][folder_source]")
{
    auto const bundled = pyfun::core::open_lesson_source("");
    REQUIRE(bundled.has_value());
    CHECK_THAT((*bundled)->description(), Catch::StartsWith("dir:") && Catch::EndsWith("lessons"));

    auto const explicit_dir = pyfun::core::open_lesson_source("dir:" + repo.string());
    REQUIRE(explicit_dir.has_value());
    CHECK((*explicit_dir)->description() == "dir:" + repo.string());

    auto const missing = pyfun::core::open_lesson_source("dir:/does/not/exist");
    REQUIRE(missing.has_error());
    CHECK_THAT(missing.error().message, Catch::Contains("/does/not/exist"));
}

TEST_CASE("a lesson asked for before the catalog is read from its stage alone, with the whole read's answers",
          "[lib][folder_source]")
{
    struct probe {
        std::string stage, name;
    };
    // Good lessons, a broken one, a clash, a stage without stage.json, a hidden stage, unknown names, and
    // names that try to leave the folder.
    std::vector<probe> const probes{{"first", "good"},        {"first", "old_format"},   {"second", "ten"},
                                    {"first", "broken_json"}, {"first", "fields_disagree"}, {"no_stage_file", "x"},
                                    {".hidden", "x"},         {"nowhere", "x"},          {"first", "nothing"},
                                    {"..", "first"},          {"first/..", "good"}};
    auto cold = pyfun::core::folder_source::open(repo);
    auto whole = pyfun::core::folder_source::open(repo);
    REQUIRE(cold.has_value());
    REQUIRE(whole.has_value());
    REQUIRE(run_sync((*whole)->get_catalog()).has_value());
    for (auto const& [stage, name] : probes) {
        INFO(stage << "/" << name);
        auto const first = run_sync((*cold)->get_lesson(stage, name));
        auto const expected = run_sync((*whole)->get_lesson(stage, name));
        REQUIRE(first.has_value() == expected.has_value());
        if (expected)
            CHECK((*first)->title == (*expected)->title);
        else
            CHECK(first.error() == expected.error());
    }
    // The same object for a second ask, until the whole folder is read.
    auto const again = run_sync((*cold)->get_lesson("first", "good"));
    auto const once_more = run_sync((*cold)->get_lesson("first", "good"));
    REQUIRE(again.has_value());
    CHECK(again->get() == once_more->get());
    REQUIRE(run_sync((*cold)->get_catalog()).has_value());
    CHECK(run_sync((*cold)->get_lesson("first", "good")).value()->title == (*again)->title);
    CHECK(run_sync((*cold)->get_lesson("second", "nothing")).error() == pyfun::errc::lesson_not_found);
}
