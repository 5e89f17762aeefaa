#pragma once
// The contract between the runner and pyfun-launcher (launcher/): the layer names on its command line and the
// failure record it leaves on the exec-status pipe. Header-only and free of Boost: the launcher links nothing
// of ours, so that it stays small and quick to start.

#include <array>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace pyfun::core {

// The layers only the launcher can apply. Every namespace needs user_ns (the launcher is unprivileged).
enum class sandbox_layer : unsigned {
    user_ns = 1u << 0,
    mount_ns = 1u << 1,
    pid_ns = 1u << 2,
    net_ns = 1u << 3,
    ipc_ns = 1u << 4,
    uts_ns = 1u << 5,
    seccomp = 1u << 6,
    landlock = 1u << 7,
};

inline constexpr std::array<std::pair<sandbox_layer, std::string_view>, 8> sandbox_layer_names{{
    {sandbox_layer::user_ns, "user_ns"},
    {sandbox_layer::mount_ns, "mount_ns"},
    {sandbox_layer::pid_ns, "pid_ns"},
    {sandbox_layer::net_ns, "net_ns"},
    {sandbox_layer::ipc_ns, "ipc_ns"},
    {sandbox_layer::uts_ns, "uts_ns"},
    {sandbox_layer::seccomp, "seccomp"},
    {sandbox_layer::landlock, "landlock"},
}};

constexpr std::optional<sandbox_layer> find_layer(std::string_view name)
{
    for (auto const& [layer, layer_name] : sandbox_layer_names)
        if (layer_name == name)
            return layer;
    return std::nullopt;
}

constexpr std::string_view name_of(sandbox_layer layer)
{
    for (auto const& [value, name] : sandbox_layer_names)
        if (value == layer)
            return name;
    return "unknown";
}

// A set of launcher layers; empty means the runner starts the interpreter itself (the portable layers only).
class sandbox_layer_set {
public:
    constexpr sandbox_layer_set() = default;
    constexpr sandbox_layer_set(std::initializer_list<sandbox_layer> layers)
    {
        for (auto layer : layers)
            add(layer);
    }

    constexpr bool has(sandbox_layer layer) const { return (bits_ & static_cast<unsigned>(layer)) != 0; }
    constexpr bool empty() const { return bits_ == 0; }
    constexpr void add(sandbox_layer layer) { bits_ |= static_cast<unsigned>(layer); }
    constexpr void remove(sandbox_layer layer) { bits_ &= ~static_cast<unsigned>(layer); }
    constexpr bool any_namespace() const
    {
        return has(sandbox_layer::user_ns) || has(sandbox_layer::mount_ns) || has(sandbox_layer::pid_ns) ||
               has(sandbox_layer::net_ns) || has(sandbox_layer::ipc_ns) || has(sandbox_layer::uts_ns);
    }
    friend constexpr bool operator==(sandbox_layer_set, sandbox_layer_set) = default;

    // "user_ns,mount_ns,seccomp": the launcher's --layers value, in the order of sandbox_layer_names.
    std::string to_string() const
    {
        std::string text;
        for (auto const& [layer, name] : sandbox_layer_names) {
            if (!has(layer))
                continue;
            if (!text.empty())
                text += ',';
            text += name;
        }
        return text;
    }

    // The inverse of to_string(); nullopt for an unknown or empty name. An empty text is the empty set.
    static std::optional<sandbox_layer_set> parse(std::string_view text)
    {
        sandbox_layer_set layers;
        if (text.empty())
            return layers;
        for (;;) {
            auto const comma = text.find(',');
            auto const layer = find_layer(text.substr(0, comma));
            if (!layer)
                return std::nullopt;
            layers.add(*layer);
            if (comma == std::string_view::npos)
                return layers;
            text.remove_prefix(comma + 1);
        }
    }

private:
    unsigned bits_ = 0;
};

// The launcher inherits the exec-status pipe on this descriptor. It writes one setup_failure record there
// when a step fails (then exits 127) and marks it close-on-exec before it execs the interpreter, so the
// runner reads end-of-file exactly when the learner's program starts.
inline constexpr int launcher_status_fd = 3;

// The record on the exec-status pipe, written by the runner's own child or by the launcher.
struct setup_failure {
    int step = 0;
    int error_number = 0;
};

// The launcher's steps; numbered apart from the runner's own (which stay below 100).
enum class launcher_step : int {
    arguments = 100,
    no_new_privs,
    unshare,
    id_maps,
    fork,
    hostname,
    mount_view,
    proc,
    devices,
    work_folder,
    pivot_root,
    landlock,
    seccomp,
    signals,
    execve,
};

constexpr std::string_view step_name(launcher_step step)
{
    switch (step) {
    case launcher_step::arguments: return "launcher: bad arguments";
    case launcher_step::no_new_privs: return "launcher: prctl(PR_SET_NO_NEW_PRIVS)";
    case launcher_step::unshare: return "launcher: unshare";
    case launcher_step::id_maps: return "launcher: writing the uid/gid maps";
    case launcher_step::fork: return "launcher: fork";
    case launcher_step::hostname: return "launcher: sethostname";
    case launcher_step::mount_view: return "launcher: building the read-only view";
    case launcher_step::proc: return "launcher: mounting /proc";
    case launcher_step::devices: return "launcher: binding /dev nodes";
    case launcher_step::work_folder: return "launcher: making the work folder in the view";
    case launcher_step::pivot_root: return "launcher: pivot_root";
    case launcher_step::landlock: return "launcher: landlock";
    case launcher_step::seccomp: return "launcher: seccomp";
    case launcher_step::signals: return "launcher: signal setup";
    case launcher_step::execve: return "launcher: execve";
    }
    return "launcher: unknown step";
}

}  // namespace pyfun::core
