// One test per launcher layer, each proving the layer is really on where the probe says it works (runs with
// that layer alone, plus user_ns for the namespaces), and runs with every layer found behaving like portable
// ones where a learner could tell.

#include "sandbox/sandbox_support.hpp"

#include "support/run_sync.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <optional>
#include <sstream>

namespace {

namespace core = pyfun::core;
namespace fs = std::filesystem;
namespace net = boost::asio;
using core::sandbox_layer;
using namespace std::chrono_literals;

core::run_limits quick_limits()
{
    core::run_limits limits;
    limits.cpu = 1s;
    limits.wall = 5s;
    return limits;
}

core::run_result run_with(core::sandbox_layer_set layers, std::string program,
                          std::vector<core::input_file> files = {}, core::run_limits limits = quick_limits())
{
    pyfun::test::scratch_folder const root{"pyfun-layer-test"};
    core::runner sandbox{pyfun::test::sandboxed_options(root.path(), layers)};
    auto result = pyfun::test::run_sync(sandbox.run(std::move(program), std::move(files), limits));
    CHECK(root.empty());
    return result;
}

// The layer is on only if the probe found that it works here; otherwise there is nothing to prove.
bool layer_works(sandbox_layer layer)
{
    if (pyfun::test::facts().has(layer))
        return true;
    WARN("the probe found " << core::name_of(layer) << " unavailable here: nothing to check");
    return false;
}

std::vector<std::string> lines_of(std::string const& text)
{
    std::vector<std::string> lines;
    std::istringstream in{text};
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

// The uid runs have: nobody when we are root (the runner drops to it), else ours.
unsigned run_uid()
{
    return ::geteuid() == 0 ? 65534u : ::geteuid();
}

std::string own_namespace(std::string const& kind)
{
    return fs::read_symlink("/proc/self/ns/" + kind).string();
}

}  // namespace

TEST_CASE("with user_ns the program keeps an unprivileged uid, mapped one to one, and no capability",
          "[sandbox][layers]")
{
    if (!layer_works(sandbox_layer::user_ns))
        return;
    auto const result = run_with({sandbox_layer::user_ns},
                                 "import os\n"
                                 "print(' '.join(open('/proc/self/uid_map').read().split()))\n"
                                 "print(os.getuid(), os.geteuid())\n"
                                 "print(*[l.split()[1] for l in open('/proc/self/status')\n"
                                 "        if l.startswith('CapEff')])\n"
                                 "print(os.readlink('/proc/self/ns/user'))\n");

    REQUIRE(result.status == core::run_status::exited);
    auto const uid = std::to_string(run_uid());
    auto const lines = lines_of(result.stdout_bytes);
    REQUIRE(lines.size() == 4);
    CHECK(lines[0] == uid + " " + uid + " 1");
    CHECK(lines[1] == uid + " " + uid);
    CHECK(lines[2] == "0000000000000000");
    CHECK(lines[3] != own_namespace("user"));
}

TEST_CASE("with pid, net, ipc or uts namespaces the program is in a namespace of its own",
          "[sandbox][layers]")
{
    auto const [layer, kind] =
        GENERATE(std::pair{sandbox_layer::pid_ns, "pid"}, std::pair{sandbox_layer::net_ns, "net"},
                 std::pair{sandbox_layer::ipc_ns, "ipc"}, std::pair{sandbox_layer::uts_ns, "uts"});
    INFO(kind);
    if (!layer_works(layer))
        return;

    auto const program = "import os\nprint(os.readlink('/proc/self/ns/" + std::string{kind} + "'))\n";
    auto const result = run_with({sandbox_layer::user_ns, layer}, program);

    REQUIRE(result.status == core::run_status::exited);
    CHECK_THAT(result.stdout_bytes, Catch::StartsWith(std::string{kind} + ":["));
    CHECK(result.stdout_bytes != own_namespace(kind) + "\n");
}

TEST_CASE("with pid_ns the program is pid 2 and cannot see or signal the server", "[sandbox][layers]")
{
    if (!layer_works(sandbox_layer::pid_ns))
        return;
    auto const server = std::to_string(::getpid());

    auto const result = run_with({sandbox_layer::user_ns, sandbox_layer::pid_ns},
                                 "import os\n"
                                 "print(os.getpid(), os.getppid())\n"
                                 "try:\n"
                                 "    os.kill(" + server + ", 0)\n"
                                 "except ProcessLookupError:\n"
                                 "    print('no such process')\n");

    REQUIRE(result.status == core::run_status::exited);
    CHECK(result.stdout_bytes == "2 0\nno such process\n");
}

TEST_CASE("with net_ns there is only a loopback that is down, and the server's port is out of reach",
          "[sandbox][layers]")
{
    if (!layer_works(sandbox_layer::net_ns))
        return;
    pyfun::test::tcp_listener const server;

    auto const result = run_with({sandbox_layer::user_ns, sandbox_layer::net_ns},
                                 "import socket\n"
                                 "print(socket.if_nameindex())\n"
                                 "try:\n"
                                 "    address = ('127.0.0.1', " + std::to_string(server.port()) + ")\n"
                                 "    socket.create_connection(address, timeout=1)\n"
                                 "except OSError as e:\n"
                                 "    print(type(e).__name__)\n");

    REQUIRE(result.status == core::run_status::exited);
    CHECK(result.stdout_bytes == "[(1, 'lo')]\nOSError\n");
    CHECK_FALSE(server.connected());
}

TEST_CASE("with uts_ns the program has a host name of its own", "[sandbox][layers]")
{
    if (!layer_works(sandbox_layer::uts_ns))
        return;
    auto const result =
        run_with({sandbox_layer::user_ns, sandbox_layer::uts_ns}, "import os\nprint(os.uname().nodename)\n");

    CHECK(result.stdout_bytes == "pyfun\n");
}

TEST_CASE("with mount_ns the program sees a read-only system, a private /tmp and its work folder only",
          "[sandbox][layers]")
{
    if (!layer_works(sandbox_layer::mount_ns))
        return;
    auto const lessons = fs::path{PYFUN_FIXTURES} / "sandbox_lessons";
    auto const host_tmp_file = fs::temp_directory_path() / ("pyfun-layer-test-" + std::to_string(::getpid()));

    auto const result = run_with({sandbox_layer::user_ns, sandbox_layer::mount_ns},
                                 "import os\n"
                                 "lessons = '" + lessons.string() + "'\n"
                                 "print(os.path.exists(lessons), os.path.exists('/etc/passwd'))\n"
                                 "print(sorted(set(os.listdir('/')) - {'bin', 'dev', 'etc', 'lib', 'lib32',\n"
                                 "                                     'lib64', 'libx32', 'sbin', 'tmp', 'usr'}))\n"
                                 "print(sorted(os.listdir('/etc')), sorted(os.listdir('.')),\n"
                                 "      open('data.txt').read())\n"
                                 "for path in ('/usr/pyfun-test', '/pyfun-test', lessons):\n"
                                 "    try:\n"
                                 "        open(path, 'w')\n"
                                 "    except OSError as e:\n"
                                 "        print(e.strerror)\n"
                                 "open('" + host_tmp_file.string() + "', 'w').write('x')\n"
                                 "open('written.txt', 'w').write('x')\n"
                                 "print('pyfun-run-' in os.getcwd())\n",
                                 {{"data.txt", "input"}});

    CHECK(result.stderr_bytes.empty());
    REQUIRE(result.status == core::run_status::exited);
    CHECK(result.stdout_bytes == "False False\n"
                                 "[]\n"
                                 "['ld.so.cache'] ['data.txt', 'main.py'] input\n"
                                 "Read-only file system\n"
                                 "Read-only file system\n"
                                 "No such file or directory\n"
                                 "True\n");
    CHECK_FALSE(fs::exists(host_tmp_file));  // /tmp was the run's own
}

TEST_CASE("with mount_ns the work folder and /tmp are capped in size", "[sandbox][layers]")
{
    if (!layer_works(sandbox_layer::mount_ns))
        return;
    auto limits = quick_limits();
    limits.scratch_bytes = 2u << 20;

    auto const result = run_with({sandbox_layer::user_ns, sandbox_layer::mount_ns},
                                 "import errno\n"
                                 "written = 0\n"
                                 "try:\n"
                                 "    for i in range(64):\n"
                                 "        with open(f'/tmp/fill{i}', 'wb') as f:\n"
                                 "            f.write(b'x' * 65536)\n"
                                 "        written += 1\n"
                                 "except OSError as e:\n"
                                 "    print(errno.errorcode[e.errno], written)\n",
                                 {}, limits);

    REQUIRE(result.status == core::run_status::exited);
    CHECK_THAT(result.stdout_bytes, Catch::StartsWith("ENOSPC "));
    CHECK(std::stoi(result.stdout_bytes.substr(7)) <= 32);
}

TEST_CASE("with mount_ns a work folder outside /tmp is a capped tmpfs of its own", "[sandbox][layers]")
{
    if (!layer_works(sandbox_layer::mount_ns))
        return;
    pyfun::test::scratch_folder const root{"pyfun-layer-test", 0700, "/var/tmp"};
    auto limits = quick_limits();
    limits.scratch_bytes = 1u << 20;
    core::runner sandbox{
        pyfun::test::sandboxed_options(root.path(), {sandbox_layer::user_ns, sandbox_layer::mount_ns})};

    auto const result = pyfun::test::run_sync(sandbox.run("import os\n"
                                                          "print(os.getcwd().startswith('/var/tmp/'))\n"
                                                          "try:\n"
                                                          "    for i in range(32):\n"
                                                          "        open(f'f{i}', 'wb').write(b'x' * 65536)\n"
                                                          "except OSError as e:\n"
                                                          "    print(e.strerror)\n",
                                                          {}, limits));

    CHECK(result.stdout_bytes == "True\nNo space left on device\n");
    CHECK(root.empty());
}

TEST_CASE("with seccomp no process, no socket and no signal to others can be made, but threads can",
          "[sandbox][layers]")
{
    if (!layer_works(sandbox_layer::seccomp))
        return;
    auto const server = std::to_string(::getpid());

    auto const result = run_with({sandbox_layer::seccomp},
                                 "import ctypes, errno, os, socket, threading\n"
                                 "def code(call):\n"
                                 "    try:\n"
                                 "        call()\n"
                                 "        return 'ok'\n"
                                 "    except OSError as e:\n"
                                 "        return errno.errorcode[e.errno]\n"
                                 "libc = ctypes.CDLL(None, use_errno=True)\n"
                                 "libc.syscall(435, 0, 0)\n"
                                 "print(code(os.fork), code(socket.socket), code(socket.socketpair),\n"
                                 "      errno.errorcode[ctypes.get_errno()])\n"
                                 "print(code(lambda: os.kill(" + server + ", 0)),\n"
                                 "      code(lambda: os.kill(-1, 0)),\n"
                                 "      code(lambda: os.kill(os.getpid(), 0)), code(lambda: os.kill(0, 0)))\n"
                                 "t = threading.Thread(target=print, args=('thread',))\n"
                                 "t.start()\n"
                                 "t.join()\n"
                                 "print(*[l.split()[1] for l in open('/proc/self/status')\n"
                                 "        if l.startswith('Seccomp:')])\n");

    REQUIRE(result.status == core::run_status::exited);
    CHECK(result.stdout_bytes == "EPERM EPERM EPERM ENOSYS\nEPERM EPERM ok ok\nthread\n2\n");
}

TEST_CASE("without seccomp a program running as the server's own uid could signal it", "[sandbox][layers]")
{
    // The control for the test above: as root the uid drop already stops it, so this shows only as non-root.
    if (::geteuid() == 0)
        return;
    auto const server = std::to_string(::getpid());
    auto const result = run_with({}, "import os\nos.kill(" + server + ", 0)\nprint('ok')\n");

    CHECK(result.stdout_bytes == "ok\n");
}

TEST_CASE("with landlock the program reads system files and writes its work folder only", "[sandbox][layers]")
{
    if (!layer_works(sandbox_layer::landlock))
        return;
    pyfun::test::scratch_folder const open_folder{"pyfun-landlock-test", 0777};
    auto const lesson = fs::path{PYFUN_FIXTURES} / "sandbox_lessons" / "hostile" / "stage.json";

    auto const result = run_with({sandbox_layer::landlock},
                                 "import errno, os\n"
                                 "def code(call):\n"
                                 "    try:\n"
                                 "        call()\n"
                                 "        return 'ok'\n"
                                 "    except OSError as e:\n"
                                 "        return errno.errorcode[e.errno]\n"
                                 "print(code(lambda: open('" + lesson.string() + "').read()),\n"
                                 "      code(lambda: open('" + (open_folder.path() / "x").string() +
                                     "', 'w')),\n"
                                 "      code(lambda: os.listdir('/')),\n"
                                 "      code(lambda: open('/usr/lib/os-release').read()),\n"
                                 "      code(lambda: open('mine.txt', 'w').write('x')))\n");

    REQUIRE(result.status == core::run_status::exited);
    CHECK(result.stdout_bytes == "EACCES EACCES EACCES ok ok\n");
    CHECK(open_folder.empty());
}

TEST_CASE("with every layer found, /proc shows only the run and the server is nowhere", "[sandbox][layers]")
{
    auto const& layers = pyfun::test::facts().plan.layers;
    if (!layers.has(sandbox_layer::pid_ns) || !layers.has(sandbox_layer::mount_ns)) {
        WARN("no pid_ns and mount_ns here: nothing to check");
        return;
    }
    auto const result =
        run_with(layers, "import os\nprint(os.getpid(), sorted(p for p in os.listdir('/proc') if p.isdigit()))\n");

    REQUIRE(result.status == core::run_status::exited);
    CHECK(result.stdout_bytes == "2 ['1', '2']\n");
}

TEST_CASE("with every layer found, runs end and report as they do with the portable layers",
          "[sandbox][layers]")
{
    auto const& layers = pyfun::test::facts().plan.layers;
    auto cpu_limits = quick_limits();
    cpu_limits.wall = 10s;
    struct expectation {
        std::string program;
        core::run_status status;
        int exit_code;
        std::optional<int> signal;  // nullopt: not checked (a flood ends by our SIGKILL or by SIGPIPE)
        std::string output;
        core::run_limits limits = quick_limits();
    };
    auto const [program, status, exit_code, signal, output, limits] = GENERATE_COPY(values<expectation>({
        {"print('hi')\n", core::run_status::exited, 0, 0, "hi\n"},
        {"import sys\nprint('x', end='')\nsys.exit(3)\n", core::run_status::exited, 3, 0, "x"},
        {"import os, signal\nos.kill(os.getpid(), signal.SIGTERM)\n", core::run_status::exited, -1, SIGTERM,
         ""},
        {"import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n", core::run_status::exited, -1, SIGSEGV,
         ""},
        {"while True:\n    pass\n", core::run_status::cpu_limit, -1, SIGXCPU, "", cpu_limits},
        {"b = bytearray(10 * 1024**3)\n", core::run_status::memory_limit, 90, 0, ""},
        {"import sys\nsys.stdout.write('x' * 10**7)\n", core::run_status::output_limit, -1, std::nullopt, ""},
        {"with open('big', 'wb') as f:\n    f.write(b'x' * (2 << 20))\n", core::run_status::output_limit, -1,
         SIGXFSZ, ""},
        {"import sys\nprint(sys.argv, __name__, __file__)\n", core::run_status::exited, 0, 0,
         "['main.py'] __main__ main.py\n"},
    }));
    INFO(program);

    auto const result = run_with(layers, program, {}, limits);

    CHECK(result.status == status);
    CHECK(result.exit_code == exit_code);
    if (signal)
        CHECK(result.signal == *signal);
    if (status != core::run_status::output_limit)
        CHECK(result.stdout_bytes == output);
    CHECK(pyfun::test::own_children() == 0);
}

TEST_CASE("with every layer found, input files arrive whole and count against the file-size limit",
          "[sandbox][layers]")
{
    // The bootstrap writes the input files inside the sandbox, under the run's file-size limit.
    auto limits = quick_limits();
    limits.file_bytes = 64 * 1024;
    auto const layers = pyfun::test::facts().plan.layers;

    std::string const fits(limits.file_bytes, 'x');
    auto const result = run_with(layers,
                                 "import os\n"
                                 "print(os.path.getsize('data.txt'), flush=True)\n"
                                 "open('out.bin', 'wb').write(b'y' * (128 * 1024))\n",
                                 {{"data.txt", fits}}, limits);
    CHECK(result.stdout_bytes == std::to_string(fits.size()) + "\n");
    CHECK(result.status == core::run_status::output_limit);  // the program's own writing is limited too
    CHECK(result.signal == SIGXFSZ);

    auto const refused = run_with(layers, "print('never')\n", {{"data.txt", fits + "x"}}, limits);
    CHECK(refused.status == core::run_status::sandbox_error);
    CHECK_THAT(refused.error, Catch::Contains("data.txt is larger than the run's file-size limit"));
    CHECK(refused.stdout_bytes.empty());
}

TEST_CASE("with every layer found, a cancelled run ends at once and leaves nothing behind",
          "[sandbox][layers][timeout]")
{
    using namespace boost::asio::experimental::awaitable_operators;
    pyfun::test::scratch_folder const root{"pyfun-layer-test"};
    core::runner sandbox{pyfun::test::sandboxed_options(root.path())};
    auto const t0 = std::chrono::steady_clock::now();

    auto const timer_won = pyfun::test::run_sync([&]() -> net::awaitable<bool> {
        net::steady_timer timer{co_await net::this_coro::executor, 300ms};
        auto const winner = co_await (sandbox.run("import time\ntime.sleep(100)\n", {}, quick_limits()) ||
                                      timer.async_wait(net::use_awaitable));
        co_return winner.index() == 1;
    }());

    CHECK(timer_won);
    CHECK(std::chrono::steady_clock::now() - t0 < 3s);
    CHECK(pyfun::test::own_children() == 0);
    CHECK_FALSE(pyfun::test::process_mentions(root.path().string()));
    CHECK(root.empty());
}
