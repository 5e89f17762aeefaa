// cgroup v2 per-run groups: each run joins a group of its own, the group's kill reaches every process in it,
// the limits land where the controllers are enabled, and the probe turns the layer on for a usable parent.
// They need a cgroup v2 hierarchy where we may create groups (root, or a delegated group); elsewhere they say
// why and check nothing but the refusals.

#include "sandbox/sandbox_support.hpp"

#include "lib/sandbox_cgroup.hpp"
#include "support/read_file.hpp"
#include "support/scoped_environment.hpp"
#include "support/run_sync.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <cstdlib>
#include <optional>

namespace {

namespace core = pyfun::core;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A fresh group below ours for one test, prepared as a parent of run groups, and removed afterwards (its run
// groups must be gone by then).
class test_cgroup {
public:
    static std::optional<test_cgroup> create()
    {
        auto const own = core::own_cgroup_folder();
        if (!own) {
            WARN("no cgroup v2 hierarchy is mounted here: nothing to check");
            return std::nullopt;
        }
        auto folder = *own / ("pyfun-test-" + std::to_string(::getpid()) + "-" + std::to_string(++created_));
        if (::mkdir(folder.c_str(), 0755) != 0) {
            WARN("cannot create a cgroup in " << own->string() << " (" << std::strerror(errno)
                                              << "): nothing to check");
            return std::nullopt;
        }
        test_cgroup group{folder};
        auto prepared = core::prepare_cgroup_parent(folder);
        if (!prepared)
            FAIL(prepared.error());
        group.controllers_ = std::move(*prepared);
        return group;
    }

    test_cgroup(test_cgroup&& other) noexcept
        : folder_{std::exchange(other.folder_, {})}, controllers_{std::move(other.controllers_)}
    {
    }
    test_cgroup& operator=(test_cgroup&&) = delete;
    ~test_cgroup()
    {
        if (!folder_.empty())
            CHECK(::rmdir(folder_.c_str()) == 0);  // fails if a run group was left behind
    }

    fs::path const& folder() const { return folder_; }
    std::vector<std::string> const& controllers() const { return controllers_; }
    bool enabled(std::string const& controller) const
    {
        return std::find(controllers_.begin(), controllers_.end(), controller) != controllers_.end();
    }

    // Whether a program's "0::/..." line of /proc/self/cgroup names a run group below this one.
    bool holds_run_of(std::string const& cgroup_line) const
    {
        return cgroup_line.find("/" + folder_.filename().string() + "/run-") != std::string::npos;
    }

    std::vector<std::string> children() const
    {
        std::vector<std::string> names;
        for (auto const& entry : fs::directory_iterator{folder_})
            if (entry.is_directory())
                names.push_back(entry.path().filename().string());
        return names;
    }

private:
    explicit test_cgroup(fs::path folder) : folder_{std::move(folder)} {}

    static inline int created_ = 0;
    fs::path folder_;
    std::vector<std::string> controllers_;
};

core::run_result run_in(test_cgroup const& parent, std::string program)
{
    pyfun::test::scratch_folder const root{"pyfun-cgroup-test"};
    auto options = pyfun::test::sandboxed_options(root.path());
    options.cgroup_parent = parent.folder();
    options.cgroup_controllers = parent.controllers();
    core::runner sandbox{options};
    core::run_limits limits;
    limits.wall = 5s;
    return pyfun::test::run_sync(sandbox.run(std::move(program), {}, limits));
}

constexpr char const* print_own_cgroup = R"PY(
with open('/proc/self/cgroup') as f:
    print([line for line in f if line.startswith('0::')][0].strip())
)PY";

}  // namespace

TEST_CASE("a run joins a cgroup of its own below the parent, which is gone when the run is over",
          "[sandbox][cgroup]")
{
    auto const parent = test_cgroup::create();
    if (!parent)
        return;
    auto const result = run_in(*parent, print_own_cgroup);
    INFO(result.stdout_bytes << result.stderr_bytes << result.error);
    REQUIRE(result.status == core::run_status::exited);
    CHECK(result.exit_code == 0);
    CHECK(parent->holds_run_of(result.stdout_bytes));
    CHECK(parent->children().empty());
}

TEST_CASE("a run's cgroup kill reaches processes that left its process group, and the group is removed",
          "[sandbox][cgroup]")
{
    auto const parent = test_cgroup::create();
    if (!parent)
        return;
    // Not through the runner: a plain child that joins the group and starts a session of its own, so only
    // the cgroup can name it.
    core::run_limits limits;
    auto group = core::detail::run_cgroup::create(parent->folder(), limits);
    REQUIRE(group.has_value());
    std::array<int, 2> joined{};
    REQUIRE(::pipe(joined.data()) == 0);
    pid_t const child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::close(joined[0]);
        if (::write(group->procs_fd(), "0", 1) != 1 || ::setsid() < 0)
            ::_exit(1);
        [[maybe_unused]] auto const told = ::write(joined[1], "j", 1);
        ::execl("/bin/sleep", "sleep", "60", static_cast<char*>(nullptr));
        ::_exit(1);
    }
    ::close(joined[1]);
    char mark = 0;
    REQUIRE(::read(joined[0], &mark, 1) == 1);  // the child is in the group now
    ::close(joined[0]);
    auto const members = pyfun::test::read_file_or_empty((group->folder() / "cgroup.procs").string());
    CHECK(members == std::to_string(child) + "\n");

    group->kill_all();
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGKILL);
    CHECK(group->remove());
    CHECK(parent->children().empty());
}

TEST_CASE("a run's cgroup gets memory.max and pids.max where those controllers are enabled",
          "[sandbox][cgroup]")
{
    auto const parent = test_cgroup::create();
    if (!parent)
        return;
    core::run_limits limits;
    limits.memory_bytes = 100u << 20;
    limits.scratch_bytes = 8u << 20;
    limits.tasks = 17;
    auto group = core::detail::run_cgroup::create(parent->folder(), limits);
    REQUIRE(group.has_value());
    auto const memory_max = pyfun::test::read_file_or_empty((group->folder() / "memory.max").string());
    auto const pids_max = pyfun::test::read_file_or_empty((group->folder() / "pids.max").string());
    if (parent->enabled("memory"))
        CHECK(memory_max == std::to_string((100u << 20) + (8u << 20)) + "\n");
    else
        CHECK_FALSE(fs::exists(group->folder() / "memory.max"));
    if (parent->enabled("pids"))
        CHECK(pids_max == "17\n");
    else
        CHECK_FALSE(fs::exists(group->folder() / "pids.max"));
    CHECK_FALSE(group->memory_exhausted());
    if (parent->controllers().empty())
        WARN("this cgroup v2 hierarchy offers neither memory nor pids: runs get kill and containment only");
}

TEST_CASE("the probe turns the cgroup layer on for a usable PYFUN_CGROUP and runs land in it",
          "[sandbox][cgroup]")
{
    auto const& facts = pyfun::test::facts();  // probed before PYFUN_CGROUP changes below
    auto const parent = test_cgroup::create();
    if (!parent)
        return;
    pyfun::test::scratch_folder const root{"pyfun-cgroup-probe"};
    core::runner_options base{facts.interpreter, root.path()};
    base.launcher = facts.launcher;

    pyfun::test::scoped_environment const configured{"PYFUN_CGROUP", parent->folder().string()};
    auto const plan = core::plan_sandbox(core::sandbox_policy::automatic, base);
    REQUIRE(plan.has_value());
    auto const probe = std::find_if(plan->probes.begin(), plan->probes.end(),
                                    [](auto const& p) { return p.layer == "cgroup"; });
    REQUIRE(probe != plan->probes.end());
    INFO(probe->detail);
    REQUIRE(probe->works);
    CHECK(plan->cgroup_parent == parent->folder());
    CHECK(core::describe(*plan).find("cgroup on") != std::string::npos);

    core::runner sandbox{core::with_plan(base, *plan)};
    auto const layers = sandbox.sandbox_layers();
    CHECK(std::find(layers.begin(), layers.end(), "cgroup") != layers.end());
    auto const result = pyfun::test::run_sync(sandbox.run(print_own_cgroup, {}, core::run_limits{}));
    INFO(result.stdout_bytes << result.stderr_bytes << result.error);
    CHECK(parent->holds_run_of(result.stdout_bytes));
    CHECK(parent->children().empty());
}

TEST_CASE("cgroup settings that cannot work are refused with the reason", "[sandbox][cgroup]")
{
    pyfun::test::scratch_folder const plain{"pyfun-not-a-cgroup"};
    auto const refused = core::prepare_cgroup_parent(plain.path());
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().find("not a folder of the cgroup v2 file system") != std::string::npos);

    {
        pyfun::test::scoped_environment const off{"PYFUN_CGROUP", "off"};
        auto const choice = core::find_cgroup_parent();
        CHECK(choice.folder.empty());
        CHECK(choice.reason == "PYFUN_CGROUP=off");
    }
    {
        pyfun::test::scoped_environment const configured{"PYFUN_CGROUP", plain.path().string()};
        CHECK(core::find_cgroup_parent().folder == plain.path());
        // The probe tries it and reports why it is off, without failing the auto policy.
        auto const& facts = pyfun::test::facts();
        core::runner_options base{facts.interpreter, plain.path()};
        base.launcher = facts.launcher;
        auto const plan = core::plan_sandbox(core::sandbox_policy::automatic, base);
        REQUIRE(plan.has_value());
        CHECK(plan->cgroup_parent.empty());
        CHECK(core::describe(*plan).find("cgroup off (" + plain.path().string() + " is not a folder") !=
              std::string::npos);
    }
}
