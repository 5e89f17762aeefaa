#include "lib/runner.hpp"

#include "support/process_scan.hpp"
#include "support/read_file.hpp"
#include "support/run_sync.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <catch2/catch.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace core = pyfun::core;
namespace fs = std::filesystem;
namespace net = boost::asio;
using namespace std::chrono_literals;

// prepare_supervisor_process() is process-wide and idempotent; every test goes through here first.
core::runner make_runner(fs::path interpreter = {}, fs::path work_root = {})
{
    static bool const prepared = [] {
        core::prepare_supervisor_process();
        return true;
    }();
    (void)prepared;
    if (interpreter.empty()) {
        auto found = core::find_interpreter();
        REQUIRE(found);
        interpreter = *found;
    }
    return core::runner{core::runner_options{interpreter, work_root}};
}

// A work root of the test's own, to see that nothing is left in it.
class scratch_folder {
public:
    scratch_folder()
    {
        auto pattern = (fs::temp_directory_path() / "pyfun-runner-test-XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        path_ = pattern;
    }
    ~scratch_folder()
    {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    scratch_folder(scratch_folder const&) = delete;
    scratch_folder& operator=(scratch_folder const&) = delete;

    fs::path const& path() const { return path_; }
    bool empty() const { return fs::is_empty(path_); }

private:
    fs::path path_;
};

// Small limits keep the hostile tests fast.
core::run_limits quick_limits()
{
    core::run_limits limits;
    limits.cpu = 1s;
    limits.wall = 3s;
    return limits;
}

// For programs that must end at the CPU limit: a wall limit far enough away that a loaded machine
// (a build on the same two cores) cannot turn the verdict into wall_limit.
core::run_limits cpu_bound_limits()
{
    auto limits = quick_limits();
    limits.wall = 30s;
    return limits;
}

core::run_result run_program(std::string program, core::run_limits limits = quick_limits(),
                             std::vector<core::input_file> files = {})
{
    auto sandbox = make_runner();
    return pyfun::test::run_sync(sandbox.run(std::move(program), std::move(files), limits));
}

std::string read_file(fs::path const& path) { return pyfun::test::read_file_or_empty(path.string()); }

std::size_t open_descriptors()
{
    auto const count = std::distance(fs::directory_iterator{"/proc/self/fd"}, fs::directory_iterator{});
    return static_cast<std::size_t>(count);
}

long max_rss_kb()
{
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

std::string first_line(std::string const& text)
{
    return text.substr(0, text.find('\n'));
}

}  // namespace

TEST_CASE("find_interpreter returns an absolute executable that is not a script", "[lib][runner]")
{
    auto const interpreter = core::find_interpreter();
    REQUIRE(interpreter);
    CHECK(interpreter->is_absolute());
    CHECK(fs::is_regular_file(*interpreter));
    CHECK(::access(interpreter->c_str(), X_OK) == 0);
    CHECK(read_file(*interpreter).substr(0, 2) != "#!");
}

TEST_CASE("PYFUN_PYTHON overrides the search but must name an absolute executable", "[lib][runner]")
{
    auto const found = core::find_interpreter();
    REQUIRE(found);
    char const* const saved = std::getenv("PYFUN_PYTHON");
    std::optional<std::string> const original = saved ? std::optional<std::string>{saved} : std::nullopt;

    ::setenv("PYFUN_PYTHON", "python3", 1);
    CHECK_FALSE(core::find_interpreter());
    ::setenv("PYFUN_PYTHON", "/nonexistent/python3", 1);
    CHECK_FALSE(core::find_interpreter());
    ::setenv("PYFUN_PYTHON", found->c_str(), 1);
    CHECK(core::find_interpreter() == found);

    if (original)
        ::setenv("PYFUN_PYTHON", original->c_str(), 1);
    else
        ::unsetenv("PYFUN_PYTHON");
}

TEST_CASE("a program that prints exits normally with its output", "[lib][runner]")
{
    auto const result = run_program("print('hi')\n");

    CHECK(result.status == core::run_status::exited);
    CHECK(result.exit_code == 0);
    CHECK(result.signal == 0);
    CHECK(result.stdout_bytes == "hi\n");
    CHECK(result.stderr_bytes.empty());
    CHECK(result.error.empty());
    CHECK(result.max_rss_kb > 0);
    CHECK(pyfun::test::own_children() == 0);
}

TEST_CASE("exit codes and signals are reported as they are", "[lib][runner]")
{
    SECTION("sys.exit")
    {
        auto const result = run_program("import sys\nsys.exit(3)\n");
        CHECK(result.status == core::run_status::exited);
        CHECK(result.exit_code == 3);
    }
    SECTION("killed by a signal")
    {
        auto const result = run_program("import os, signal\nos.kill(os.getpid(), signal.SIGTERM)\n");
        CHECK(result.status == core::run_status::exited);
        CHECK(result.signal == SIGTERM);
    }
}

TEST_CASE("a traceback points at main.py and hides the bootstrap", "[lib][runner]")
{
    auto const result = run_program("1/0\n");

    CHECK(result.status == core::run_status::exited);
    CHECK(result.exit_code == 1);
    CHECK_THAT(result.stderr_bytes, Catch::Contains("File \"main.py\", line 1"));
    CHECK_THAT(result.stderr_bytes, Catch::Contains("ZeroDivisionError"));
    CHECK_THAT(result.stderr_bytes, !Catch::Contains("<string>"));
}

TEST_CASE("a syntax error is reported against main.py", "[lib][runner]")
{
    auto const result = run_program("print('a')\nx = (1,\n");

    CHECK(result.status == core::run_status::exited);
    CHECK(result.exit_code == 1);
    CHECK(result.stdout_bytes.empty());
    CHECK_THAT(result.stderr_bytes, Catch::Contains("File \"main.py\", line 2"));
    CHECK_THAT(result.stderr_bytes, Catch::Contains("SyntaxError"));
    CHECK_THAT(result.stderr_bytes, !Catch::Contains("<string>"));
}

TEST_CASE("the program sees main.py as its script and __main__ as its module", "[lib][runner]")
{
    auto const result = run_program("import sys\nprint(sys.argv, __name__, __file__)\n");

    CHECK(result.stdout_bytes == "['main.py'] __main__ main.py\n");
}

TEST_CASE("a busy loop ends at the CPU limit", "[lib][runner][timeout]")
{
    auto const result = run_program("while True:\n    pass\n", cpu_bound_limits());

    CHECK(result.status == core::run_status::cpu_limit);
    CHECK(result.signal == SIGXCPU);
    CHECK(result.cpu_time >= 900ms);
    CHECK(pyfun::test::own_children() == 0);
}

TEST_CASE("a busy loop that ignores SIGXCPU ends at the hard CPU limit", "[lib][runner][timeout]")
{
    auto const result = run_program("import signal\n"
                                    "signal.signal(signal.SIGXCPU, signal.SIG_IGN)\n"
                                    "while True:\n"
                                    "    pass\n",
                                    cpu_bound_limits());

    CHECK(result.status == core::run_status::cpu_limit);
    CHECK(result.signal == SIGKILL);
    CHECK(result.cpu_time >= 1900ms);
    CHECK(pyfun::test::own_children() == 0);
}

TEST_CASE("a sleeper ends at the wall limit", "[lib][runner][timeout]")
{
    auto limits = quick_limits();
    limits.wall = 1s;
    auto const t0 = std::chrono::steady_clock::now();

    auto const result = run_program("import time\ntime.sleep(10**9)\n", limits);

    CHECK(result.status == core::run_status::wall_limit);
    CHECK(result.signal == SIGKILL);
    CHECK(result.wall_time >= 1s);
    CHECK(std::chrono::steady_clock::now() - t0 < limits.wall + 3s);
    CHECK(pyfun::test::own_children() == 0);
}

TEST_CASE("allocations beyond the address-space limit end as memory_limit", "[lib][runner]")
{
    SECTION("one huge allocation")
    {
        auto const result = run_program("b = bytearray(10 * 1024**3)\n");
        CHECK(result.status == core::run_status::memory_limit);
        CHECK(result.exit_code == 90);
        CHECK_THAT(result.stderr_bytes, Catch::Contains("MemoryError"));
    }
    SECTION("a list that grows until it cannot")
    {
        auto const result = run_program("a = []\nwhile True:\n    a.append(' ' * (1024 * 1024))\n");
        CHECK(result.status == core::run_status::memory_limit);
        CHECK(result.exit_code == 90);
    }
    CHECK(pyfun::test::own_children() == 0);
}

TEST_CASE("an output flood ends at the output cap without filling our memory", "[lib][runner]")
{
    auto const limits = quick_limits();
    auto const rss_before = max_rss_kb();

    SECTION("one huge write")
    {
        auto const result = run_program("import sys\nsys.stdout.write('x' * 50_000_000)\n", limits);
        CHECK(result.status == core::run_status::output_limit);
        CHECK(result.stdout_bytes.size() <= limits.output_bytes);
        CHECK(result.stdout_bytes.size() > 0);
    }
    SECTION("a loop of prints")
    {
        auto const result = run_program("for i in range(1_000_000):\n    print('y' * 49)\n", limits);
        CHECK(result.status == core::run_status::output_limit);
        CHECK(result.stdout_bytes.size() <= limits.output_bytes);
    }
    SECTION("a flood on stderr")
    {
        auto const program = "import sys\nwhile True:\n    sys.stderr.write('z' * 1000)\n";
        auto const result = run_program(program, limits);
        CHECK(result.status == core::run_status::output_limit);
        CHECK(result.stderr_bytes.size() <= limits.output_bytes);
    }
    CHECK(max_rss_kb() - rss_before < 20 * 1024);
    CHECK(pyfun::test::own_children() == 0);
}

TEST_CASE("a fork loop is stopped and every process of it is gone", "[lib][runner][timeout]")
{
    auto limits = quick_limits();
    limits.wall = 1s;

    auto const result = run_program("import os\n"
                                    "while True:\n"
                                    "  try:\n"
                                    "    os.fork()\n"
                                    "  except OSError:\n"
                                    "    pass\n",
                                    limits);

    CHECK(result.status == core::run_status::wall_limit);
    CHECK(pyfun::test::own_children() == 0);
}

TEST_CASE("background processes do not outlive the run", "[lib][runner]")
{
    SECTION("a shell background job stays in the group")
    {
        auto const result = run_program("import os\nos.system('sleep 1234.5 &')\nprint('started')\n");
        CHECK(result.status == core::run_status::exited);
        CHECK(result.stdout_bytes == "started\n");
        CHECK_FALSE(pyfun::test::process_mentions("1234.5"));
    }
    SECTION("a child that starts its own session")
    {
        auto const result = run_program("import os\n"
                                        "if os.fork() == 0:\n"
                                        "    os.setsid()\n"
                                        "    os.execv('/bin/sleep', ['sleep', '2345.6'])\n"
                                        "print('parent done')\n");
        CHECK(result.status == core::run_status::exited);
        CHECK_FALSE(pyfun::test::process_mentions("2345.6"));
    }
    SECTION("a session leader that is still running when the main child is killed")
    {
        auto limits = quick_limits();
        limits.wall = 1s;
        auto const result = run_program("import os, time\n"
                                        "if os.fork() == 0:\n"
                                        "    os.setsid()\n"
                                        "    os.execv('/bin/sleep', ['sleep', '4567.8'])\n"
                                        "time.sleep(100)\n",
                                        limits);
        CHECK(result.status == core::run_status::wall_limit);
        CHECK_FALSE(pyfun::test::process_mentions("4567.8"));
    }
    CHECK(pyfun::test::own_children() == 0);
}

TEST_CASE("the program sees only the allow-listed environment", "[lib][runner]")
{
    ::setenv("PYFUN_FAKE_SECRET", "hunter2-correct-horse", 1);

    auto const result = run_program("import os\nprint(sorted(os.environ))\nprint(dict(os.environ))\n");

    ::unsetenv("PYFUN_FAKE_SECRET");
    CHECK(result.status == core::run_status::exited);
    CHECK(first_line(result.stdout_bytes) == "['HOME', 'LANG', 'LC_ALL', 'PATH', 'TMPDIR']");
    CHECK_THAT(result.stdout_bytes, Catch::Contains("'PATH': '/usr/bin:/bin'"));
    CHECK_THAT(result.stdout_bytes, !Catch::Contains("PYFUN_FAKE_SECRET"));
    CHECK_THAT(result.stdout_bytes, !Catch::Contains("hunter2"));
}

TEST_CASE("the program cannot read the supervisor's environment", "[lib][runner]")
{
    ::setenv("PYFUN_FAKE_SECRET", "hunter2-correct-horse", 1);

    auto const result = run_program("import os\n"
                                    "try:\n"
                                    "    data = open(f'/proc/{os.getppid()}/environ', 'rb').read()\n"
                                    "    print('READ', data)\n"
                                    "except OSError as e:\n"
                                    "    print('DENIED', type(e).__name__)\n");

    ::unsetenv("PYFUN_FAKE_SECRET");
    CHECK(result.status == core::run_status::exited);
    CHECK_THAT(result.stdout_bytes, Catch::StartsWith("DENIED"));
    CHECK_THAT(result.stdout_bytes, !Catch::Contains("hunter2"));
}

TEST_CASE("output bytes are kept raw, invalid UTF-8 included", "[lib][runner]")
{
    auto const result = run_program("import sys\nsys.stdout.buffer.write(b'\\xff\\xfe ok\\n')\n");

    CHECK(result.status == core::run_status::exited);
    CHECK(result.exit_code == 0);
    CHECK(result.stdout_bytes == "\xff\xfe ok\n");
}

TEST_CASE("stdin is empty", "[lib][runner]")
{
    auto const result = run_program("import sys\nprint(repr(sys.stdin.read()))\n");

    CHECK(result.status == core::run_status::exited);
    CHECK(result.stdout_bytes == "''\n");
}

TEST_CASE("a file beyond the file-size limit ends as output_limit and the folder still goes", "[lib][runner]")
{
    auto const result = run_program("import os\n"
                                    "print(os.getcwd(), flush=True)\n"
                                    "with open('big.bin', 'wb') as f:\n"
                                    "    for _ in range(100):\n"
                                    "        f.write(b'\\0' * (1024 * 1024))\n");

    CHECK(result.status == core::run_status::output_limit);
    CHECK(result.signal == SIGXFSZ);
    auto const folder = first_line(result.stdout_bytes);
    REQUIRE_FALSE(folder.empty());
    CHECK_FALSE(fs::exists(folder));
}

TEST_CASE("the work folder is private while the run lasts and gone afterwards", "[lib][runner]")
{
    auto const result = run_program("import os, stat\n"
                                    "print(os.getcwd())\n"
                                    "print(oct(stat.S_IMODE(os.stat('.').st_mode)))\n"
                                    "os.mkdir('sub')\n"
                                    "open('sub/left-behind.txt', 'w').write('x')\n");

    CHECK(result.status == core::run_status::exited);
    std::istringstream lines{result.stdout_bytes};
    std::string folder, mode;
    std::getline(lines, folder);
    std::getline(lines, mode);
    CHECK_THAT(folder, Catch::Contains("pyfun-run-"));
    CHECK(mode == "0o700");
    CHECK_FALSE(fs::exists(folder));
}

TEST_CASE("the program runs as nobody when the supervisor is root", "[lib][runner]")
{
    auto const result = run_program("import os\nprint(os.getuid(), os.getgid(), os.getgroups())\n");

    CHECK(result.status == core::run_status::exited);
    if (::geteuid() == 0)
        CHECK(result.stdout_bytes == "65534 65534 []\n");
    else
        CHECK_THAT(result.stdout_bytes, Catch::StartsWith(std::to_string(::getuid()) + " "));
}

TEST_CASE("input files are readable and their names are checked", "[lib][runner]")
{
    SECTION("a plain name")
    {
        auto const result = run_program("print(open('data.txt').read().strip())\n", quick_limits(),
                                        {{"data.txt", "42\n"}});
        CHECK(result.status == core::run_status::exited);
        CHECK(result.stdout_bytes == "42\n");
    }
    SECTION("a bad name")
    {
        auto const name = GENERATE(as<std::string>{}, "../escape.txt", "a/b.txt", ".hidden", "", "main.py");
        auto const result = run_program("print('never')\n", quick_limits(), {{name, "x"}});
        CHECK(result.status == core::run_status::sandbox_error);
        CHECK_FALSE(result.error.empty());
        CHECK(result.stdout_bytes.empty());
    }
}

TEST_CASE("a missing interpreter is a sandbox error, not a crash", "[lib][runner]")
{
    auto sandbox = make_runner("/nonexistent/python3");

    auto const result = pyfun::test::run_sync(sandbox.run("print('hi')\n", {}, quick_limits()));

    CHECK(result.status == core::run_status::sandbox_error);
    CHECK_THAT(result.error, Catch::Contains("execve"));
    CHECK(pyfun::test::own_children() == 0);
}

TEST_CASE("several runs on one io_context each get their own result", "[lib][runner]")
{
    scratch_folder const root;
    auto sandbox = make_runner({}, root.path());
    boost::asio::io_context ioc;
    std::vector<std::future<core::run_result>> results;
    for (int i = 0; i < 6; ++i) {
        auto program = "import time\ntime.sleep(0.2)\nprint(" + std::to_string(i) + " * 111)\n";
        results.push_back(boost::asio::co_spawn(ioc, sandbox.run(std::move(program), {}, quick_limits()),
                                                boost::asio::use_future));
    }
    ioc.run();

    for (int i = 0; i < 6; ++i) {
        auto const result = results[static_cast<std::size_t>(i)].get();
        CHECK(result.status == core::run_status::exited);
        CHECK(result.stdout_bytes == std::to_string(i * 111) + "\n");
    }
    CHECK(pyfun::test::own_children() == 0);
    CHECK(root.empty());
}

TEST_CASE("cancelling a run stops the program at once and still cleans up", "[lib][runner][timeout]")
{
    using namespace boost::asio::experimental::awaitable_operators;
    scratch_folder const root;
    auto sandbox = make_runner({}, root.path());
    auto const t0 = std::chrono::steady_clock::now();

    auto const timer_won = pyfun::test::run_sync([&]() -> net::awaitable<bool> {
        net::steady_timer timer{co_await net::this_coro::executor, 300ms};
        auto const winner = co_await (sandbox.run("import time\ntime.sleep(100)\n", {}, quick_limits()) ||
                                      timer.async_wait(net::use_awaitable));
        co_return winner.index() == 1;
    }());

    CHECK(timer_won);
    CHECK(std::chrono::steady_clock::now() - t0 < 2s);  // well before the 3 s wall limit
    CHECK(pyfun::test::own_children() == 0);
    CHECK(root.empty());
}

TEST_CASE("runs leave no descriptors behind", "[lib][runner]")
{
    make_runner();
    auto const before = open_descriptors();

    run_program("print('hi')\n");
    run_program("import sys\nsys.stdout.write('x' * 1_000_000)\n");
    run_program("print('never')\n", quick_limits(), {{".bad", ""}});
    auto missing = make_runner("/nonexistent/python3");
    pyfun::test::run_sync(missing.run("print('hi')\n", {}, quick_limits()));

    CHECK(open_descriptors() == before);
}

TEST_CASE("a runner with one slot runs one program at a time: the next waits for its turn", "[lib][runner]")
{
    auto const finder = make_runner();  // prepares the process and finds the interpreter
    core::runner_options options{finder.interpreter(), {}};
    options.max_concurrent_runs = 1;
    core::runner one_at_a_time{options};
    core::run_limits limits;
    limits.wall = std::chrono::seconds{20};
    net::io_context ioc;
    auto first = net::co_spawn(ioc, one_at_a_time.run("import time\ntime.sleep(0.5)\nprint('first')\n", {}, limits),
                               net::use_future);
    auto second = net::co_spawn(ioc, one_at_a_time.run("print('second')\n", {}, limits), net::use_future);
    ioc.poll();  // both started: the first holds the slot, the second waits
    CHECK(one_at_a_time.slots().active() == 1);
    CHECK(one_at_a_time.slots().waiting() == 1);
    ioc.run();
    auto const first_result = first.get();
    auto const second_result = second.get();
    CHECK(first_result.stdout_bytes == "first\n");
    CHECK(second_result.stdout_bytes == "second\n");
    CHECK(one_at_a_time.slots().active() == 0);
}
