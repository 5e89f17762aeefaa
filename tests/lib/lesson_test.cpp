#include "lib/lesson.hpp"

#include <catch2/catch.hpp>

#include <string>

using pyfun::core::parse_lesson;
using pyfun::core::parse_lesson_file_name;
using pyfun::core::parse_stage;

namespace {

pyfun::core::load_result<pyfun::core::lesson> parse(std::string const& text)
{
    return parse_lesson(text, "basics/s1_hello.json", "basics", {1, "hello"});
}

}  // namespace

TEST_CASE("an old-format lesson loads unchanged, its url ignored", "[lib][lesson]")
{
    auto const lesson = parse(R"J({
        "type": "blank_form",
        "title": "Hello Python",
        "author": "someone",
        "url": "/stage/1/1/",
        "description": ["Print a greeting.", "Fill the blanks."],
        "code": ["_____(\"_____\")"],
        "expect": {"type": "std-validator", "stdout": ["Hello Python\n"], "stderr": []}
    })J");

    REQUIRE(lesson.has_value());
    CHECK(lesson->title == "Hello Python");
    CHECK(lesson->author == "someone");
    CHECK(lesson->stage == "basics");
    CHECK(lesson->name == "hello");
    CHECK(lesson->index == 1);
    CHECK(lesson->description.size() == 2);
    CHECK(lesson->blank_count == 2);
    CHECK(lesson->validator == pyfun::core::validator_kind::std_output);
    CHECK(lesson->expected_stdout == std::vector<std::string>{"Hello Python\n"});
    CHECK(lesson->expected_stderr.empty());
    CHECK_FALSE(lesson->solution.has_value());
    CHECK_FALSE(lesson->image.has_value());
}

TEST_CASE("new keys: solution, limits, image and a runtime validator", "[lib][lesson]")
{
    auto const lesson = parse(R"J({
        "title": "Even", "image": "https://example.invalid/x.png",
        "code": ["print(_____ * 2)"],
        "expect": {"type": "runtime-validator",
                   "source": ["def validate(out, err):", "    return int(out[0]) % 2 == 0"]},
        "solution": {"field_1": "21"},
        "limits": {"cpu_ms": 500, "wall_ms": 1000, "memory_mb": 64, "output_kb": 8}
    })J");

    REQUIRE(lesson.has_value());
    CHECK(lesson->validator == pyfun::core::validator_kind::runtime);
    CHECK(lesson->validator_source == "def validate(out, err):\n    return int(out[0]) % 2 == 0\n");
    REQUIRE(lesson->solution.has_value());
    CHECK(*lesson->solution == std::vector<std::string>{"21"});
    CHECK(lesson->limits.cpu == std::chrono::milliseconds{500});
    CHECK(lesson->limits.wall == std::chrono::milliseconds{1000});
    CHECK(lesson->limits.memory_mb == 64u);
    CHECK(lesson->limits.output_kb == 8u);
    CHECK(lesson->image == "https://example.invalid/x.png");
}

TEST_CASE("every key's errors name the file and the key", "[lib][lesson]")
{
    auto const [text, key, message] = GENERATE(table<std::string, std::string, std::string>({
        {R"J([1, 2])J", "", "must be a JSON object"},
        {R"J({"title": )J", "", "invalid JSON"},
        {R"J({"code": ["x"], "expect": {"stdout": []}})J", "title", "is required"},
        {R"J({"title": 7, "code": ["x"], "expect": {"stdout": []}})J", "title", "must be a string"},
        {R"J({"type": "quiz", "title": "t", "code": ["x"], "expect": {"stdout": []}})J", "type", "blank_form"},
        {R"J({"title": "t", "author": [], "code": ["x"], "expect": {"stdout": []}})J", "author", "must be a string"},
        {R"J({"title": "t", "description": [1], "code": ["x"], "expect": {"stdout": []}})J", "description[0]",
         "must be a string"},
        {R"J({"title": "t", "expect": {"stdout": []}})J", "code", "is required"},
        {R"J({"title": "t", "code": [], "expect": {"stdout": []}})J", "code", "must not be empty"},
        {R"J({"title": "t", "code": {"a": 1}, "expect": {"stdout": []}})J", "code", "list of strings"},
        {R"J({"title": "t", "code": ["x", null], "expect": {"stdout": []}})J", "code[1]", "must be a string"},
        {R"J({"title": "t", "code": ["x"]})J", "expect", "is required"},
        {R"J({"title": "t", "code": ["x"], "expect": []})J", "expect", "must be an object"},
        {R"J({"title": "t", "code": ["x"], "expect": {"type": "magic"}})J", "expect.type", "std-validator"},
        {R"J({"title": "t", "code": ["x"], "expect": {}})J", "expect.stdout", "is required"},
        {R"J({"title": "t", "code": ["x"], "expect": {"stdout": ["a", 2]}})J", "expect.stdout[1]", "must be a string"},
        {R"J({"title": "t", "code": ["x"], "expect": {"stdout": [], "stderr": 5}})J", "expect.stderr", "list of strings"},
        {R"J({"title": "t", "code": ["x"], "expect": {"type": "runtime-validator"}})J", "expect.source", "is required"},
        {R"J({"title": "t", "code": ["x"], "expect": {"type": "runtime-validator", "source": ["x = 1"]}})J",
         "expect.source", "validate"},
        {R"J({"title": "t", "code": ["_____"], "expect": {"stdout": []}, "solution": ["a"]})J", "solution",
         "must be an object"},
        {R"J({"title": "t", "code": ["_____ _____"], "expect": {"stdout": []}, "solution": {"field_1": "a"}})J",
         "solution.field_2", "is required"},
        {R"J({"title": "t", "code": ["_____"], "expect": {"stdout": []}, "solution": {"field_1": true}})J",
         "solution.field_1", "must be a string"},
        {R"J({"title": "t", "code": ["_____"], "expect": {"stdout": []}, "solution": {"field_1": "a", "field_2": "b"}})J",
         "solution", "2 fields but the code has 1 blanks"},
        {R"J({"title": "t", "code": ["x"], "expect": {"stdout": []}, "limits": 3})J", "limits", "must be an object"},
        {R"J({"title": "t", "code": ["x"], "expect": {"stdout": []}, "limits": {"cpu_ms": 0}})J", "limits.cpu_ms",
         "between 1 and"},
        {R"J({"title": "t", "code": ["x"], "expect": {"stdout": []}, "limits": {"wall_ms": 1e9}})J", "limits.wall_ms",
         "whole number"},
        {R"J({"title": "t", "code": ["x"], "expect": {"stdout": []}, "limits": {"memory_mb": 99999}})J",
         "limits.memory_mb", "between 1 and 1024"},
        {R"J({"title": "t", "code": ["x"], "expect": {"stdout": []}, "limits": {"output_kb": "8"}})J",
         "limits.output_kb", "whole number"},
    }));

    auto const lesson = parse(text);

    REQUIRE(lesson.has_error());
    CHECK(lesson.error().file == "basics/s1_hello.json");
    CHECK(lesson.error().key == key);
    CHECK_THAT(lesson.error().message, Catch::Contains(message));
    CHECK_THAT(lesson.error().to_string(), Catch::StartsWith("basics/s1_hello.json: "));
}

TEST_CASE("hostile lesson files are errors, not crashes", "[lib][lesson]")
{
    SECTION("deep nesting")
    {
        std::string const deep = std::string(100000, '[') + std::string(100000, ']');
        CHECK(parse(deep).has_error());
    }
    SECTION("a huge file")
    {
        std::string const huge = R"J({"title": ")J" + std::string(2'000'000, 'x') + R"J("})J";
        auto const lesson = parse(huge);
        REQUIRE(lesson.has_error());
        CHECK_THAT(lesson.error().message, Catch::Contains("larger than"));
    }
    SECTION("empty and binary input")
    {
        CHECK(parse("").has_error());
        CHECK(parse(std::string("\0\xff\xfe", 3)).has_error());
    }
}

TEST_CASE("lesson file names follow s<index>_<lesson>.json", "[lib][lesson]")
{
    auto const good = parse_lesson_file_name("s12_for_loops.json");
    REQUIRE(good.has_value());
    CHECK(good->index == 12);
    CHECK(good->name == "for_loops");

    for (auto const* bad : {"hello.json", "s_hello.json", "sx_hello.json", "s1_.json", "s1_hello.txt", "s0_zero.json",
                            "s-1_neg.json", "s1_bad name.json", "s1_.hidden.json", "S1_upper.json", "s1hello.json",
                            "s99999999_big.json"})
        CHECK_FALSE(parse_lesson_file_name(bad).has_value());
}

TEST_CASE("stage.json gives index and title", "[lib][lesson]")
{
    auto const stage = parse_stage(R"J({"index": 3, "title": "Loops"})J", "loops/stage.json", "loops");
    REQUIRE(stage.has_value());
    CHECK(stage->name == "loops");
    CHECK(stage->index == 3);
    CHECK(stage->title == "Loops");

    auto const untitled = parse_stage(R"J({"index": 1})J", "loops/stage.json", "loops");
    REQUIRE(untitled.has_value());
    CHECK(untitled->title == "loops");

    auto const bad = parse_stage(R"J({"index": "1"})J", "loops/stage.json", "loops");
    REQUIRE(bad.has_error());
    CHECK(bad.error().key == "index");
    CHECK(parse_stage(R"J({"title": "x"})J", "loops/stage.json", "loops").error().key == "index");
}
