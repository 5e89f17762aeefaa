#include "landlock.hpp"

#include "report.hpp"
#include "view_paths.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>

namespace pyfun::launcher {
namespace {

using core::launcher_step;

// The kernel's Landlock ABI (Documentation/userspace-api/landlock.rst). Debian 12's headers stop at ABI 2, so
// the later rights and the grown ruleset attribute are spelled out here.
struct ruleset_attr {
    std::uint64_t handled_access_fs = 0;
    std::uint64_t handled_access_net = 0;  // ABI 4
    std::uint64_t scoped = 0;              // ABI 6
};

struct [[gnu::packed]] path_beneath_attr {
    std::uint64_t allowed_access = 0;
    std::int32_t parent_fd = -1;
};

constexpr unsigned create_ruleset_version = 1u << 0;
constexpr int rule_path_beneath = 1;

constexpr std::uint64_t fs_execute = 1u << 0;
constexpr std::uint64_t fs_write_file = 1u << 1;
constexpr std::uint64_t fs_read_file = 1u << 2;
constexpr std::uint64_t fs_read_dir = 1u << 3;
constexpr std::uint64_t fs_abi1 = (1u << 13) - 1;  // execute .. make_sym
constexpr std::uint64_t fs_refer = 1u << 13;       // ABI 2
constexpr std::uint64_t fs_truncate = 1u << 14;    // ABI 3
constexpr std::uint64_t fs_ioctl_dev = 1u << 15;   // ABI 5
constexpr std::uint64_t net_bind_tcp = 1u << 0;    // ABI 4
constexpr std::uint64_t net_connect_tcp = 1u << 1;
constexpr std::uint64_t scope_abstract_unix_socket = 1u << 0;  // ABI 6
constexpr std::uint64_t scope_signal = 1u << 1;

constexpr std::uint64_t file_rights = fs_execute | fs_write_file | fs_read_file | fs_truncate | fs_ioctl_dev;

long abi_version()
{
    return ::syscall(SYS_landlock_create_ruleset, nullptr, 0, create_ruleset_version);
}

ruleset_attr ruleset_for(long abi, std::size_t& size)
{
    ruleset_attr attr;
    attr.handled_access_fs = fs_abi1 | (abi >= 2 ? fs_refer : 0) | (abi >= 3 ? fs_truncate : 0) |
                             (abi >= 5 ? fs_ioctl_dev : 0);
    size = sizeof attr.handled_access_fs;
    if (abi >= 4) {
        attr.handled_access_net = net_bind_tcp | net_connect_tcp;  // and no rule allows any port
        size += sizeof attr.handled_access_net;
    }
    if (abi >= 6) {
        attr.scoped = scope_abstract_unix_socket | scope_signal;
        size += sizeof attr.scoped;
    }
    return attr;
}

class ruleset {
public:
    explicit ruleset(ruleset_attr const& attr, std::size_t size)
        : fd_{static_cast<int>(::syscall(SYS_landlock_create_ruleset, &attr, size, 0u))},
          handled_{attr.handled_access_fs}
    {
        if (fd_ < 0)
            fail(launcher_step::landlock);
    }
    ruleset(ruleset const&) = delete;
    ruleset& operator=(ruleset const&) = delete;
    ~ruleset() { ::close(fd_); }

    // Missing paths are skipped; a rule on a file may hold file rights only.
    void allow(char const* path, std::uint64_t rights) const
    {
        int const fd = ::open(path, O_PATH | O_CLOEXEC);
        if (fd < 0) {
            if (errno == ENOENT)
                return;
            fail(launcher_step::landlock);
        }
        struct stat info{};
        if (::fstat(fd, &info) != 0)
            fail(launcher_step::landlock);
        path_beneath_attr rule;
        rule.allowed_access = rights & handled_ & (S_ISDIR(info.st_mode) ? ~std::uint64_t{0} : file_rights);
        rule.parent_fd = fd;
        if (::syscall(SYS_landlock_add_rule, fd_, rule_path_beneath, &rule, 0u) != 0)
            fail(launcher_step::landlock);
        ::close(fd);
    }

    void enforce() const
    {
        if (::syscall(SYS_landlock_restrict_self, fd_, 0u) != 0)
            fail(launcher_step::landlock);
    }

private:
    int fd_;
    std::uint64_t handled_;
};

}  // namespace

void restrict_paths(launch_options const& options)
{
    long const abi = abi_version();
    if (abi < 1)
        fail(launcher_step::landlock);
    std::size_t size = 0;
    auto const attr = ruleset_for(abi, size);
    ruleset const rules{attr, size};

    constexpr std::uint64_t read_only = fs_execute | fs_read_file | fs_read_dir;
    constexpr std::uint64_t everything = ~std::uint64_t{0};
    for (auto const* path : system_paths)
        rules.allow(path, read_only);
    for (auto const& path : options.read_only)
        rules.allow(path.c_str(), read_only);
    for (auto const* device : device_paths)
        rules.allow(device, fs_read_file | fs_write_file | fs_truncate | fs_ioctl_dev);
    rules.allow(".", everything);  // the work folder, whose parents may be closed to us
    if (options.layers.has(core::sandbox_layer::mount_ns)) {
        rules.allow("/tmp", everything);  // the private one
        if (options.layers.has(core::sandbox_layer::pid_ns))
            rules.allow("/proc", fs_read_file | fs_read_dir);  // the namespace's own
    }
    rules.enforce();
}

}  // namespace pyfun::launcher
