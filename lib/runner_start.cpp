#include "runner_start.hpp"

#include "runner_reaper.hpp"
#include "system_text.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <utility>
#include <vector>

namespace pyfun::core::detail {
namespace {

namespace fs = std::filesystem;

// Receives the program and runs it as `python3 main.py` would, with three differences a learner does not
// notice:
// - tracebacks drop the bootstrap's own frame (`<string>`), so they start at `File "main.py"` and a
//   SyntaxError prints exactly as it would for the script. The trimmed traceback must go onto the
//   exception itself: the default hook prints value.__traceback__ and ignores its third argument;
// - a MemoryError ends the process with exit code 90 once its traceback is out. The try/finally makes that
//   hold even when printing runs out of memory too;
// - SIGXFSZ is back to its default (Python ignores it), so RLIMIT_FSIZE ends the process with a signal
//   the supervisor sees, rather than an OSError it would have to parse out of stderr. Only after the input
//   files are written: those are ours, not the program's output.
// The program arrives on stdin (run_payload.hpp); stdin then stays at end-of-file, as /dev/null would. An
// empty stdin means the run is not needed after all: exit at once. The files are written with 'x' (create,
// never overwrite or follow a link); a failure there is ours, exit code 91.
// It imports only built-in modules (posix, not os; marshal): under -S, importing os costs about a
// millisecond, a seventh of the interpreter's whole start.
// __main__ is a fresh module object whose dict holds __name__, __file__ and __builtins__ (plus the usual
// None-valued module attributes), so `import __main__` and dataclasses see the program, not the bootstrap.
constexpr char const* bootstrap = R"PY(import sys, _signal, marshal
from posix import _exit, read
def _receive():
    chunks = []
    while chunk := read(0, 65536):
        chunks.append(chunk)
    return b''.join(chunks)
def _unpack(payload):
    program, *files = marshal.loads(payload)
    for name, content in zip(files[0::2], files[1::2]):
        with open(name, 'xb') as f:
            f.write(content)
    with open('main.py', 'xb') as f:
        f.write(program)
    return program
payload = _receive()
if not payload:
    _exit(0)
try:
    program = _unpack(payload)
except BaseException:
    _exit(91)
del payload
_signal.signal(_signal.SIGXFSZ, _signal.SIG_DFL)
sys.argv = ['main.py']
def _hook(kind, value, tb, show=sys.excepthook):
    try:
        while tb is not None and tb.tb_frame.f_code.co_filename == '<string>':
            tb = tb.tb_next
        show(kind, value.with_traceback(tb), tb)
    finally:
        if issubclass(kind, MemoryError):
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except BaseException:
                    pass
            _exit(90)
sys.excepthook = _hook
code = compile(program, 'main.py', 'exec', dont_inherit=True)
del program
main = type(sys)('__main__')
main.__file__ = 'main.py'
main.__builtins__ = __builtins__
sys.modules['__main__'] = main
exec(code, main.__dict__)
)PY";

std::vector<std::string> sandbox_environment(std::string const& workdir)
{
    return {"PATH=/usr/bin:/bin", "LANG=C.UTF-8", "LC_ALL=C.UTF-8", "HOME=" + workdir, "TMPDIR=" + workdir};
}

// The interpreter's own tree (/opt/python for /opt/python/bin/python3): the launcher's view must include it.
// Nothing for an interpreter directly under "/", whose parent would be the whole file system.
std::string interpreter_root(fs::path const& interpreter)
{
    auto const root = interpreter.parent_path().parent_path();
    return root.has_relative_path() ? root.string() : std::string{};
}

child_request make_request(runner_options const& options, fs::path const& workdir, run_limits const& limits,
                           bool drop_privileges)
{
    std::vector<std::string> command{options.interpreter.string(), "-I", "-S", "-B", "-X", "utf8", "-c",
                                     bootstrap};
    child_request request;
    request.environment = sandbox_environment(workdir.string());
    request.workdir = workdir.string();
    request.limits = limits;
    request.drop_privileges = drop_privileges;
    if (options.layers.empty()) {
        request.executable = std::move(command.front());
        request.arguments.assign(command.begin() + 1, command.end());
        return request;
    }
    request.executable = options.launcher.string();
    request.launcher = true;
    request.arguments = {"--layers=" + options.layers.to_string(), "--workdir=" + workdir.string(),
                         "--scratch-bytes=" + std::to_string(limits.scratch_bytes)};
    if (auto root = interpreter_root(options.interpreter); !root.empty())
        request.arguments.push_back("--read-only=" + root);
    request.arguments.emplace_back("--");
    request.arguments.insert(request.arguments.end(), command.begin(), command.end());
    return request;
}

// glibc 2.36's <sys/pidfd.h> lacks extern "C" for C++; the raw syscall is the same thing.
unique_fd open_pidfd(pid_t pid)
{
    return unique_fd{static_cast<int>(::syscall(SYS_pidfd_open, pid, 0))};
}

// Whether the process behind `pidfd` ends within `timeout_ms` (0: has it ended already).
bool ends_within(unique_fd const& pidfd, int timeout_ms)
{
    pollfd watched{pidfd.get(), POLLIN, 0};
    int ready = 0;
    do
        ready = ::poll(&watched, 1, timeout_ms);
    while (ready < 0 && errno == EINTR);
    return ready > 0;
}

// An unused child normally ends within the time its interpreter takes to start; this bounds a stuck one.
constexpr int unused_child_grace_ms = 2000;

}  // namespace

bool same_start_limits(run_limits const& a, run_limits const& b)
{
    return a.cpu == b.cpu && a.memory_bytes == b.memory_bytes && a.file_bytes == b.file_bytes &&
           a.open_files == b.open_files && a.processes == b.processes && a.scratch_bytes == b.scratch_bytes &&
           a.tasks == b.tasks;
}

boost::system::result<started_run, std::string> started_run::start(runner_options const& options,
                                                                   run_limits const& limits)
{
    bool const as_nobody = ::geteuid() == 0;
    auto folder = work_folder::create(work_root(options.work_root), as_nobody);
    if (!folder)
        return {boost::system::in_place_error, folder.error()};
    std::optional<run_cgroup> group;
    if (!options.cgroup_parent.empty()) {
        auto created = run_cgroup::create(options.cgroup_parent, limits);
        if (!created)
            return {boost::system::in_place_error, created.error()};
        group.emplace(std::move(*created));
    }
    auto request = make_request(options, folder->path(), limits, as_nobody);
    if (group)
        request.cgroup_procs_fd = group->procs_fd();

    started_run run{std::move(*folder), std::move(group), std::move(request), limits};
    auto child = spawn_child(run.request_);
    if (!child)
        return {boost::system::in_place_error, child.error()};
    run.child_ = std::move(*child);
    run.pidfd_ = open_pidfd(run.child_.pid);
    if (!run.pidfd_)
        return {boost::system::in_place_error, system_text("pidfd_open", errno)};  // ~started_run ends it
    return run;
}

started_run::started_run(work_folder folder, std::optional<run_cgroup> group, child_request request,
                         run_limits limits)
    : folder_{std::move(folder)},
      group_{std::move(group)},
      request_{std::move(request)},
      limits_{limits},
      started_at_{std::chrono::steady_clock::now()}
{
}

started_run::started_run(started_run&& other) noexcept
    : folder_{std::move(other.folder_)},
      group_{std::move(other.group_)},
      request_{std::move(other.request_)},
      limits_{other.limits_},
      child_{other.take_child()},
      pidfd_{std::move(other.pidfd_)},
      started_at_{other.started_at_}
{
}

started_run::~started_run()
{
    end_unused_child();
}

child_process started_run::take_child()
{
    child_process taken = std::move(child_);
    child_.pid = -1;
    return taken;
}

bool started_run::ended() const
{
    return !pidfd_ || ends_within(pidfd_, 0);
}

// Blocks at most unused_child_grace_ms, and only for a child that is stuck: closing stdin makes a healthy
// one exit by itself (its launcher reaps everything in its pid namespace), and a forced end leaves at most
// grandchildren, which are re-parented to us and collected by the next reap round.
void started_run::end_unused_child() noexcept
{
    if (child_.pid <= 0)
        return;
    child_.stdin_write.reset();
    if (!pidfd_ || !ends_within(pidfd_, unused_child_grace_ms)) {
        if (group_)
            group_->kill_all();
        ::kill(-child_.pid, SIGKILL);
        ::kill(child_.pid, SIGKILL);
    }
    int status = 0;
    while (::waitpid(child_.pid, &status, 0) < 0 && errno == EINTR) {
    }
    remove_live_run(child_.pid);
    child_.pid = -1;
    reap_orphans_once();
}

}  // namespace pyfun::core::detail
