#include "runner_reaper.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cassert>
#include <charconv>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace pyfun::core::detail {
namespace {

std::mutex live_runs_mutex;
std::set<pid_t> live_runs;  // main children whose run has not collected their exit status yet

struct proc_stat {
    pid_t pid = 0;
    pid_t ppid = 0;
    pid_t session = 0;
};

std::optional<pid_t> parse_pid(std::string_view text)
{
    pid_t value = 0;
    auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

// /proc/<pid>/stat is "pid (comm) state ppid pgrp session ...". comm may hold spaces and parentheses,
// so the fields are counted from the last ')'.
std::optional<proc_stat> parse_stat(pid_t pid, std::string_view text)
{
    auto const close = text.rfind(')');
    if (close == std::string_view::npos)
        return std::nullopt;
    text.remove_prefix(close + 1);

    std::array<std::string_view, 4> fields;  // state, ppid, pgrp, session
    for (auto& field : fields) {
        auto const start = text.find_first_not_of(' ');
        if (start == std::string_view::npos)
            return std::nullopt;
        text.remove_prefix(start);
        auto const end = text.find(' ');
        field = text.substr(0, end);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end);
    }
    auto const ppid = parse_pid(fields[1]);
    auto const session = parse_pid(fields[3]);
    if (!ppid || !session)
        return std::nullopt;
    return proc_stat{pid, *ppid, *session};
}

std::optional<proc_stat> read_stat(pid_t pid)
{
    auto const path = "/proc/" + std::to_string(pid) + "/stat";
    int const fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return std::nullopt;  // it is gone already
    std::array<char, 512> buffer{};
    auto const n = ::read(fd, buffer.data(), buffer.size());
    ::close(fd);
    if (n <= 0)
        return std::nullopt;
    return parse_stat(pid, std::string_view{buffer.data(), static_cast<std::size_t>(n)});
}

// Another run still owns it: its main child (maybe a zombie waiting for wait4) or a member of its session,
// which that run kills and reaps itself when its main child ends.
bool owned_by_live_run(proc_stat const& stat)
{
    return live_runs.contains(stat.pid) || live_runs.contains(stat.session);
}

}  // namespace

std::unique_lock<std::mutex> lock_live_runs()
{
    return std::unique_lock{live_runs_mutex};
}

void add_live_run(pid_t pid, [[maybe_unused]] std::unique_lock<std::mutex> const& held)
{
    assert(held.mutex() == &live_runs_mutex && held.owns_lock());
    live_runs.insert(pid);
}

void remove_live_run(pid_t pid)
{
    std::lock_guard const lock{live_runs_mutex};
    live_runs.erase(pid);
}

std::size_t reap_orphans_once()
{
    std::lock_guard const lock{live_runs_mutex};
    DIR* const proc = ::opendir("/proc");
    if (proc == nullptr)
        return 0;
    pid_t const self = ::getpid();
    std::size_t seen = 0;
    while (dirent const* entry = ::readdir(proc)) {
        auto const pid = parse_pid(entry->d_name);
        if (!pid)
            continue;  // not a process folder
        auto const stat = read_stat(*pid);
        if (!stat || stat->ppid != self || owned_by_live_run(*stat))
            continue;
        ++seen;
        ::kill(stat->pid, SIGKILL);
        ::waitpid(stat->pid, nullptr, WNOHANG);  // collects it if it is dead already; never blocks
    }
    ::closedir(proc);
    return seen;
}

}  // namespace pyfun::core::detail
