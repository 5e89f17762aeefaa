// Git object ids, and the fake GitHub's repository against ids computed by real git for the same content.

#include "lib/github/git_hash.hpp"
#include "support/fake_github.hpp"

#include <catch2/catch.hpp>

using pyfun::github::git_blob_id;
using pyfun::github::git_object_id;
using pyfun::github::is_object_id;

TEST_CASE("blob ids are git's SHA-1 over the blob header and the bytes", "[github]")
{
    CHECK(git_blob_id("") == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
    CHECK(git_blob_id("hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a");
    CHECK(git_object_id("tree", "") == "4b825dc642cb6eb9a060e54bf8d69288fbee4904");
    CHECK(git_blob_id(std::string{"a\0b", 3}) != git_blob_id("ab"));
    CHECK(is_object_id("ce013625030ba8dba906f756967f9e9ca394464a"));
    CHECK_FALSE(is_object_id("CE013625030BA8DBA906F756967F9E9CA394464A"));
    CHECK_FALSE(is_object_id("ce013625030ba8dba906f756967f9e9ca394464"));
    CHECK_FALSE(is_object_id("<html>not a sha at all, just forty chars</html>"));
}

TEST_CASE("the fake GitHub's blobs, trees and commits have the ids real git gives them", "[github]")
{
    // Reference ids from `git commit` with the same files, author "Fake Author <fake@example.com>",
    // dates 1700000001 and 1700000002 +0000 and messages "commit 1" and "commit 2".
    pyfun::test::fake_github fake;
    auto const first = fake.push(
        {{"README.md", "hello\n"}, {"basics/stage.json", "{\"index\": 1, \"title\": \"Basics\"}\n"}});
    CHECK(first == "2736aa632b04f173525e8f6ec919e57e031e05bf");
    CHECK(fake.tree_of(first) == "6a10227857a476f3941164213fd004a5e71347b0");
    CHECK(fake.blob_sha("basics/stage.json") == "6350b946285917f72cd3f115417f59bf1acfcd2b");

    auto const second = fake.push({{"README.md", "hello again\n"}});
    CHECK(second == "1ab6be49eadbf9c38626727aefc782b50fe50d80");
    CHECK(fake.tree_of(second) == "9e5db6c99a3c8a3e3de9ded6e6fcf34fca5ae951");
    CHECK(fake.head() == second);
}
