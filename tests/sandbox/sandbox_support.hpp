#pragma once
// Shared by the sandbox tests: what this machine's probe found (probed once per test process), scratch
// folders, a loopback listener that counts connections, and process scans to prove that nothing of a run
// survives.

#include "lib/runner.hpp"
#include "lib/sandbox_probe.hpp"
#include "support/process_scan.hpp"

#include <filesystem>
#include <string>
#include <string_view>

namespace pyfun::test {

// The auto policy's plan on this machine, and the facts the expectations depend on.
struct sandbox_facts {
    core::sandbox_plan plan;
    std::filesystem::path interpreter;
    std::filesystem::path launcher;  // found beside the test binary (the probe may still have refused it)
    bool root = false;
    long landlock_abi = 0;  // the kernel's, 0 without Landlock

    bool has(core::sandbox_layer layer) const { return plan.layers.has(layer); }
    bool files_hidden() const;       // mount_ns or Landlock: the host's files are out of reach
    bool tcp_blocked() const;        // net_ns, seccomp, or Landlock ABI 4
    bool datagrams_blocked() const;  // net_ns or seccomp (Landlock does not cover UDP)
    bool others_unsignalable() const;  // root (uid drop), pid_ns, seccomp or Landlock ABI 6
};

// Call prepare_supervisor_process() and probe, once per test process: with the policy in $PYFUN_SANDBOX
// (auto when unset), keeping only the layers named in $PYFUN_SANDBOX_TEST_ONLY if that is set. Both let the
// suites be run by hand as on a host with fewer layers (portable: as inside Lambda).
sandbox_facts const& facts();

// Runner options with the probed layers (or with `layers` instead), work folders under `work_root`.
core::runner_options sandboxed_options(std::filesystem::path const& work_root);
core::runner_options sandboxed_options(std::filesystem::path const& work_root,
                                       core::sandbox_layer_set layers);

// A fresh folder under `base` (the temporary folder by default), removed with everything in it. `mode` is
// applied exactly.
class scratch_folder {
public:
    explicit scratch_folder(std::string_view prefix, unsigned mode = 0700,
                            std::filesystem::path const& base = std::filesystem::temp_directory_path());
    ~scratch_folder();
    scratch_folder(scratch_folder const&) = delete;
    scratch_folder& operator=(scratch_folder const&) = delete;

    std::filesystem::path const& path() const { return path_; }
    bool empty() const;

private:
    std::filesystem::path path_;
};

// A TCP socket listening on 127.0.0.1 on a free port. It never accepts: a connection that got through waits
// in the backlog, where connected() finds it.
class tcp_listener {
public:
    tcp_listener();
    ~tcp_listener();
    tcp_listener(tcp_listener const&) = delete;
    tcp_listener& operator=(tcp_listener const&) = delete;

    unsigned short port() const { return port_; }
    bool connected() const;

private:
    int fd_ = -1;
    unsigned short port_ = 0;
};

// A UDP socket bound to 127.0.0.1 on a free port; received() is true once any datagram arrived.
class udp_listener {
public:
    udp_listener();
    ~udp_listener();
    udp_listener(udp_listener const&) = delete;
    udp_listener& operator=(udp_listener const&) = delete;

    unsigned short port() const { return port_; }
    bool received() const;

private:
    int fd_ = -1;
    unsigned short port_ = 0;
};

// A listening UNIX socket in the abstract namespace, named after our pid; connected() as for tcp_listener.
class abstract_listener {
public:
    abstract_listener();
    ~abstract_listener();
    abstract_listener(abstract_listener const&) = delete;
    abstract_listener& operator=(abstract_listener const&) = delete;

    std::string const& name() const { return name_; }  // without the leading NUL
    bool connected() const;

private:
    int fd_ = -1;
    std::string name_;
};

}  // namespace pyfun::test
