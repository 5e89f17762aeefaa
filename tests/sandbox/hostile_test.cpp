// The hostile-program suite: every program of hostile_cases.cpp goes through the real verify path of the API
// (core::api over a folder_source of tests/fixtures/sandbox_lessons, with the layers this machine's probe
// found), a few at a time. Each case then checks its verdict, that the handler still answers, that no process
// of its run survives, and that nothing outside its work folder changed.

#include "sandbox/hostile_cases.hpp"
#include "sandbox/sandbox_support.hpp"
#include "support/read_file.hpp"

#include "lib/api.hpp"
#include "lib/folder_source.hpp"
#include "lib/verifier.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>

namespace {

namespace core = pyfun::core;
namespace fs = std::filesystem;
namespace json = boost::json;
namespace net = boost::asio;
using pyfun::test::hostile_case;
using pyfun::test::scratch_folder;

fs::path const lessons = fs::path{PYFUN_FIXTURES} / "sandbox_lessons";
constexpr std::size_t parallel_runs = 6;
constexpr char const* secret_name = "PYFUN_SANDBOX_TEST_SECRET";
constexpr char const* secret_value = "hunter2-correct-horse";
constexpr char const* canary_text = "canary\n";

std::string replace_all(std::string text, std::string const& from, std::string const& to)
{
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

std::map<std::string, std::string> file_contents(fs::path const& folder)
{
    std::map<std::string, std::string> contents;
    for (auto const& entry : fs::recursive_directory_iterator{folder}) {
        auto const name = entry.path().string();
        contents[name] = entry.is_regular_file() ? pyfun::test::read_file_or_empty(name) : "";
    }
    return contents;
}

// What one case needs on the host: its own work root (to find its processes), canary folder (world-writable,
// so that only the sandbox can keep it intact) and a /tmp path the program tries to write.
struct case_place {
    explicit case_place(std::size_t index)
        : work_root{"pyfun-hostile-work"},
          canary{"pyfun-hostile-canary", 0777},
          host_file{fs::temp_directory_path() /
                    ("pyfun-hostile-" + std::to_string(::getpid()) + "-" + std::to_string(index) + ".txt")}
    {
        auto const file = canary.path() / "canary.txt";
        std::ofstream{file} << canary_text;
        auto const executable = fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec;
        fs::permissions(file, fs::perms::all & ~executable);
    }
    ~case_place()
    {
        std::error_code ec;
        fs::remove(host_file, ec);
    }

    scratch_folder work_root;
    scratch_folder canary;
    fs::path host_file;
};

struct host_listeners {
    pyfun::test::tcp_listener server_port;
    pyfun::test::tcp_listener runtime_api;
    pyfun::test::udp_listener datagrams;
    pyfun::test::abstract_listener abstract_socket;
};

std::string program_for(hostile_case const& c, case_place const& place, host_listeners const& hosts)
{
    std::string program = c.program;
    std::pair<char const*, std::string> const values[] = {
        {"@CANARY@", place.canary.path().string()},
        {"@HOST_FILE@", place.host_file.string()},
        {"@SERVER_PID@", std::to_string(::getpid())},
        {"@SERVER_PGID@", std::to_string(::getpgrp())},
        {"@TCP_PORT@", std::to_string(hosts.server_port.port())},
        {"@RUNTIME_PORT@", std::to_string(hosts.runtime_api.port())},
        {"@UDP_PORT@", std::to_string(hosts.datagrams.port())},
        {"@ABSTRACT@", hosts.abstract_socket.name()},
        {"@LESSONS@", lessons.string()},
        {"@EXE@", fs::read_symlink("/proc/self/exe").string()},
    };
    for (auto const& [placeholder, value] : values)
        program = replace_all(std::move(program), placeholder, value);
    return program;
}

// Runs in the warm run that waited beside the hostile program (where there is a pool): it must find that run
// as every run starts, whatever the hostile program did meanwhile.
constexpr char const* follow_up_program = "import builtins, os\n"
                                          "print('clean', sorted(os.listdir('.')), len(vars(builtins)) > 100)\n";
constexpr char const* follow_up_output = "clean ['main.py'] True\n";

struct case_answer {
    unsigned verify_status = 0;
    std::string verify_body;
    unsigned get_status = 0;
    std::string follow_up_body;
    core::warm_runs_stats warm;
};

net::awaitable<core::response> verify(core::api& handler, std::string const& lesson, std::string const& program)
{
    json::object body{{"answer", json::object{{"field_1", program}}}};
    core::request post{"POST", "/stage/hostile/" + lesson, {}, json::serialize(body)};
    co_return co_await handler.handle(std::move(post));
}

// One case through the API, with its own runner (for its own work root) whose one warm run is ready, then a
// GET on the same handler, then the follow-up program in the run that waited meanwhile.
net::awaitable<case_answer> verify_case(core::folder_source& source, fs::path work_root, std::string lesson,
                                        std::string program)
{
    auto options = pyfun::test::sandboxed_options(work_root);
    options.warm_runs = 1;
    options.warm_limits.cpu = std::chrono::milliseconds{1000};  // the hostile lessons' start limits
    options.warm_limits.memory_bytes = 128u << 20;
    core::runner sandbox{options};
    sandbox.warm_up();
    core::verifier judge{sandbox, core::run_limits{}};
    core::api handler{source, judge, core::api_options{}};
    auto const verified = co_await verify(handler, lesson, program);
    core::request get{"GET", "/stage/hostile/program", {}, {}};
    auto const answered = co_await handler.handle(std::move(get));
    auto const follow_up = co_await verify(handler, "program", follow_up_program);
    co_return case_answer{verified.status, verified.body, answered.status, follow_up.body, sandbox.warm_runs()};
}

std::string joined(json::value const& lines)
{
    std::string text;
    for (auto const& line : lines.as_array())
        text += line.as_string();
    return text;
}

}  // namespace

TEST_CASE("hostile programs are contained, and the server and host are unaffected", "[sandbox][hostile]")
{
    auto const& facts = pyfun::test::facts();
    ::setenv(secret_name, secret_value, 1);
    auto opened = core::folder_source::open(lessons);
    REQUIRE(opened.has_value());
    auto& source = **opened;
    auto const lessons_before = file_contents(lessons);
    host_listeners const hosts;

    std::vector<hostile_case> cases;
    for (auto& c : pyfun::test::hostile_cases())
        if (!c.runnable || c.runnable(facts))
            cases.push_back(std::move(c));
    REQUIRE(cases.size() >= 40);
    std::vector<std::unique_ptr<case_place>> places;
    for (std::size_t i = 0; i < cases.size(); ++i)
        places.push_back(std::make_unique<case_place>(i));

    // A few workers take the shared cases in turn: enough overlap to keep the suite short, few enough that
    // the wall limits stay far from the CPU the runs get on a shared machine. Then the exclusive ones, alone.
    std::vector<case_answer> answers(cases.size());
    auto run_cases = [&](std::vector<std::size_t> const& queue, std::size_t workers) {
        std::size_t next = 0;
        auto worker = [&]() -> net::awaitable<void> {
            while (next < queue.size()) {
                auto const i = queue[next++];
                auto const program = program_for(cases[i], *places[i], hosts);
                auto const& root = places[i]->work_root.path();
                answers[i] = co_await verify_case(source, root, cases[i].lesson, program);
            }
        };
        net::io_context ioc;
        for (std::size_t w = 0; w < workers; ++w)
            net::co_spawn(ioc, worker(), [](std::exception_ptr e) {
                if (e)
                    std::rethrow_exception(e);
            });
        ioc.run();
    };
    std::vector<std::size_t> shared, alone;
    for (std::size_t i = 0; i < cases.size(); ++i)
        (cases[i].exclusive ? alone : shared).push_back(i);
    run_cases(shared, parallel_runs);
    run_cases(alone, 1);
    ::unsetenv(secret_name);

    for (std::size_t i = 0; i < cases.size(); ++i) {
        auto const& c = cases[i];
        auto const& place = *places[i];
        auto const expected = c.expect(facts);
        INFO("case: " << c.name);
        INFO("answer: " << answers[i].verify_body);
        REQUIRE(answers[i].verify_status == 200);
        CHECK(answers[i].get_status == 200);
        auto const data = json::parse(answers[i].verify_body).at("data");
        CHECK(data.at("verdict").as_string() == expected.verdict);
        auto const output = joined(data.at("stdout"));
        if (!expected.output_has.empty())
            CHECK_THAT(output, Catch::Contains(expected.output_has));
        if (!expected.output_lacks.empty())
            CHECK_THAT(output, !Catch::Contains(expected.output_lacks));
        CHECK_THAT(answers[i].verify_body, !Catch::Contains(secret_value));
        auto const follow_up = json::parse(answers[i].follow_up_body).at("data");
        CHECK(joined(follow_up.at("stdout")) == follow_up_output);
        if (core::isolates_waiting_runs(facts.plan.layers)) {
            CHECK(answers[i].warm.warm == 2);  // the case and its follow-up, each in a run that waited
            CHECK(answers[i].warm.lost == 0);
        }

        CHECK_FALSE(pyfun::test::process_mentions(place.work_root.path().string()));
        CHECK(place.work_root.empty());
        if (facts.files_hidden()) {
            CHECK(fs::exists(place.canary.path() / "canary.txt"));
            auto const canary = (place.canary.path() / "canary.txt").string();
            CHECK(pyfun::test::read_file_or_empty(canary) == canary_text);
            CHECK(std::distance(fs::directory_iterator{place.canary.path()}, fs::directory_iterator{}) == 1);
            CHECK_FALSE(fs::exists(place.host_file));
        }
    }

    CHECK_FALSE(pyfun::test::process_mentions("7391."));  // the background sleeps some programs try to leave
    CHECK(pyfun::test::own_children() == 0);
    CHECK(file_contents(lessons) == lessons_before);
    if (facts.tcp_blocked()) {
        CHECK_FALSE(hosts.server_port.connected());
        CHECK_FALSE(hosts.runtime_api.connected());
    }
    if (facts.datagrams_blocked())
        CHECK_FALSE(hosts.datagrams.received());
    if (facts.has(core::sandbox_layer::net_ns) || facts.has(core::sandbox_layer::seccomp))
        CHECK_FALSE(hosts.abstract_socket.connected());
}
