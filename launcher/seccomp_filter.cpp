#include "seccomp_filter.hpp"

#include "report.hpp"

#include <seccomp.h>

#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <optional>

namespace pyfun::launcher {
namespace {

using core::launcher_step;

// Raw numbers from glibc's <sys/syscall.h>: libseccomp 2.5.4 does not know the newest calls by name.
constexpr std::array denied_calls{
    // new processes (threads use clone, below)
    SYS_fork, SYS_vfork,
    // sockets: Python starts without any; `import socket` still works, making one fails
    SYS_socket, SYS_socketpair,
    // other processes
    SYS_ptrace, SYS_process_vm_readv, SYS_process_vm_writev, SYS_process_madvise, SYS_kcmp, SYS_tkill,
    SYS_pidfd_open, SYS_pidfd_getfd, SYS_pidfd_send_signal,
    // mounts and namespaces
    SYS_mount, SYS_umount2, SYS_pivot_root, SYS_chroot, SYS_unshare, SYS_setns, SYS_fsopen, SYS_fsconfig,
    SYS_fsmount, SYS_fspick, SYS_move_mount, SYS_open_tree, SYS_mount_setattr,
    SYS_open_by_handle_at, SYS_name_to_handle_at,
    // the kernel's wider surface
    SYS_bpf, SYS_perf_event_open, SYS_keyctl, SYS_add_key, SYS_request_key, SYS_io_uring_setup,
    SYS_io_uring_enter, SYS_io_uring_register, SYS_userfaultfd, SYS_init_module, SYS_finit_module,
    SYS_delete_module, SYS_kexec_load, SYS_kexec_file_load, SYS_reboot, SYS_swapon, SYS_swapoff, SYS_acct,
    SYS_quotactl, SYS_syslog, SYS_iopl, SYS_ioperm,
};

// A condition on the first argument, compared as a 64-bit unsigned value. (libseccomp's SCMP_A0 macro is a C
// compound literal, which C++ compilers accept only as an extension.) MASKED_EQ: (argument & a) == b.
scmp_arg_cmp first_argument(scmp_compare op, std::uint64_t a, std::uint64_t b = 0)
{
    scmp_arg_cmp condition{};
    condition.arg = 0;
    condition.op = op;
    condition.datum_a = a;
    condition.datum_b = b;
    return condition;
}

class filter {
public:
    filter() : context_{::seccomp_init(SCMP_ACT_ALLOW)}
    {
        if (context_ == nullptr)
            fail(launcher_step::seccomp, ENOMEM);
    }
    filter(filter const&) = delete;
    filter& operator=(filter const&) = delete;
    ~filter() { ::seccomp_release(context_); }

    // Fails `call` with `error_number`, always or when `condition` holds.
    void deny(long call, int error_number, std::optional<scmp_arg_cmp> condition = std::nullopt) const
    {
        auto const action = SCMP_ACT_ERRNO(static_cast<std::uint32_t>(error_number));
        int const rc = ::seccomp_rule_add_array(context_, action, static_cast<int>(call), condition ? 1u : 0u,
                                                condition ? &*condition : nullptr);
        if (rc != 0)
            fail(launcher_step::seccomp, -rc);
    }

    // Fails `call` with EPERM when its first argument lies in [low, high] (high below 2^32). A rule may
    // compare an argument only once, so the range becomes aligned power-of-two blocks, one masked comparison
    // each.
    void deny_first_argument_in(long call, std::uint64_t low, std::uint64_t high) const
    {
        while (low <= high) {
            std::uint64_t block = 1;
            while ((low & (2 * block - 1)) == 0 && low + 2 * block - 1 <= high)
                block *= 2;
            deny(call, EPERM, first_argument(SCMP_CMP_MASKED_EQ, ~(block - 1), low));
            low += block;
        }
    }

    void load() const
    {
        if (int const rc = ::seccomp_load(context_); rc != 0)
            fail(launcher_step::seccomp, -rc);
    }

private:
    scmp_filter_ctx context_;
};

}  // namespace

void install_seccomp_filter()
{
    filter const rules;
    for (auto const call : denied_calls)
        rules.deny(call, EPERM);

    // clone3 passes its flags in memory, out of the filter's sight. ENOSYS makes glibc fall back to clone,
    // whose flags it can check: threads (CLONE_THREAD) pass, processes do not.
    rules.deny(SYS_clone3, ENOSYS);
    rules.deny(SYS_clone, EPERM, first_argument(SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0));

    // Signals to itself only: kill() with 0 (its process group, which holds only itself: the launcher made it
    // a session leader, or it was one already) or with its own pid; the thread-directed calls with its own
    // pid. Arguments compare as 64-bit unsigned values, so negative pids (process groups) are "greater".
    auto const self = static_cast<std::uint64_t>(::getpid());
    rules.deny(SYS_kill, EPERM, first_argument(SCMP_CMP_GT, self));
    rules.deny_first_argument_in(SYS_kill, 1, self - 1);
    for (auto const call : {SYS_tgkill, SYS_rt_sigqueueinfo, SYS_rt_tgsigqueueinfo})
        rules.deny(call, EPERM, first_argument(SCMP_CMP_NE, self));
    rules.load();
}

}  // namespace pyfun::launcher
