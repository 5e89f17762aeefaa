// The byte-bounded LRU of parsed files.

#include "lib/github/file_cache.hpp"

#include <catch2/catch.hpp>

using pyfun::github::file_cache;
using pyfun::github::parsed_file;

namespace {

std::shared_ptr<parsed_file const> entry()
{
    return std::make_shared<parsed_file const>();
}

}  // namespace

TEST_CASE("the file cache evicts the least recently used entries to stay within its bytes", "[github]")
{
    file_cache cache{100};
    cache.insert("a", entry(), 40);
    cache.insert("b", entry(), 40);
    CHECK(cache.find("a") != nullptr);  // a is now the most recent
    cache.insert("c", entry(), 40);     // evicts b
    CHECK(cache.find("b") == nullptr);
    CHECK(cache.find("a") != nullptr);
    CHECK(cache.find("c") != nullptr);

    auto stats = cache.stats();
    CHECK(stats.bytes == 80);
    CHECK(stats.capacity == 100);
    CHECK(stats.entries == 2);
    CHECK(stats.hits == 3);
    CHECK(stats.misses == 1);
    CHECK(stats.evictions == 1);

    cache.insert("huge", entry(), 101);  // larger than the whole cache: not kept, nothing evicted
    CHECK(cache.find("huge") == nullptr);
    CHECK(cache.stats().entries == 2);

    cache.insert("a", entry(), 10);  // replacing an entry frees its old size
    CHECK(cache.stats().bytes == 50);

    file_cache none{0};
    none.insert("a", entry(), 1);
    CHECK(none.stats().entries == 0);
}
