// The JSON log lines: shape, time format, and staying valid JSON whatever a request carries.

#include "service/access_log.hpp"

#include <boost/json/parse.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <regex>
#include <string>

namespace {

using pyfun::service::format_access_line;

std::chrono::system_clock::time_point const noon =
    std::chrono::system_clock::time_point{std::chrono::seconds{1714564800}} + std::chrono::milliseconds{7};

}  // namespace

TEST_CASE("time stamps are ISO-8601 UTC with milliseconds", "[service]")
{
    CHECK(pyfun::service::iso8601_utc(noon) == "2024-05-01T12:00:00.007Z");
    CHECK(std::regex_match(pyfun::service::iso8601_utc(std::chrono::system_clock::now()),
                           std::regex{R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)"}));
}

TEST_CASE("an access line has the request's fields and a fractional duration", "[service]")
{
    auto const line =
        format_access_line({"POST", "/stage/a/b?key=secret", 200, 12.3456, "accepted", "[::1]:5000"}, noon);
    auto const json = boost::json::parse(line).as_object();
    CHECK(json.at("time") == "2024-05-01T12:00:00.007Z");
    CHECK(json.at("method") == "POST");
    CHECK(json.at("path") == "/stage/a/b");
    CHECK(json.at("status") == 200);
    CHECK(json.at("duration_ms").as_double() == Approx(12.346));
    CHECK(json.at("verdict") == "accepted");
    CHECK(json.at("remote") == "[::1]:5000");
    CHECK(line.find("secret") == std::string::npos);
    CHECK(line.find('\n') == std::string::npos);
}

TEST_CASE("an access line without a verdict has no verdict field", "[service]")
{
    auto const json = boost::json::parse(format_access_line({"GET", "/", 404, 0.5, "", "127.0.0.1:1"}, noon));
    CHECK_FALSE(json.as_object().contains("verdict"));
}

TEST_CASE("log lines stay valid JSON for hostile paths and messages", "[service]")
{
    std::string const hostile =
        std::string{"/\"quoted\"\\\n\r\t\x01\x7f"} + "\xff\xfe" + "caf\xc3\xa9" + std::string(2000, 'x');
    auto const access = format_access_line({"GET", hostile, 400, 1, "", "r"}, noon);
    auto const path = boost::json::parse(access).as_object().at("path").as_string();
    CHECK(path.size() <= 512 + 64);
    CHECK(std::string_view{path}.starts_with("/\"quoted\"\\\n"));

    auto const event =
        pyfun::service::format_event_line("error", "handler failed", {{"error", hostile}}, noon);
    auto const parsed = boost::json::parse(event).as_object();
    CHECK(parsed.at("level") == "error");
    CHECK(parsed.at("event") == "handler failed");
    CHECK(std::string_view{parsed.at("error").as_string()}.find("caf\xc3\xa9") != std::string_view::npos);
}
