#include "lib/base64.hpp"

#include <catch2/catch.hpp>

using pyfun::core::base64_decode;
using pyfun::core::base64_encode;

TEST_CASE("base64 follows RFC 4648's test vectors", "[lib][base64]")
{
    auto const [plain, encoded] = GENERATE(table<std::string, std::string>({
        {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="},
        {"foobar", "Zm9vYmFy"}, {std::string("\0\xff\xfe", 3), "AP/+"},
    }));

    CHECK(base64_encode(plain) == encoded);
    CHECK(base64_decode(encoded) == plain);
}

TEST_CASE("invalid base64 is refused, not guessed", "[lib][base64]")
{
    for (auto const* bad : {"Zg", "Zg=", "Z===", "Zm9v!", "Zm=v", "Zh==", "Zm9=", "====", "Zm9v\n"})
        CHECK_FALSE(base64_decode(bad).has_value());
}
