#include "sandbox_cgroup.hpp"

#include "system_text.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <string_view>
#include <system_error>

namespace pyfun::core {
namespace {

using detail::system_text;

namespace fs = std::filesystem;
using prepare_result = boost::system::result<std::vector<std::string>, std::string>;

constexpr std::size_t max_read_bytes = 1u << 20;  // /proc/self/mountinfo of a busy host stays far below
constexpr std::array per_run_controllers{"memory", "pids"};
constexpr char const* supervisor_leaf = "supervisor";

// Plain read(2): cgroup and /proc files may vanish or fail under us, and libstdc++'s filebuf throws on a
// read error whatever its exception mask says.
std::optional<std::string> read_small_file(fs::path const& path)
{
    detail::unique_fd const fd{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (!fd)
        return std::nullopt;
    std::string text;
    std::array<char, 4096> chunk;
    while (text.size() < max_read_bytes) {
        auto const n = ::read(fd.get(), chunk.data(), chunk.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return std::nullopt;
        if (n == 0)
            break;
        text.append(chunk.data(), static_cast<std::size_t>(n));
    }
    return text;
}

// 0 or the errno of the failed step. The kernel takes a cgroup file write whole or not at all.
int write_file(fs::path const& path, std::string_view text) noexcept
{
    detail::unique_fd const fd{::open(path.c_str(), O_WRONLY | O_CLOEXEC)};
    if (!fd)
        return errno;
    if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()))
        return errno;
    return 0;
}

prepare_result prepare_error(std::string text)
{
    return prepare_result{boost::system::in_place_error, std::move(text)};
}

bool has_word(std::string_view words, std::string_view word)
{
    std::istringstream in{std::string{words}};
    for (std::string w; in >> w;)
        if (w == word)
            return true;
    return false;
}

// "0::/some/group" in /proc/self/cgroup: our place in the v2 hierarchy.
std::string own_cgroup()
{
    std::istringstream in{read_small_file("/proc/self/cgroup").value_or("")};
    for (std::string line; std::getline(in, line);)
        if (line.rfind("0::", 0) == 0)
            return line.substr(3);
    return {};
}

// The mount point of the cgroup2 file system, from /proc/self/mountinfo ("... <mount point> ... - cgroup2
// ...").
std::string cgroup2_mount()
{
    std::istringstream in{read_small_file("/proc/self/mountinfo").value_or("")};
    for (std::string line; std::getline(in, line);) {
        auto const separator = line.find(" - ");
        if (separator == std::string::npos || line.compare(separator + 3, 8, "cgroup2 ") != 0)
            continue;
        std::istringstream fields{line.substr(0, separator)};
        std::string id, parent, device, root, mount_point;
        if (fields >> id >> parent >> device >> root >> mount_point)
            return mount_point;
    }
    return {};
}

bool is_cgroup2(fs::path const& folder)
{
    struct statfs info{};
    return ::statfs(folder.c_str(), &info) == 0 && info.f_type == CGROUP2_SUPER_MAGIC;
}

bool same_folder(fs::path const& a, fs::path const& b)
{
    std::error_code ec;
    return fs::equivalent(a, b, ec);
}

// cgroup v2's "no internal processes" rule: move ourselves (every thread: cgroup.procs moves the whole
// process) into a leaf of our own group, so that the group itself can hand controllers to its children.
std::optional<std::string> move_into_leaf(fs::path const& folder)
{
    auto const leaf = folder / supervisor_leaf;
    if (::mkdir(leaf.c_str(), 0755) != 0 && errno != EEXIST)
        return system_text("mkdir " + leaf.string(), errno);
    if (int const error = write_file(leaf / "cgroup.procs", "0"); error != 0)
        return system_text("moving the supervisor into " + leaf.string(), error);
    auto const left = read_small_file(folder / "cgroup.procs").value_or("?");
    if (!left.empty())
        return "the cgroup " + folder.string() + " holds other processes than ours: " + left;
    return std::nullopt;
}

// Enables one controller for the children of `folder`; EBUSY: processes in `folder` itself.
int enable_controller(fs::path const& folder, std::string_view controller)
{
    return write_file(folder / "cgroup.subtree_control", "+" + std::string{controller});
}

// Only for files of a controller that may be missing: ENOENT means "not enabled here", which is fine.
std::optional<std::string> set_if_enabled(fs::path const& file, std::string const& value)
{
    int const error = write_file(file, value);
    if (error == 0 || error == ENOENT)
        return std::nullopt;
    return system_text("writing " + value + " to " + file.string(), error);
}

std::optional<unsigned long long> counter_in(std::string_view text, std::string_view key)
{
    std::istringstream in{std::string{text}};
    for (std::string name, value; in >> name >> value;) {
        if (name != key)
            continue;
        unsigned long long count = 0;
        auto const [end, error] = std::from_chars(value.data(), value.data() + value.size(), count);
        if (error == std::errc{} && end == value.data() + value.size())
            return count;
    }
    return std::nullopt;
}

std::string next_group_name()
{
    static std::atomic<unsigned long> runs{0};
    return "run-" + std::to_string(::getpid()) + "-" + std::to_string(runs.fetch_add(1) + 1);
}

}  // namespace

cgroup_parent_choice find_cgroup_parent()
{
    if (char const* configured = std::getenv("PYFUN_CGROUP"); configured != nullptr && *configured != '\0') {
        if (std::string_view{configured} == "off")
            return {{}, "PYFUN_CGROUP=off"};
        return {configured, {}};
    }
    auto const own = own_cgroup_folder();
    if (!own)
        return {{}, "no cgroup v2 hierarchy is mounted for us"};
    if (own_cgroup() == "/")
        return {{}, "we are in the root of the cgroup v2 hierarchy, not in a delegated group (set PYFUN_CGROUP "
                    "to one)"};
    if (::access(own->c_str(), W_OK) != 0 || ::access((*own / "cgroup.procs").c_str(), W_OK) != 0)
        return {{}, "our cgroup v2 group " + own->string() + " is not delegated to us (not writable)"};
    return {*own, {}};
}

std::optional<fs::path> own_cgroup_folder()
{
    auto const mount = cgroup2_mount();
    auto const group = own_cgroup();
    if (mount.empty() || group.empty())
        return std::nullopt;
    return fs::path{mount + (group == "/" ? "" : group)};
}

prepare_result prepare_cgroup_parent(fs::path const& folder)
{
    if (!is_cgroup2(folder))
        return prepare_error(folder.string() + " is not a folder of the cgroup v2 file system");
    if (::access(folder.c_str(), W_OK) != 0)
        return prepare_error(system_text("cannot create groups in " + folder.string(), errno));
    auto const offered = read_small_file(folder / "cgroup.controllers");
    if (!offered)
        return prepare_error(system_text("reading " + (folder / "cgroup.controllers").string(), errno));

    std::vector<std::string> enabled;
    for (std::string_view const controller : per_run_controllers) {
        if (!has_word(*offered, controller))
            continue;
        int error = enable_controller(folder, controller);
        auto const own = own_cgroup_folder();
        if (error == EBUSY && own && same_folder(*own, folder)) {
            if (auto const problem = move_into_leaf(folder))
                return prepare_error(*problem);
            error = enable_controller(folder, controller);
        }
        if (error != 0)
            return prepare_error(system_text(
                "enabling the " + std::string{controller} + " controller in " + folder.string(), error));
        enabled.emplace_back(controller);
    }
    return enabled;
}

namespace detail {

boost::system::result<run_cgroup, std::string> run_cgroup::create(fs::path const& parent,
                                                                   run_limits const& limits)
{
    using created = boost::system::result<run_cgroup, std::string>;
    auto const folder = parent / next_group_name();
    if (::mkdir(folder.c_str(), 0755) != 0)
        return created{boost::system::in_place_error, system_text("mkdir " + folder.string(), errno)};
    // From here on the group exists: the object removes it on every path out.
    run_cgroup group{folder, unique_fd{}};
    // The tmpfs of a launcher run is charged to the run too: it gets room for both.
    auto const memory = std::to_string(limits.memory_bytes + limits.scratch_bytes);
    for (auto const& [file, value] : {std::pair<char const*, std::string>{"memory.max", memory},
                                      {"memory.swap.max", "0"},
                                      {"pids.max", std::to_string(limits.tasks)}}) {
        if (auto const problem = set_if_enabled(folder / file, value))
            return created{boost::system::in_place_error, *problem};
    }
    group.procs_.reset(::open((folder / "cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC));
    if (!group.procs_)
        return created{boost::system::in_place_error,
                       system_text("opening " + (folder / "cgroup.procs").string(), errno)};
    return created{std::move(group)};
}

run_cgroup::run_cgroup(fs::path folder, unique_fd procs) : folder_{std::move(folder)}, procs_{std::move(procs)}
{
}

run_cgroup::run_cgroup(run_cgroup&& other) noexcept
    : folder_{std::exchange(other.folder_, {})}, procs_{std::move(other.procs_)}
{
}

run_cgroup::~run_cgroup()
{
    if (folder_.empty())
        return;
    kill_all();
    remove();
}

void run_cgroup::kill_all() const noexcept
{
    if (folder_.empty())
        return;
    if (write_file(folder_ / "cgroup.kill", "1") != ENOENT)
        return;
    // Before Linux 5.14: every pid listed now is a member, so none of them is someone else's process.
    std::istringstream pids{read_small_file(folder_ / "cgroup.procs").value_or("")};
    for (pid_t pid = 0; pids >> pid;)
        ::kill(pid, SIGKILL);
}

bool run_cgroup::memory_exhausted() const
{
    auto const events = read_small_file(folder_ / "memory.events");
    return events && counter_in(*events, "oom_kill").value_or(0) > 0;
}

bool run_cgroup::remove() noexcept
{
    if (folder_.empty())
        return true;
    if (::rmdir(folder_.c_str()) != 0 && errno != ENOENT)
        return false;
    folder_.clear();
    return true;
}

}  // namespace detail
}  // namespace pyfun::core
