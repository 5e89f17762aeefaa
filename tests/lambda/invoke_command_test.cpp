// `pyfun invoke`: the same function as bootstrap on one event file, printing what bootstrap would post.

#include "support/fake_runtime_api.hpp"
#include "lambda_harness.hpp"

#include <boost/json/parse.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

struct command_result {
    std::string out;
    int exit_code = -1;
};

// Runs a shell command line and collects its stdout (stderr goes to /dev/null).
command_result run_command(std::string const& command)
{
    command_result result;
    FILE* pipe = ::popen((command + " 2>/dev/null").c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::array<char, 4096> buffer{};
    std::size_t n = 0;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
        result.out.append(buffer.data(), n);
    int const status = ::pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

std::string pyfun_invoke(std::string const& arguments)
{
    return pyfun::test::binary("pyfun") + " invoke " + arguments;
}

// A private folder for event files, removed at the end of the test.
struct temp_folder {
    temp_folder()
    {
        std::string pattern = (fs::temp_directory_path() / "pyfun-invoke-XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        path = pattern;
    }
    ~temp_folder() { fs::remove_all(path); }

    std::string write(std::string const& name, std::string const& content) const
    {
        std::ofstream{path / name, std::ios::binary} << content;
        return (path / name).string();
    }

    fs::path path;
};

}  // namespace

TEST_CASE("pyfun invoke prints exactly the response bootstrap posts for the same event", "[lambda]")
{
    temp_folder folder;
    auto const handler =
        GENERATE(as<std::string>{}, "router", "lesson_info", "lambda_app.stage_info_handler");
    CAPTURE(handler);
    auto const event = pyfun::test::rest_event("GET", "/stage/basics/hello",
                                               {{"stage_name", "basics"}, {"lesson_name", "hello"}});
    auto const file = folder.write("event.json", event);

    auto const printed = run_command(pyfun_invoke("--event " + file + " --handler " + handler +
                                                  " --lessons " + pyfun::test::lambda_lessons()));
    CHECK(printed.exit_code == 0);

    pyfun::test::fake_runtime_api api;
    auto bootstrap = pyfun::test::start_bootstrap(api, {handler});
    auto const posted = api.wait_for_result(api.enqueue(event));
    REQUIRE(posted);
    CHECK(printed.out == posted->body + "\n");
    CHECK(pyfun::test::read_answer(posted->body).status == 200);
}

TEST_CASE("pyfun invoke prints the error bootstrap would post for a malformed event and exits 1", "[lambda]")
{
    temp_folder folder;
    std::string const event = R"({"hello": "not an HTTP event"})";
    auto const printed = run_command(pyfun_invoke("--event " + folder.write("bad.json", event) +
                                                  " --lessons " + pyfun::test::lambda_lessons()));
    CHECK(printed.exit_code == 1);

    pyfun::test::fake_runtime_api api;
    auto bootstrap = pyfun::test::start_bootstrap(api);
    auto const posted = api.wait_for_result(api.enqueue(event));
    REQUIRE(posted);
    CHECK(posted->kind == "error");
    CHECK(printed.out == posted->body + "\n");
}

TEST_CASE("pyfun invoke reads the event from stdin with --event -", "[lambda]")
{
    temp_folder folder;
    auto const file = folder.write("event.json", pyfun::test::http_api_event("GET", "/stage"));
    auto const printed =
        run_command(pyfun_invoke("--event - --lessons " + pyfun::test::lambda_lessons() + " < " + file));
    REQUIRE(printed.exit_code == 0);
    auto const answer = pyfun::test::read_answer(printed.out);
    CHECK(answer.json_body.at("data").at("basics").at("index") == 1);
}

TEST_CASE("pyfun invoke explains itself and refuses bad usage", "[lambda]")
{
    auto const help = run_command(pyfun_invoke("--help"));
    CHECK(help.exit_code == 0);
    CHECK(help.out.find("--event FILE") != std::string::npos);
    CHECK(help.out.find("lesson_verify") != std::string::npos);

    CHECK(run_command(pyfun_invoke("")).exit_code == 2);
    CHECK(run_command(pyfun_invoke("--event")).exit_code == 2);
    CHECK(run_command(pyfun_invoke("--event x --bogus")).exit_code == 2);
    CHECK(run_command(pyfun_invoke("--event /nonexistent/event.json")).exit_code == 1);

    temp_folder folder;
    auto const file = folder.write("event.json", pyfun::test::http_api_event("GET", "/stage"));
    auto const unknown = run_command(pyfun_invoke("--event " + file + " --handler lambda_app.nope"));
    CHECK(unknown.exit_code == 1);
    CHECK(json::parse(unknown.out).at("errorType") == "Runtime.HandlerNotFound");
}
