#include "sandbox/hostile_cases.hpp"

namespace pyfun::test {
namespace {

using core::sandbox_layer;
using facts_test = std::function<bool(sandbox_facts const&)>;

std::function<hostile_outcome(sandbox_facts const&)> always(hostile_outcome outcome)
{
    return [outcome](sandbox_facts const&) { return outcome; };
}

// The program prints "done" when the attack failed and "LEAK" when it worked.
std::function<hostile_outcome(sandbox_facts const&)> contained_when(facts_test strong)
{
    return [strong](sandbox_facts const& f) {
        if (strong(f))
            return hostile_outcome{"accepted", "done", "LEAK"};
        return hostile_outcome{"wrong_answer", "LEAK"};
    };
}

bool files_hidden(sandbox_facts const& f) { return f.files_hidden(); }
bool tcp_blocked(sandbox_facts const& f) { return f.tcp_blocked(); }
bool datagrams_blocked(sandbox_facts const& f) { return f.datagrams_blocked(); }
bool others_unsignalable(sandbox_facts const& f) { return f.others_unsignalable(); }
bool seccomp(sandbox_facts const& f) { return f.has(sandbox_layer::seccomp); }

// "try: <attack> / except OSError: done / else: LEAK", the shape of most file and network attacks.
std::string attempt(std::string const& imports, std::string const& attack)
{
    return imports + "try:\n    " + attack +
           "\nexcept OSError:\n    print('done')\nelse:\n    print('LEAK')\n";
}

std::vector<hostile_case> runaway_programs()
{
    hostile_outcome const time_limit{"time_limit"};
    hostile_outcome const wall_limit{"wall_limit"};
    hostile_outcome const memory_limit{"memory_limit"};
    hostile_outcome const output_limit{"output_limit"};
    return {
        {"a busy loop", "while True:\n    pass\n", always(time_limit), "cpu_bound"},
        {"busy loops in four threads",
         "import threading\n"
         "def spin():\n"
         "    while True:\n"
         "        pass\n"
         "for _ in range(4):\n"
         "    threading.Thread(target=spin, daemon=True).start()\n"
         "spin()\n",
         always(time_limit), "cpu_bound"},
        {"a busy loop that ignores SIGXCPU",
         "import signal\nsignal.signal(signal.SIGXCPU, signal.SIG_IGN)\nwhile True:\n    pass\n",
         always(time_limit), "cpu_bound"},
        {"a sleeper", "import time\ntime.sleep(1000)\n", always(wall_limit)},
        {"a program that waits for a signal forever", "import signal\nsignal.pause()\n", always(wall_limit)},
        {"a program that closes its output and sleeps",
         "import os, time\nos.close(1)\nos.close(2)\ntime.sleep(1000)\n", always(wall_limit)},
        {"a program that stops itself", "import os, signal\nos.kill(os.getpid(), signal.SIGSTOP)\n",
         always(wall_limit)},
        {"one huge allocation", "b = bytearray(10 * 1024**3)\n", always(memory_limit)},
        {"a list that grows until memory runs out",
         "a = []\nwhile True:\n    a.append(' ' * (1024 * 1024))\n", always(memory_limit)},
        {"a huge integer made by a shift", "x = 1 << 10**10\n", always(memory_limit)},
        {"a huge power computed in full", "x = 10 ** (10**7)\n", always(time_limit), "cpu_bound"},
        {"a huge integer printed in decimal", "print(10 ** 5000)\n", always({"runtime_error"})},
        {"deep recursion through C code",
         "import sys\n"
         "sys.setrecursionlimit(10**8)\n"
         "def down(n):\n"
         "    return sorted([n + 1], key=down)\n"
         "down(0)\n",
         always({"runtime_error"})},
        {"raising its own CPU limit, then looping",
         "import resource\n"
         "try:\n"
         "    resource.setrlimit(resource.RLIMIT_CPU, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))\n"
         "except (ValueError, OSError):\n"
         "    pass\n"
         "while True:\n"
         "    pass\n",
         always(time_limit), "cpu_bound"},
        {"raising its own memory limit, then allocating",
         "import resource\n"
         "try:\n"
         "    resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))\n"
         "except (ValueError, OSError):\n"
         "    pass\n"
         "b = bytearray(10 * 1024**3)\n",
         always(memory_limit)},
        {"an output flood of lines", "while True:\n    print('y' * 50)\n", always(output_limit)},
        {"an output flood without newlines", "import sys\nsys.stdout.write('x' * 10**7)\n",
         always(output_limit)},
        {"an output flood on stderr", "import sys\nwhile True:\n    sys.stderr.write('z' * 1000)\n",
         always(output_limit)},
        {"binary output", "import sys\nsys.stdout.buffer.write(bytes(range(256)))\n",
         always({"wrong_answer", "\xEF\xBF\xBD"})},  // U+FFFD: invalid UTF-8 replaced, not passed on
        {"one file beyond the file-size limit",
         "with open('big.bin', 'wb') as f:\n"
         "    for _ in range(100):\n"
         "        f.write(b'\\0' * (1024 * 1024))\n",
         always(output_limit)},
    };
}

std::vector<hostile_case> process_attacks()
{
    return {
        {"a fork bomb",
         "import os\n"
         "while True:\n"
         "    try:\n"
         "        os.fork()\n"
         "    except PermissionError:\n"
         "        print('done')\n"
         "        break\n"
         "    except OSError:\n"
         "        pass\n",
         [](sandbox_facts const& f) {
             return seccomp(f) ? hostile_outcome{"accepted", "done"} : hostile_outcome{"wall_limit"};
         },
         "program",
         // Without seccomp only RLIMIT_NPROC bounds it, and that is set only when the runs drop to nobody.
         [](sandbox_facts const& f) { return seccomp(f) || f.root; }, true},
        {"a child in a new session that should outlive the run",
         "import os\n"
         "try:\n"
         "    pid = os.fork()\n"
         "except PermissionError:\n"
         "    print('done')\n"
         "else:\n"
         "    if pid == 0:\n"
         "        os.setsid()\n"
         "        os.execv('/bin/sleep', ['sleep', '7391.1'])\n"
         "    print('LEAK')\n",
         contained_when(seccomp)},
        {"subprocess.run",
         "import subprocess\n"
         "try:\n"
         "    subprocess.run(['/bin/echo', 'LEAK'])\n"
         "except PermissionError:\n"
         "    print('done')\n",
         contained_when(seccomp)},
        {"os.system",
         "import os\nstatus = os.system('echo LEAK')\nprint('done' if status != 0 else 'LEAK')\n",
         contained_when(seccomp)},
        {"os.posix_spawn",
         attempt("import os\n", "os.waitpid(os.posix_spawn('/bin/echo', ['echo', 'LEAK'], {}), 0)"),
         contained_when(seccomp)},
        // exec is allowed (it starts no process); the new program keeps every limit and filter.
        {"os.execv into a shell that starts a background job",
         "import os\nos.execv('/bin/sh', ['sh', '-c', 'sleep 7391.2 & echo started'])\n",
         [](sandbox_facts const& f) {
             return seccomp(f) ? hostile_outcome{"runtime_error", {}, "started"}
                               : hostile_outcome{"wrong_answer", "started"};
         }},
        {"a raw fork system call through ctypes",
         "import ctypes, os\n"
         "libc = ctypes.CDLL(None, use_errno=True)\n"
         "pid = libc.syscall(57)\n"
         "if pid == 0:\n"
         "    os._exit(0)\n"
         "print('done' if pid < 0 else 'LEAK')\n",
         contained_when(seccomp)},
        {"clone3 through ctypes",
         "import ctypes, os, signal\n"
         "libc = ctypes.CDLL(None, use_errno=True)\n"
         "args = (ctypes.c_uint64 * 11)()\n"
         "args[4] = signal.SIGCHLD\n"
         "pid = libc.syscall(435, ctypes.byref(args), ctypes.sizeof(args))\n"
         "if pid == 0:\n"
         "    os._exit(0)\n"
         "print('done' if pid < 0 else 'LEAK')\n",
         contained_when(seccomp)},
        {"unshare through ctypes",
         "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\n"
         "print('done' if libc.unshare(0x10000000) != 0 else 'LEAK')\n",
         contained_when(seccomp)},
        {"ptrace of the server",
         "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\n"
         "print('done' if libc.ptrace(16, @SERVER_PID@, 0, 0) != 0 else 'LEAK')\n",
         always({"accepted", "done"})},
        {"process_vm_readv of the server",
         "import ctypes\n"
         "libc = ctypes.CDLL(None, use_errno=True)\n"
         "buffer = ctypes.create_string_buffer(64)\n"
         "local = (ctypes.c_void_p * 2)(ctypes.addressof(buffer), 64)\n"
         "remote = (ctypes.c_void_p * 2)(0x400000, 64)\n"
         "print('done' if libc.process_vm_readv(@SERVER_PID@, local, 1, remote, 1, 0) < 0 else 'LEAK')\n",
         always({"accepted", "done"})},
        {"a thread bomb",
         "import threading, time\n"
         "try:\n"
         "    for _ in range(100000):\n"
         "        threading.Thread(target=time.sleep, args=(5,), daemon=True).start()\n"
         "except (RuntimeError, MemoryError):\n"
         "    print('done')\n",
         always({"accepted", "done"})},
        {"threads still work",
         "import threading\n"
         "sums = []\n"
         "threads = [threading.Thread(target=lambda: sums.append(sum(range(10**5)))) for _ in range(4)]\n"
         "for t in threads:\n"
         "    t.start()\n"
         "for t in threads:\n"
         "    t.join()\n"
         "print('done' if len(sums) == 4 else 'LEAK')\n",
         always({"accepted", "done"})},
    };
}

std::vector<hostile_case> signal_attacks()
{
    return {
        // With pid_ns the parent is outside the namespace: getppid() is 0, and kill(0) ends the program
        // itself.
        {"killing the parent",
         attempt("import os, signal\n", "os.kill(os.getppid(), signal.SIGKILL)"),
         [](sandbox_facts const& f) {
             if (f.has(sandbox_layer::pid_ns))
                 return hostile_outcome{"runtime_error"};
             return hostile_outcome{"accepted", "done"};
         },
         "program", others_unsignalable},
        {"killing the server by its pid",
         attempt("import os, signal\n", "os.kill(@SERVER_PID@, signal.SIGKILL)"),
         always({"accepted", "done"}), "program", others_unsignalable},
        {"killing the server's process group",
         attempt("import os, signal\n", "os.killpg(@SERVER_PGID@, signal.SIGKILL)"),
         always({"accepted", "done"}), "program", others_unsignalable},
        {"killing every process it may",
         "import os, signal\n"
         "try:\n"
         "    os.kill(-1, signal.SIGKILL)\n"
         "except OSError:\n"
         "    pass\n"
         "print('done')\n",
         always({"accepted", "done"}), "program",
         [](sandbox_facts const& f) { return seccomp(f) || f.has(sandbox_layer::pid_ns); }},
        {"signalling init",
         "import os, signal\n"
         "try:\n"
         "    os.kill(1, signal.SIGKILL)\n"
         "except OSError:\n"
         "    pass\n"
         "print('done')\n",
         always({"accepted", "done"})},
        {"a signal to itself", "import os, signal\nos.kill(os.getpid(), signal.SIGTERM)\nprint('LEAK')\n",
         always({"runtime_error", {}, "LEAK"})},
        {"a signal to its own process group",
         "import os, signal\nos.kill(0, signal.SIGTERM)\nprint('LEAK')\n",
         always({"runtime_error", {}, "LEAK"})},
        // Signal 0 only asks whether the process exists: harmless even where it gets through.
        {"a raw kill whose pid has high bits set",
         "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\n"
         "print('done' if libc.syscall(62, (1 << 32) + @SERVER_PID@, 0) != 0 else 'LEAK')\n",
         contained_when(others_unsignalable)},
        {"os.setsid and os.setpgid tricks",
         "import os\n"
         "denied = 0\n"
         "for trick in (os.setsid, lambda: os.setpgid(0, 0)):\n"
         "    try:\n"
         "        trick()\n"
         "    except OSError:\n"
         "        denied += 1\n"
         "print('done' if denied == 2 else 'LEAK')\n",
         always({"accepted", "done"})},
    };
}

std::vector<hostile_case> file_attacks()
{
    return {
        {"reading the environment",
         "import os\n"
         "print('LEAK' if any('SECRET' in k or 'hunter2' in v for k, v in os.environ.items()) else 'done')\n",
         always({"accepted", "done"})},
        {"the server's environ in /proc",
         attempt("", "secret = b'hunter2' in open('/proc/@SERVER_PID@/environ', 'rb').read()"),
         always({"accepted", "done"})},
        {"the server's memory map in /proc", attempt("", "open('/proc/@SERVER_PID@/maps').read()"),
         always({"accepted", "done"})},
        {"the server's memory in /proc", attempt("", "open('/proc/@SERVER_PID@/mem', 'rb').read(1)"),
         always({"accepted", "done"})},
        {"the server's executable through /proc",
         attempt("", "open('/proc/@SERVER_PID@/exe', 'rb').read(16)"),
         always({"accepted", "done"})},
        // pid_ns alone does not hide it: /proc stays the host's unless mount_ns mounts the namespace's own.
        {"the server's command line in /proc", attempt("", "open('/proc/@SERVER_PID@/cmdline', 'rb').read()"),
         contained_when(files_hidden)},
        {"the server's executable by its path", attempt("", "open('@EXE@', 'rb').read(16)"),
         contained_when(files_hidden)},
        {"the lesson files", attempt("", "open('@LESSONS@/hostile/s1_program.json').read()"),
         contained_when(files_hidden)},
        {"/etc/passwd", attempt("", "open('/etc/passwd').read()"), contained_when(files_hidden)},
        {"/etc/shadow", attempt("", "open('/etc/shadow').read()"), always({"accepted", "done"})},
        {"listing /",
         "import os\ntry:\n    names = os.listdir('/')\nexcept OSError:\n    names = []\n"
         "print('LEAK' if 'root' in names or 'home' in names else 'done')\n",
         contained_when(files_hidden)},
        {"listing /dev",
         "import os\ntry:\n    names = os.listdir('/dev')\nexcept OSError:\n    names = []\n"
         "print('LEAK' if 'tty' in names else 'done')\n",
         contained_when(files_hidden)},
        {"/dev/mem", attempt("", "open('/dev/mem', 'rb').read(1)"), always({"accepted", "done"})},
        {"/dev/null and /dev/urandom still work",
         "open('/dev/null', 'w').write('x')\n"
         "print('done' if len(open('/dev/urandom', 'rb').read(16)) == 16 else 'LEAK')\n",
         always({"accepted", "done"})},
        {"writing the canary file", attempt("", "open('@CANARY@/canary.txt', 'w').write('pwned')"),
         contained_when(files_hidden)},
        {"deleting the canary file", attempt("import os\n", "os.remove('@CANARY@/canary.txt')"),
         contained_when(files_hidden)},
        {"creating a file beside the canary", attempt("", "open('@CANARY@/new.txt', 'x').write('pwned')"),
         contained_when(files_hidden)},
        {"writing the canary through a symbolic link",
         attempt("import os\nos.symlink('@CANARY@/canary.txt', 'link')\n",
                 "open('link', 'w').write('pwned')"),
         contained_when(files_hidden)},
        // With mount_ns /tmp is private; with Landlock alone it is out of reach. The host file is checked
        // after.
        {"writing to /tmp",
         "try:\n    open('@HOST_FILE@', 'w').write('x')\nexcept OSError:\n    pass\nprint('done')\n",
         always({"accepted", "done"})},
        {"filling the disk from the work folder",
         "try:\n"
         "    for i in range(128):\n"
         "        with open(f'fill{i}.bin', 'wb') as f:\n"
         "            f.write(b'\\0' * (512 * 1024))\n"
         "except OSError:\n"
         "    print('done')\n"
         "else:\n"
         "    print('LEAK')\n",
         contained_when([](sandbox_facts const& f) { return f.has(sandbox_layer::mount_ns); })},
    };
}

std::vector<hostile_case> network_attacks()
{
    return {
        {"connecting to the server's own port",
         attempt("import socket\n", "socket.create_connection(('127.0.0.1', @TCP_PORT@), timeout=1).close()"),
         contained_when(tcp_blocked)},
        {"asking the Runtime API for the next invocation",
         attempt("import socket\n",
                 "socket.create_connection(('127.0.0.1', @RUNTIME_PORT@), timeout=1).sendall("
                 "b'GET /2018-06-01/runtime/invocation/next HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n')"),
         contained_when(tcp_blocked)},
        // Only where no packet can leave: the tests never reach the internet.
        {"a DNS lookup", attempt("import socket\n", "socket.getaddrinfo('pyfun-sandbox-test.invalid', 80)"),
         always({"accepted", "done"}), "program", datagrams_blocked},
        {"importing socket", "import socket\nprint('done')\n", always({"accepted", "done"})},
        {"a UNIX socket pair", attempt("import socket\n", "socket.socketpair()"), contained_when(seccomp)},
        {"a UDP datagram to the host",
         attempt("import socket\n",
                 "socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('127.0.0.1', @UDP_PORT@))"),
         contained_when(datagrams_blocked)},
        {"connecting to an abstract UNIX socket of the host",
         attempt("import socket\n", "socket.socket(socket.AF_UNIX).connect('\\0@ABSTRACT@')"),
         contained_when([](sandbox_facts const& f) {
             return f.has(sandbox_layer::net_ns) || seccomp(f) ||
                    (f.has(sandbox_layer::landlock) && f.landlock_abi >= 6);
         })},
    };
}

}  // namespace

std::vector<hostile_case> hostile_cases()
{
    std::vector<hostile_case> all;
    auto const groups = {runaway_programs(), process_attacks(), signal_attacks(), file_attacks(),
                         network_attacks()};
    for (auto const& group : groups)
        all.insert(all.end(), group.begin(), group.end());
    return all;
}

}  // namespace pyfun::test
