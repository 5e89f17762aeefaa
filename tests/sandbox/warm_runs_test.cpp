// Runs started ahead of need (warm_pool.hpp): a program goes to a run that waited for it, every run still
// takes exactly one program, a waiting run is out of reach of the programs that run meanwhile and holds
// nothing of them, limits hold as in a cold run, and nothing of the pool outlives its runner. The hostile
// suite (hostile_test.cpp) also runs every case in a warm run, beside another one that waits.

#include "sandbox/sandbox_support.hpp"
#include "support/run_sync.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/steady_timer.hpp>

#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <future>
#include <vector>

namespace {

namespace core = pyfun::core;
namespace net = boost::asio;
using namespace std::chrono_literals;
using core::sandbox_layer;
using pyfun::test::run_sync;
using pyfun::test::scratch_folder;

// The pool exists only behind pid_ns and mount_ns; where the probe found neither there is nothing to check.
bool pool_possible()
{
    if (core::isolates_waiting_runs(pyfun::test::facts().plan.layers))
        return true;
    WARN("the probe found no pid_ns and mount_ns here: runs are never started ahead of need");
    return false;
}

core::run_limits quick_limits()
{
    core::run_limits limits;
    limits.cpu = 1s;
    limits.wall = 3s;
    limits.memory_bytes = 256u << 20;
    return limits;
}

core::runner_options warm_options(scratch_folder const& root, std::size_t warm_runs)
{
    auto options = pyfun::test::sandboxed_options(root.path());
    options.warm_runs = warm_runs;
    options.warm_limits = quick_limits();
    return options;
}

core::run_result run(core::runner& sandbox, std::string program, core::run_limits limits = quick_limits())
{
    return run_sync(sandbox.run(std::move(program), {}, limits));
}

// A runner whose pool is full, work folders in a scratch folder of its own.
struct warm_runner {
    explicit warm_runner(std::size_t warm_runs) : sandbox{warm_options(root, warm_runs)} { sandbox.warm_up(); }

    scratch_folder root{"pyfun-warm-test"};
    core::runner sandbox;
};

std::size_t entries_in(std::filesystem::path const& folder)
{
    return static_cast<std::size_t>(
        std::distance(std::filesystem::directory_iterator{folder}, std::filesystem::directory_iterator{}));
}

}  // namespace

TEST_CASE("programs go to runs started before them, one program per run", "[sandbox][warm]")
{
    if (!pool_possible())
        return;
    scratch_folder const root{"pyfun-warm-test"};
    {
        core::runner sandbox{warm_options(root, 2)};
        CHECK(sandbox.warm_runs().waiting == 0);  // nothing starts before it is asked to
        sandbox.warm_up();
        CHECK(sandbox.warm_runs().waiting == 2);
        CHECK(entries_in(root.path()) == 2);  // one work folder each

        for (int i = 0; i < 3; ++i) {
            // stdin is at its end: the run has nothing more to receive after its program.
            auto const result = run(sandbox, "import sys\nprint('run', sys.stdin.read() == '')\n");
            CHECK(result.status == core::run_status::exited);
            CHECK(result.stdout_bytes == "run True\n");
            CHECK(result.stderr_bytes.empty());
        }
        auto const stats = sandbox.warm_runs();
        CHECK(stats.capacity == 2);
        CHECK(stats.warm == 3);
        CHECK(stats.cold == 0);
        CHECK(stats.waiting == 2);  // refilled after every run
        CHECK(stats.lost == 0);
        CHECK(stats.failed_starts == 0);
    }
    CHECK(root.empty());
    CHECK(pyfun::test::own_children() == 0);
}

TEST_CASE("concurrent runs share the pool, and each gets its own result", "[sandbox][warm]")
{
    if (!pool_possible())
        return;
    scratch_folder const root{"pyfun-warm-test"};
    {
        core::runner sandbox{warm_options(root, 2)};
        sandbox.warm_up();
        net::io_context ioc;
        std::vector<std::future<core::run_result>> results;
        for (int i = 0; i < 6; ++i)
            results.push_back(net::co_spawn(
                ioc, sandbox.run("print(" + std::to_string(i) + " * 111)\n", {}, quick_limits()), net::use_future));
        ioc.run();
        for (int i = 0; i < 6; ++i) {
            auto const result = results[static_cast<std::size_t>(i)].get();
            CHECK(result.status == core::run_status::exited);
            CHECK(result.stdout_bytes == std::to_string(i * 111) + "\n");
        }
        auto const stats = sandbox.warm_runs();
        CHECK(stats.warm + stats.cold == 6);
        CHECK(stats.warm >= 2);  // the two that waited, and refills that were ready in time
        CHECK(stats.waiting == 2);
        CHECK(stats.lost == 0);
    }
    CHECK(root.empty());
    CHECK(pyfun::test::own_children() == 0);
}

TEST_CASE("a waiting run is out of reach of the program before it and holds nothing of it", "[sandbox][warm]")
{
    if (!pool_possible())
        return;
    warm_runner warm{1};
    auto& sandbox = warm.sandbox;

    // The first program runs while the second run already waits. It leaves marks everywhere it can and tries
    // every way to reach another process: it sees only its own pid namespace.
    auto const first = run(sandbox,
                           "import builtins, os, signal, sys\n"
                           "builtins.left_behind = True\n"
                           "open('left.txt', 'w').write('x')\n"
                           "open('/tmp/left.txt', 'w').write('x')\n"
                           "pids = sorted(int(p) for p in os.listdir('/proc') if p.isdigit())\n"
                           "print('pids', pids)\n"
                           "for pid in range(1, 4096):\n"
                           "    if pid != os.getpid():\n"
                           "        try:\n"
                           "            os.kill(pid, signal.SIGKILL)\n"
                           "        except OSError:\n"
                           "            pass\n"
                           "try:\n"
                           "    os.kill(-1, signal.SIGKILL)\n"
                           "except OSError:\n"
                           "    pass\n"
                           "print('done')\n");
    CHECK(first.status == core::run_status::exited);
    CHECK(first.stdout_bytes == "pids [1, 2]\ndone\n");  // its init and itself, nothing else

    auto const second = run(sandbox,
                            "import builtins, os\n"
                            "print(hasattr(builtins, 'left_behind'), sorted(os.listdir('.')),\n"
                            "      os.path.exists('/tmp/left.txt'), sorted(os.environ))\n"
                            "print(sorted(os.listdir('/proc/self/fd')))\n");
    CHECK(second.status == core::run_status::exited);
    // Its builtins, files, environment and descriptors are those of a fresh start: stdio, plus the one
    // listdir() holds open while it reads.
    CHECK(second.stdout_bytes == "False ['main.py'] False ['HOME', 'LANG', 'LC_ALL', 'PATH', 'TMPDIR']\n"
                                 "['0', '1', '2', '3']\n");
    auto const stats = sandbox.warm_runs();
    CHECK(stats.warm == 2);  // the second program went to the run that waited beside the first
    CHECK(stats.lost == 0);
}

TEST_CASE("a run that needs other start limits starts cold, and gets them", "[sandbox][warm]")
{
    if (!pool_possible())
        return;
    warm_runner warm{1};
    auto& sandbox = warm.sandbox;

    auto tight = quick_limits();
    tight.memory_bytes = 96u << 20;
    auto const result = run(sandbox, "block = bytearray(160 * 1024 * 1024)\nprint('LEAK')\n", tight);
    CHECK(result.status == core::run_status::memory_limit);
    CHECK(result.stdout_bytes.empty());

    // The same program in a warm run, under the wider start limits it was started with.
    auto const wide = run(sandbox, "block = bytearray(160 * 1024 * 1024)\nprint('fits')\n");
    CHECK(wide.stdout_bytes == "fits\n");
    auto const stats = sandbox.warm_runs();
    CHECK(stats.cold == 1);
    CHECK(stats.warm == 1);
}

TEST_CASE("a run's wall time starts when its program arrives, not when the run started", "[sandbox][warm][timeout]")
{
    if (!pool_possible())
        return;
    warm_runner warm{1};
    auto& sandbox = warm.sandbox;

    auto limits = quick_limits();
    limits.wall = 400ms;
    // The waiting run gets older than the wall limit: that is the subject here, not a race to paper over.
    net::io_context ioc;
    net::steady_timer older{ioc, 2 * limits.wall};
    older.async_wait([](boost::system::error_code) {});
    ioc.run();

    auto const in_time = run(sandbox, "import time\ntime.sleep(0.1)\nprint('done')\n", limits);
    CHECK(in_time.status == core::run_status::exited);
    CHECK(in_time.stdout_bytes == "done\n");
    CHECK(in_time.wall_time < limits.wall);

    auto const sleeper = run(sandbox, "import time\ntime.sleep(30)\n", limits);
    CHECK(sleeper.status == core::run_status::wall_limit);
    CHECK(sandbox.warm_runs().warm == 2);
}

TEST_CASE("a waiting run that died is dropped, collected, and the program still runs", "[sandbox][warm]")
{
    if (!pool_possible())
        return;
    scratch_folder const root{"pyfun-warm-test"};
    {
        core::runner sandbox{warm_options(root, 2)};
        sandbox.warm_up();
        auto const waiting = pyfun::test::own_child_pids();  // the two launchers, our only children
        REQUIRE(waiting.size() == 2);
        for (int pid : waiting) {
            REQUIRE(::kill(pid, SIGKILL) == 0);
            siginfo_t info{};  // until it is dead, without collecting it: that is the runner's job
            REQUIRE(::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT) == 0);
        }

        auto const result = run(sandbox, "print('done')\n");
        CHECK(result.status == core::run_status::exited);
        CHECK(result.stdout_bytes == "done\n");
        auto const stats = sandbox.warm_runs();
        CHECK(stats.lost == 2);
        CHECK(stats.cold == 1);
        CHECK(stats.waiting == 2);
        CHECK(pyfun::test::own_children() == 2);  // the new waiting runs; the dead ones and theirs are reaped
    }
    CHECK(root.empty());
    CHECK(pyfun::test::own_children() == 0);
}

TEST_CASE("a runtime limit still ends a program in a warm run", "[sandbox][warm][timeout]")
{
    if (!pool_possible())
        return;
    warm_runner warm{1};
    auto& sandbox = warm.sandbox;
    auto const busy = run(sandbox, "while True:\n    pass\n");
    CHECK(busy.status == core::run_status::cpu_limit);
    auto const flood = run(sandbox, "import sys\nsys.stdout.write('x' * (1 << 20))\n");
    CHECK(flood.status == core::run_status::output_limit);
    CHECK(sandbox.warm_runs().warm == 2);
}

TEST_CASE("without pid_ns and mount_ns no run is started ahead of need", "[sandbox][warm]")
{
    scratch_folder const root{"pyfun-warm-test"};
    for (auto const layers : {core::sandbox_layer_set{},
                              core::sandbox_layer_set{sandbox_layer::user_ns, sandbox_layer::pid_ns},
                              core::sandbox_layer_set{sandbox_layer::user_ns, sandbox_layer::mount_ns}}) {
        INFO("layers: " << layers.to_string());
        auto options = pyfun::test::sandboxed_options(root.path(), layers);
        options.warm_runs = 2;
        core::runner sandbox{options};
        sandbox.warm_up();
        CHECK(sandbox.warm_runs().capacity == 0);
        CHECK(pyfun::test::own_children() == 0);
        CHECK(root.empty());
    }
}

TEST_CASE("a run that cannot be started ahead is counted, and the program's own start reports why", "[sandbox][warm]")
{
    if (!pool_possible())
        return;
    scratch_folder const parent{"pyfun-warm-test"};
    auto const missing = parent.path() / "not-there";  // no work folder can be made below it
    auto options = pyfun::test::sandboxed_options(missing);
    options.warm_runs = 2;
    options.warm_limits = quick_limits();
    core::runner sandbox{options};
    sandbox.warm_up();
    CHECK(sandbox.warm_runs().waiting == 0);
    CHECK(sandbox.warm_runs().failed_starts == 1);

    auto const result = run(sandbox, "print('never')\n");
    CHECK(result.status == core::run_status::sandbox_error);
    CHECK_THAT(result.error, Catch::Contains("mkdtemp"));
    CHECK(sandbox.warm_runs().cold == 1);
    CHECK(pyfun::test::own_children() == 0);
}
