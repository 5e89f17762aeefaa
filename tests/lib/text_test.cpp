#include "lib/text.hpp"

#include <catch2/catch.hpp>

using pyfun::core::split_lines;
using pyfun::core::utf8_with_replacement;

TEST_CASE("output lines keep their newline, the last one only if it had one", "[lib][text]")
{
    CHECK(split_lines("a\nb\n") == std::vector<std::string>{"a\n", "b\n"});
    CHECK(split_lines("a\nb") == std::vector<std::string>{"a\n", "b"});
    CHECK(split_lines("\n\n") == std::vector<std::string>{"\n", "\n"});
    CHECK(split_lines("").empty());
    CHECK(split_lines("a\r\nb") == std::vector<std::string>{"a\r\n", "b"});
}

TEST_CASE("output is decoded as UTF-8 with replacement", "[lib][text]")
{
    std::string const replacement = "\xEF\xBF\xBD";

    CHECK(utf8_with_replacement("plain") == "plain");
    CHECK(utf8_with_replacement("caf\xC3\xA9 \xF0\x9F\x90\x8D") == "caf\xC3\xA9 \xF0\x9F\x90\x8D");
    CHECK(utf8_with_replacement("\xff\xfe ok") == replacement + replacement + " ok");
    CHECK(utf8_with_replacement("\xC3") == replacement);                          // truncated sequence
    CHECK(utf8_with_replacement("\xC0\xAF") == replacement + replacement);        // overlong
    CHECK(utf8_with_replacement("\xED\xA0\x80") == replacement + replacement + replacement);  // surrogate
    CHECK(utf8_with_replacement("\xF4\x90\x80\x80").find("\xF4") == std::string::npos);     // above U+10FFFF
    CHECK(utf8_with_replacement(std::string("a\0b", 3)) == std::string("a\0b", 3));
}

TEST_CASE("is_valid_utf8 agrees with utf8_with_replacement", "[lib][text]")
{
    for (std::string const text : {"plain", "caf\xC3\xA9 \xF0\x9F\x90\x8D", "", "\xff\xfe ok", "\xC3", "ok\xC3",
                                   "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82"}) {
        INFO(text);
        CHECK(pyfun::core::is_valid_utf8(text) == (utf8_with_replacement(text) == text));
    }
    CHECK(pyfun::core::is_valid_utf8("caf\xC3\xA9"));
    CHECK_FALSE(pyfun::core::is_valid_utf8("caf\xC3"));
}
