#include "sandbox/sandbox_support.hpp"

#include "support/read_file.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <vector>

namespace pyfun::test {
namespace {

namespace fs = std::filesystem;

long kernel_landlock_abi()
{
    constexpr unsigned version_flag = 1u << 0;
    long const abi = ::syscall(SYS_landlock_create_ruleset, nullptr, 0, version_flag);
    return abi < 0 ? 0 : abi;
}

sandbox_facts probe_once()
{
    core::prepare_supervisor_process();
    sandbox_facts found;
    auto const interpreter = core::find_interpreter();
    REQUIRE(interpreter);
    found.interpreter = *interpreter;
    auto const launcher = core::find_launcher({});
    INFO("pyfun-launcher must be built beside the test binary (or named by $PYFUN_LAUNCHER)");
    REQUIRE(launcher);
    found.launcher = *launcher;
    char const* const policy_text = std::getenv("PYFUN_SANDBOX");
    auto const policy = core::parse_sandbox_policy(policy_text ? policy_text : "auto");
    REQUIRE(policy);
    auto plan = core::plan_sandbox(*policy, core::runner_options{*interpreter, {}});
    REQUIRE(plan.has_value());
    found.plan = std::move(*plan);
    if (char const* only = std::getenv("PYFUN_SANDBOX_TEST_ONLY")) {
        auto const allowed = core::sandbox_layer_set::parse(only);
        REQUIRE(allowed);
        for (auto const& [layer, name] : core::sandbox_layer_names)
            if (!allowed->has(layer))
                found.plan.layers.remove(layer);
        if (found.plan.layers.empty())
            found.plan.launcher.clear();
    }
    found.root = ::geteuid() == 0;
    found.landlock_abi = kernel_landlock_abi();
    WARN(core::describe(found.plan));  // which layers this machine has, in every test log
    return found;
}

sockaddr_in loopback(unsigned short port)
{
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

// Binds `fd` to 127.0.0.1 on a free port and returns the port.
unsigned short bind_loopback(int fd)
{
    auto address = loopback(0);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr const*>(&address), sizeof address) == 0);
    socklen_t length = sizeof address;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    return ntohs(address.sin_port);
}

bool accept_pending(int fd)
{
    int const connection = ::accept4(fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (connection < 0)
        return false;
    ::close(connection);
    return true;
}

}  // namespace

bool sandbox_facts::files_hidden() const
{
    return has(core::sandbox_layer::mount_ns) || has(core::sandbox_layer::landlock);
}

bool sandbox_facts::tcp_blocked() const
{
    return has(core::sandbox_layer::net_ns) || has(core::sandbox_layer::seccomp) ||
           (has(core::sandbox_layer::landlock) && landlock_abi >= 4);
}

bool sandbox_facts::datagrams_blocked() const
{
    return has(core::sandbox_layer::net_ns) || has(core::sandbox_layer::seccomp);
}

bool sandbox_facts::others_unsignalable() const
{
    return root || has(core::sandbox_layer::pid_ns) || has(core::sandbox_layer::seccomp) ||
           (has(core::sandbox_layer::landlock) && landlock_abi >= 6);
}

sandbox_facts const& facts()
{
    static sandbox_facts const found = probe_once();
    return found;
}

core::runner_options sandboxed_options(fs::path const& work_root)
{
    return core::with_plan(core::runner_options{facts().interpreter, work_root}, facts().plan);
}

core::runner_options sandboxed_options(fs::path const& work_root, core::sandbox_layer_set layers)
{
    core::runner_options options{facts().interpreter, work_root};
    options.launcher = facts().launcher;
    options.layers = layers;
    return options;
}

scratch_folder::scratch_folder(std::string_view prefix, unsigned mode, fs::path const& base)
{
    auto pattern = (base / (std::string{prefix} + "-XXXXXX")).string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
    REQUIRE(::chmod(path_.c_str(), mode) == 0);
}

scratch_folder::~scratch_folder()
{
    std::error_code ec;
    fs::remove_all(path_, ec);
}

bool scratch_folder::empty() const
{
    return fs::is_empty(path_);
}

tcp_listener::tcp_listener() : fd_{::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)}
{
    REQUIRE(fd_ >= 0);
    port_ = bind_loopback(fd_);
    REQUIRE(::listen(fd_, 16) == 0);
}

tcp_listener::~tcp_listener()
{
    ::close(fd_);
}

bool tcp_listener::connected() const
{
    return accept_pending(fd_);
}

udp_listener::udp_listener() : fd_{::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)}
{
    REQUIRE(fd_ >= 0);
    port_ = bind_loopback(fd_);
}

udp_listener::~udp_listener()
{
    ::close(fd_);
}

bool udp_listener::received() const
{
    char byte = 0;
    return ::recv(fd_, &byte, 1, 0) >= 0;
}

abstract_listener::abstract_listener()
    : fd_{::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)},
      name_{"pyfun-sandbox-test-" + std::to_string(::getpid())}
{
    REQUIRE(fd_ >= 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path + 1, name_.data(), name_.size());  // sun_path[0] == 0: abstract
    auto const length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name_.size());
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr const*>(&address), length) == 0);
    REQUIRE(::listen(fd_, 16) == 0);
}

abstract_listener::~abstract_listener()
{
    ::close(fd_);
}

bool abstract_listener::connected() const
{
    return accept_pending(fd_);
}

}  // namespace pyfun::test
