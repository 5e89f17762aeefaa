// The bench harness in a tiny configuration: every section runs against the real binaries of this build and
// the results come out as a table and as JSON with no errors. Timings are not asserted: they are figures.

#include "support/child_process.hpp"
#include "support/read_file.hpp"

#include <boost/json/parse.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include <unistd.h>

namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

std::string const bench_binary = std::string{ PYFUN_BIN_DIR } + "/pyfun-bench";

std::vector<std::string> const every_section{ "cold_lambda", "cold_server", "load", "verify",
                                              "memory",      "github",      "soak" };

bool has_line(std::vector<std::string> const& lines, std::string const& text)
{
    return std::any_of(lines.begin(), lines.end(), [&](std::string const& line) {
        return line.find(text) != std::string::npos;
    });
}

} // namespace

TEST_CASE("pyfun-bench runs every section in a tiny configuration without errors", "[bench]")
{
    std::string const json_file = "/tmp/pyfun-bench-test-" + std::to_string(::getpid()) + ".json";
    pyfun::test::child_process bench{ bench_binary,
                                      { "--spawns",
                                        "2",
                                        "--server-spawns",
                                        "1",
                                        "--floor-runs",
                                        "3",
                                        "--requests",
                                        "50",
                                        "--verify-requests",
                                        "4",
                                        "--concurrency",
                                        "1,4",
                                        "--memory-load-ms",
                                        "500",
                                        "--memory-connections",
                                        "16",
                                        "--soak",
                                        "1",
                                        "--soak-connections",
                                        "8",
                                        "--sample-ms",
                                        "200",
                                        "--github-latency-ms",
                                        "20",
                                        "--github-misses",
                                        "10",
                                        "--json",
                                        json_file } };
    auto const status = bench.wait_exit(300s);
    auto const lines = bench.lines();
    auto const text = pyfun::test::read_file_or_empty(json_file);
    std::remove(json_file.c_str());
    INFO([&] {
        std::string all;
        for (auto const& line : lines)
            all += line + "\n";
        return all;
    }());
    REQUIRE(status == 0);

    auto const results = json::parse(text).as_object();
    CHECK(results.at("errors").as_int64() == 0);
    CHECK(results.at("machine").as_object().at("cores").as_int64() > 0);
    std::vector<std::string> seen;
    for (auto const& item : results.at("sections").as_array()) {
        auto const& section = item.as_object();
        std::string const name{ section.at("name").as_string() };
        seen.push_back(name);
        INFO("section " << name);
        CHECK(section.at("failures").as_int64() == 0);
        CHECK_FALSE(section.at("rows").as_array().empty());
        for (auto const& r : section.at("rows").as_array()) {
            CHECK(r.as_object().at("errors").as_int64() == 0);
            CHECK_FALSE(r.as_object().at("values").as_object().empty());
        }
        CHECK(has_line(lines, "[" + name + "] ==")); // the table has it too
    }
    CHECK(seen == every_section);
    CHECK(has_line(lines, "errors: 0"));
}

TEST_CASE("pyfun-bench refuses bad flags before measuring anything", "[bench]")
{
    for (auto const& arguments :
         std::vector<std::vector<std::string>>{ { "--concurrency", "0" },
                                                { "--sections", "cold_lambda,nonsense" },
                                                { "--spawns", "-1" },
                                                { "--frobnicate" } }) {
        pyfun::test::child_process bench{ bench_binary, arguments };
        INFO(arguments.front() << " " << (arguments.size() > 1 ? arguments[1] : ""));
        CHECK(bench.wait_exit(30s) == 2);
        CHECK_FALSE(has_line(bench.lines(), "running"));
    }
}

TEST_CASE("pyfun-bench --help lists its flags", "[bench]")
{
    pyfun::test::child_process bench{ bench_binary, { "--help" } };
    REQUIRE(bench.wait_exit(30s) == 0);
    for (auto const* flag : { "--spawns", "--concurrency", "--sections", "--soak", "--json" })
        CHECK(has_line(bench.lines(), flag));
}
