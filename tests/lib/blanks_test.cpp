#include "lib/blanks.hpp"

#include <catch2/catch.hpp>

using pyfun::core::count_blanks;
using pyfun::core::fill_blanks;

TEST_CASE("blanks are numbered left to right, top to bottom", "[lib][blanks]")
{
    std::vector<std::string> const code{"a = _____ + _____", "print(a)", "b = [_____]"};

    CHECK(count_blanks(code) == 3);
    CHECK(fill_blanks(code, {"1", "2", "3"}) == "a = 1 + 2\nprint(a)\nb = [3]\n");
    CHECK(pyfun::core::field_name(3) == "field_3");
}

TEST_CASE("a run of more than five underscores holds one blank and the rest stays", "[lib][blanks]")
{
    std::vector<std::string> const code{"x = ______", "y = __________"};

    CHECK(count_blanks(code) == 3);
    CHECK(fill_blanks(code, {"A", "B", "C"}) == "x = A_\ny = BC\n");
}

TEST_CASE("values are inserted verbatim, whatever they contain", "[lib][blanks]")
{
    std::vector<std::string> const code{"print(_____)", "print(_____)"};
    auto const value = GENERATE(as<std::string>{}, "{}", "{0}", "{{}}", "_____", "\"quoted\" 'single'", "back\\slash\\n",
                                "line\nbreak", "caf\xC3\xA9 \xE2\x9C\x93", "%s %d", "");

    auto const program = fill_blanks(code, {value, "2"});

    CHECK(program == "print(" + value + ")\nprint(2)\n");
}

TEST_CASE("code lines that already end in a newline are not doubled", "[lib][blanks]")
{
    CHECK(fill_blanks({"a = _____\n", "print(a)"}, {"1"}) == "a = 1\nprint(a)\n");
    CHECK(pyfun::core::join_lines({"x\n", "y"}) == "x\ny\n");
}
