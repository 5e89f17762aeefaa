#include "lib/folder_source.hpp"
#include "lib/lint.hpp"
#include "lib/runner.hpp"

#include "support/run_sync.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using pyfun::test::run_sync;

namespace {

pyfun::core::lint_report lint_folder(std::filesystem::path const& folder)
{
    pyfun::core::prepare_supervisor_process();
    auto const python = pyfun::core::find_interpreter();
    REQUIRE(python.has_value());
    pyfun::core::runner sandbox{{*python, {}}};
    pyfun::core::verifier judge{sandbox, {}};
    auto source = pyfun::core::folder_source::open(folder);
    REQUIRE(source.has_value());
    return run_sync(pyfun::core::lint_lessons(**source, judge, 2));
}

pyfun::core::lint_entry const* entry_for(pyfun::core::lint_report const& report, std::string const& what)
{
    auto const it = std::find_if(report.entries.begin(), report.entries.end(), [&](auto const& e) { return e.what == what; });
    return it == report.entries.end() ? nullptr : &*it;
}

}  // namespace

TEST_CASE("lint reports every broken file and every lesson without a passing solution", "[lib][lint]")
{
    auto const report = lint_folder(std::filesystem::path{PYFUN_FIXTURES} / "lesson_repo");

    CHECK_FALSE(report.passed());
    auto const* good = entry_for(report, "first/good");
    REQUIRE(good);
    CHECK(good->ok);
    CHECK_THAT(good->message, Catch::StartsWith("accepted in"));

    auto const* no_solution = entry_for(report, "first/old_format");
    REQUIRE(no_solution);
    CHECK_FALSE(no_solution->ok);
    CHECK_THAT(no_solution->message, Catch::Contains("no \"solution\""));

    auto const* broken = entry_for(report, "first/s2_broken_json.json");
    REQUIRE(broken);
    CHECK_FALSE(broken->ok);
    CHECK(entry_for(report, "second/ten")->ok);
    CHECK(report.failures() == 7);  // six files that do not load, one lesson without a solution
}

TEST_CASE("lint says which verdict a wrong solution gets", "[lib][lint]")
{
    auto const folder = std::filesystem::temp_directory_path() / "pyfun-lint-test";
    std::filesystem::remove_all(folder);
    std::filesystem::create_directories(folder / "st");
    auto write = [](std::filesystem::path const& p, std::string const& text) {
        std::FILE* f = std::fopen(p.c_str(), "w");
        REQUIRE(f);
        std::fputs(text.c_str(), f);
        std::fclose(f);
    };
    write(folder / "st" / "stage.json", R"J({"index": 1})J");
    write(folder / "st" / "s1_wrong.json",
          R"J({"title": "W", "code": ["print(_____)"], "expect": {"stdout": ["2\n"]}, "solution": {"field_1": "3"}})J");

    auto const report = lint_folder(folder);
    std::filesystem::remove_all(folder);

    REQUIRE(report.entries.size() == 1);
    CHECK_FALSE(report.entries[0].ok);
    CHECK_THAT(report.entries[0].message, Catch::Contains("wrong_answer") && Catch::Contains("\"3\\n\""));
}
