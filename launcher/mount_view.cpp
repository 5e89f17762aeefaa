#include "mount_view.hpp"

#include "report.hpp"
#include "view_paths.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <climits>
#include <string>
#include <string_view>

namespace pyfun::launcher {
namespace {

using core::launcher_step;

constexpr char const* root_size = "1m";  // folders, mount points and symbolic links only

bool under(std::string_view path, std::string_view folder)
{
    return path == folder || (path.size() > folder.size() && path.substr(0, folder.size()) == folder &&
                              path[folder.size()] == '/');
}

// `path` relative to the new root, which is our current folder until pivot_root.
std::string in_new_root(std::string_view path)
{
    return "." + std::string{path};
}

void make_folder(std::string const& path, mode_t mode, launcher_step step)
{
    if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST)
        fail(step);
}

// Every missing folder on the way to `path` (relative, "./a/b/c"), the last one with `mode`.
void make_folders(std::string const& path, mode_t mode, launcher_step step)
{
    for (auto slash = path.find('/', 2); slash != std::string::npos; slash = path.find('/', slash + 1))
        make_folder(path.substr(0, slash), 0755, step);
    make_folder(path, mode, step);
}

void make_parent_folders(std::string const& path, launcher_step step)
{
    auto const slash = path.rfind('/');
    if (slash > 1)
        make_folders(path.substr(0, slash), 0755, step);
}

void make_empty_file(std::string const& path, launcher_step step)
{
    int const fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        fail(step);
    ::close(fd);
}

void set_attributes(char const* path, std::uint64_t attributes, unsigned flags, launcher_step step)
{
    mount_attr attr{};
    attr.attr_set = attributes;
    if (::mount_setattr(AT_FDCWD, path, flags, &attr, sizeof attr) != 0)
        fail(step);
}

// A tmpfs mounted at `path` relative to `folder` ("" for `folder` itself, which then needs no path lookup:
// the work folder's parents may be closed to us). Returns the new mount's descriptor.
int attach_tmpfs(int folder, char const* path, std::string const& size, std::string const& mode,
                 launcher_step step)
{
    int const context = ::fsopen("tmpfs", FSOPEN_CLOEXEC);
    if (context < 0 || ::fsconfig(context, FSCONFIG_SET_STRING, "size", size.c_str(), 0) != 0 ||
        ::fsconfig(context, FSCONFIG_SET_STRING, "nr_inodes", "4096", 0) != 0 ||
        ::fsconfig(context, FSCONFIG_SET_STRING, "mode", mode.c_str(), 0) != 0 ||
        ::fsconfig(context, FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) != 0)
        fail(step);
    int const mounted = ::fsmount(context, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
    if (mounted < 0)
        fail(step);
    ::close(context);
    unsigned const where = *path == '\0' ? MOVE_MOUNT_T_EMPTY_PATH : 0u;
    if (::move_mount(mounted, "", folder, path, MOVE_MOUNT_F_EMPTY_PATH | where) != 0)
        fail(step);
    return mounted;
}

// Recursive, so that mounts below come along (a non-recursive bind of a folder with locked mounts below it
// is refused in a user namespace); all of it read-only.
void bind_read_only(char const* source, std::string const& target)
{
    if (::mount(source, target.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0)
        fail(launcher_step::mount_view);
    set_attributes(target.c_str(), MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, AT_RECURSIVE,
                   launcher_step::mount_view);
}

void add_read_only(char const* path)
{
    struct stat info{};
    if (::lstat(path, &info) != 0) {
        if (errno == ENOENT)
            return;
        fail(launcher_step::mount_view);
    }
    auto const target = in_new_root(path);
    make_parent_folders(target, launcher_step::mount_view);
    if (S_ISLNK(info.st_mode)) {
        std::array<char, PATH_MAX> link{};
        auto const length = ::readlink(path, link.data(), link.size() - 1);
        if (length < 0 || ::symlink(link.data(), target.c_str()) != 0)
            fail(launcher_step::mount_view);
        return;
    }
    if (S_ISDIR(info.st_mode))
        make_folder(target, 0755, launcher_step::mount_view);
    else
        make_empty_file(target, launcher_step::mount_view);
    bind_read_only(path, target);
}

bool covered_by_system_path(std::string_view path)
{
    for (auto const* system : system_paths)
        if (under(path, system))
            return true;
    return false;
}

void add_devices(bool with_proc)
{
    make_folder("./dev", 0755, launcher_step::devices);
    for (auto const* device : device_paths) {
        struct stat info{};
        if (::stat(device, &info) != 0 || !S_ISCHR(info.st_mode))
            continue;
        auto const target = in_new_root(device);
        make_empty_file(target, launcher_step::devices);
        if (::mount(device, target.c_str(), nullptr, MS_BIND, nullptr) != 0)
            fail(launcher_step::devices);
        set_attributes(target.c_str(), MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, 0, launcher_step::devices);
    }
    if (!with_proc)
        return;
    constexpr std::array<std::array<char const*, 2>, 4> links{{
        {"/proc/self/fd", "./dev/fd"},
        {"/proc/self/fd/0", "./dev/stdin"},
        {"/proc/self/fd/1", "./dev/stdout"},
        {"/proc/self/fd/2", "./dev/stderr"},
    }};
    for (auto const& [to, from] : links)
        if (::symlink(to, from) != 0)
            fail(launcher_step::devices);
}

// Only the processes of the namespace; subset=pid (Linux 5.8) also leaves out /proc/sys, kcore and the rest.
void mount_proc()
{
    make_folder("./proc", 0555, launcher_step::proc);
    constexpr unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
    if (::mount("proc", "./proc", "proc", flags, "subset=pid") != 0 &&
        ::mount("proc", "./proc", "proc", flags, nullptr) != 0)
        fail(launcher_step::proc);
}

void enter_new_root(std::string const& workdir)
{
    // The pivot_root(2) recipe: the old root ends up stacked on "." and is then detached as a whole.
    if (::syscall(SYS_pivot_root, ".", ".") != 0 || ::umount2(".", MNT_DETACH) != 0 || ::chdir("/") != 0)
        fail(launcher_step::pivot_root);
    constexpr std::uint64_t read_only = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
    set_attributes("/", read_only, 0, launcher_step::pivot_root);
    if (::chdir(workdir.c_str()) != 0)
        fail(launcher_step::pivot_root);
}

}  // namespace

void build_view(launch_options const& options)
{
    // Nothing we mount may propagate back to the host.
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
        fail(launcher_step::mount_view);
    int const host_work = ::open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);  // we start in the work folder
    if (host_work < 0)
        fail(launcher_step::work_folder);

    // The new root is a small tmpfs mounted over the work folder (which is empty: the program arrives later,
    // on stdin): a mount point of our own that hides nothing the view needs.
    int const root = attach_tmpfs(host_work, "", root_size, "0755", launcher_step::mount_view);
    if (::fchdir(root) != 0)
        fail(launcher_step::mount_view);
    ::close(root);

    for (auto const* path : system_paths)
        add_read_only(path);
    for (auto const& path : options.read_only)
        if (!covered_by_system_path(path))
            add_read_only(path.c_str());

    bool const with_proc = options.layers.has(core::sandbox_layer::pid_ns);
    add_devices(with_proc);
    if (with_proc)
        mount_proc();

    auto const scratch = std::to_string(options.scratch_bytes);
    make_folder("./tmp", 01777, launcher_step::mount_view);
    ::close(attach_tmpfs(AT_FDCWD, "./tmp", scratch, "1777", launcher_step::mount_view));
    auto const work = in_new_root(options.workdir);
    make_folders(work, 0700, launcher_step::work_folder);
    if (!under(options.workdir, "/tmp"))  // else it is a folder in the private /tmp, within its size
        ::close(attach_tmpfs(AT_FDCWD, work.c_str(), scratch, "0700", launcher_step::work_folder));
    ::close(host_work);

    enter_new_root(options.workdir);
}

}  // namespace pyfun::launcher
