#include "sandbox_probe.hpp"

#include "sandbox_cgroup.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <unistd.h>

#include <array>
#include <cstdlib>
#include <deque>
#include <future>
#include <string_view>
#include <system_error>
#include <utility>

namespace pyfun::core {
namespace {

namespace net = boost::asio;
namespace fs = std::filesystem;

constexpr char const* trial_program = "print('ok')\n";

constexpr std::array namespace_layers{sandbox_layer::mount_ns, sandbox_layer::pid_ns, sandbox_layer::net_ns,
                                      sandbox_layer::ipc_ns, sandbox_layer::uts_ns};

// What strict demands: every namespace and seccomp. Landlock stays optional (defence in depth).
constexpr sandbox_layer_set strict_minimum{sandbox_layer::user_ns, sandbox_layer::mount_ns,
                                           sandbox_layer::pid_ns,  sandbox_layer::net_ns,
                                           sandbox_layer::ipc_ns,  sandbox_layer::uts_ns,
                                           sandbox_layer::seccomp};

struct trial {
    std::string name;
    sandbox_layer_set layers;
};

// Empty when the run printed "ok" and exited 0, else what went wrong.
std::string failure_of(run_result const& result)
{
    if (!result.error.empty())
        return result.error;
    if (result.status == run_status::exited && result.exit_code == 0 && result.stdout_bytes == "ok\n")
        return {};
    // The last line of a traceback names the error ("ModuleNotFoundError: No module named 'encodings'").
    std::string_view errors{result.stderr_bytes};
    while (!errors.empty() && errors.back() == '\n')
        errors.remove_suffix(1);
    if (!errors.empty())
        return "the interpreter failed: " + std::string{errors.substr(errors.rfind('\n') + 1)};
    return "the interpreter ended with exit code " + std::to_string(result.exit_code) + ", signal " +
           std::to_string(result.signal);
}

// Runs every trial at once, each a throwaway run of the real interpreter through the launcher, on a private
// io_context, and returns each one's failure text (empty: it works).
std::vector<std::string> run_trials(runner_options const& base, std::vector<trial> const& trials)
{
    std::deque<runner> runners;  // run() refers to its runner until it completes: no reallocation
    for (auto const& t : trials) {
        auto options = base;
        options.layers = t.layers;
        runners.emplace_back(std::move(options));
    }
    net::io_context ioc;
    std::vector<std::future<run_result>> pending;
    for (auto& r : runners)
        pending.push_back(net::co_spawn(ioc, r.run(trial_program, {}, run_limits{}), net::use_future));
    ioc.run();
    std::vector<std::string> failures;
    for (auto& p : pending)
        failures.push_back(failure_of(p.get()));
    return failures;
}

std::vector<trial> single_layer_trials()
{
    std::vector<trial> trials{{"user_ns", {sandbox_layer::user_ns}}};
    for (auto const layer : namespace_layers)
        trials.push_back({std::string{name_of(layer)}, {sandbox_layer::user_ns, layer}});
    trials.push_back({"seccomp", {sandbox_layer::seccomp}});
    trials.push_back({"landlock", {sandbox_layer::landlock}});
    return trials;
}

std::string missing_for_strict(sandbox_plan const& plan)
{
    std::string missing;
    for (auto const& [layer, name] : sandbox_layer_names) {
        if (!strict_minimum.has(layer) || plan.layers.has(layer))
            continue;
        missing += missing.empty() ? "" : ", ";
        missing += name;
        for (auto const& probe : plan.probes)
            if (probe.layer == name && !probe.detail.empty())
                missing += " (" + probe.detail + ")";
    }
    return missing;
}

// The cgroup layer: a parent group found and prepared, then a trial run in a group of its own with the
// layers already chosen. On success the plan takes the parent.
layer_probe try_cgroup(runner_options options, sandbox_plan& plan)
{
    layer_probe probe{"cgroup", false, {}};
    auto const choice = find_cgroup_parent();
    if (choice.folder.empty()) {
        probe.detail = choice.reason;
        return probe;
    }
    auto const prepared = prepare_cgroup_parent(choice.folder);
    if (!prepared) {
        probe.detail = prepared.error();
        return probe;
    }
    options.cgroup_parent = choice.folder;
    options.cgroup_controllers = *prepared;
    probe.detail = run_trials(options, {{"cgroup", options.layers}}).front();
    probe.works = probe.detail.empty();
    if (probe.works) {
        plan.cgroup_parent = options.cgroup_parent;
        plan.cgroup_controllers = options.cgroup_controllers;
    }
    return probe;
}

bool is_executable_file(fs::path const& path)
{
    std::error_code ec;
    return path.is_absolute() && fs::is_regular_file(path, ec) && ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

std::optional<sandbox_policy> parse_sandbox_policy(std::string_view text)
{
    if (text == "auto")
        return sandbox_policy::automatic;
    if (text == "strict")
        return sandbox_policy::strict;
    if (text == "portable")
        return sandbox_policy::portable;
    return std::nullopt;
}

std::string_view policy_name(sandbox_policy policy)
{
    switch (policy) {
    case sandbox_policy::portable: return "portable";
    case sandbox_policy::automatic: return "auto";
    case sandbox_policy::strict: return "strict";
    }
    return "portable";
}

std::optional<fs::path> find_launcher(fs::path const& configured)
{
    fs::path candidate = configured;
    if (char const* from_env = std::getenv("PYFUN_LAUNCHER"); candidate.empty() && from_env && *from_env)
        candidate = from_env;
    if (candidate.empty()) {
        std::error_code ec;
        auto const self = fs::read_symlink("/proc/self/exe", ec);
        if (ec)
            return std::nullopt;
        candidate = self.parent_path() / "pyfun-launcher";
    }
    if (!is_executable_file(candidate))
        return std::nullopt;
    return candidate;
}

boost::system::result<sandbox_plan, std::string> plan_sandbox(sandbox_policy policy,
                                                              runner_options const& base)
{
    sandbox_plan plan;
    plan.policy = policy;
    if (policy == sandbox_policy::portable)
        return plan;

    auto const launcher = find_launcher(base.launcher);
    if (!launcher) {
        auto const where = base.launcher.empty() ? std::string{"$PYFUN_LAUNCHER, or beside the executable"}
                                                 : base.launcher.string();
        if (policy == sandbox_policy::strict)
            return boost::system::result<sandbox_plan, std::string>{
                boost::system::in_place_error, "sandbox strict: pyfun-launcher not found (" + where + ")"};
        plan.warnings.push_back("pyfun-launcher not found (" + where +
                                "): learner code runs with the portable layers only");
        return plan;
    }

    auto options = base;
    options.launcher = *launcher;
    auto const trials = single_layer_trials();
    auto const failures = run_trials(options, trials);
    sandbox_layer_set found;
    for (std::size_t i = 0; i < trials.size(); ++i) {
        bool const works = failures[i].empty();
        plan.probes.push_back({trials[i].name, works, failures[i]});
        if (works)
            for (auto const& [layer, name] : sandbox_layer_names)
                if (trials[i].layers.has(layer))
                    found.add(layer);
    }

    // Layers that work one by one may still clash together (a view without something the interpreter needs).
    if (!found.empty()) {
        auto const together = run_trials(options, {{"all", found}});
        if (!together.front().empty()) {
            auto const problem = "the layers " + found.to_string() + " work one by one but not together (" +
                                 together.front() + ")";
            if (policy == sandbox_policy::strict)
                return boost::system::result<sandbox_plan, std::string>{boost::system::in_place_error,
                                                                         "sandbox strict: " + problem};
            plan.warnings.push_back(problem + ": learner code runs with the portable layers only");
            found = {};
        }
    }
    plan.layers = found;
    plan.launcher = found.empty() ? fs::path{} : *launcher;
    plan.probes.push_back(try_cgroup(with_plan(options, plan), plan));

    if (policy == sandbox_policy::strict) {
        if (auto const missing = missing_for_strict(plan); !missing.empty())
            return boost::system::result<sandbox_plan, std::string>{
                boost::system::in_place_error, "sandbox strict: these layers do not work here: " + missing};
    }
    return plan;
}

runner_options with_plan(runner_options base, sandbox_plan const& plan)
{
    base.launcher = plan.launcher;
    base.layers = plan.layers;
    base.cgroup_parent = plan.cgroup_parent;
    base.cgroup_controllers = plan.cgroup_controllers;
    return base;
}

std::string describe(sandbox_plan const& plan)
{
    std::string text = "sandbox " + std::string{policy_name(plan.policy)} + ":";
    if (plan.layers.empty())
        text += " portable layers only";
    else
        text += " on " + plan.layers.to_string();
    if (!plan.cgroup_parent.empty()) {
        text += "; cgroup on (per-run groups in " + plan.cgroup_parent.string() + ", controllers:";
        for (auto const& controller : plan.cgroup_controllers)
            text += " " + controller;
        text += plan.cgroup_controllers.empty() ? " none: kill only)" : ")";
    }
    for (auto const& probe : plan.probes)
        if (!probe.works)
            text += "; " + probe.layer + " off (" + probe.detail + ")";
    return text;
}

}  // namespace pyfun::core
