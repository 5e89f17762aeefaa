#include "verifier.hpp"

#include "blanks.hpp"
#include "text.hpp"

#include <algorithm>

namespace pyfun::core {
namespace {

// The validator's harness: the lesson's source is loaded from validator.py and the learner's output is read
// as plain text from stdout.txt and stderr.txt, split into lines exactly as split_lines() does for the std
// validator, so nothing the learner printed ever becomes code. No json: importing it (re, enum, ...) costs
// about as much as starting the interpreter. The exit status carries the answer: 0 accepted, 3 rejected,
// 4 validate() raised, 5 the validator itself is broken.
constexpr std::string_view validator_harness = R"PY(import sys

def lines_of(name):
    with open(name, encoding="utf-8", newline="") as f:
        parts = f.read().split("\n")
    return [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])

def load_validate():
    namespace = {"__name__": "validator"}
    with open("validator.py", encoding="utf-8") as f:
        exec(compile(f.read(), "validator.py", "exec"), namespace)
    return namespace["validate"]

try:
    validate = load_validate()
except BaseException:
    import traceback
    traceback.print_exc()
    sys.exit(5)

stdout, stderr = lines_of("stdout.txt"), lines_of("stderr.txt")
try:
    accepted = bool(validate(stdout, stderr))
except BaseException:
    import traceback
    traceback.print_exc()
    sys.exit(4)
sys.exit(0 if accepted else 3)
)PY";

constexpr int validator_accepted = 0;
constexpr int validator_rejected = 3;
constexpr int validator_raised = 4;

std::optional<verdict> limit_verdict(run_status status)
{
    switch (status) {
    case run_status::exited: return std::nullopt;
    case run_status::cpu_limit: return verdict::time_limit;
    case run_status::wall_limit: return verdict::wall_limit;
    case run_status::memory_limit: return verdict::memory_limit;
    case run_status::output_limit: return verdict::output_limit;
    case run_status::sandbox_error: return verdict::sandbox_error;
    }
    return verdict::sandbox_error;
}

}  // namespace

std::string_view verdict_name(verdict v)
{
    switch (v) {
    case verdict::accepted: return "accepted";
    case verdict::wrong_answer: return "wrong_answer";
    case verdict::runtime_error: return "runtime_error";
    case verdict::time_limit: return "time_limit";
    case verdict::wall_limit: return "wall_limit";
    case verdict::memory_limit: return "memory_limit";
    case verdict::output_limit: return "output_limit";
    case verdict::sandbox_error: return "sandbox_error";
    }
    return "sandbox_error";
}

verifier::verifier(runner& sandbox, run_limits defaults) : sandbox_{sandbox}, defaults_{defaults} {}

run_limits verifier::limits_for(lesson const& l) const
{
    auto limits = defaults_;
    if (l.limits.cpu)
        limits.cpu = *l.limits.cpu;
    if (l.limits.wall)
        limits.wall = *l.limits.wall;
    if (l.limits.memory_mb)
        limits.memory_bytes = *l.limits.memory_mb << 20;
    if (l.limits.output_kb)
        limits.output_bytes = *l.limits.output_kb << 10;
    return limits;
}

boost::asio::awaitable<verification> verifier::verify(std::shared_ptr<lesson const> lesson,
                                                      std::vector<std::string> values)
{
    auto program = fill_blanks(lesson->code, values);
    auto run = co_await sandbox_.run(std::move(program), {}, limits_for(*lesson));

    verification result;
    result.time = run.wall_time;
    result.stdout_lines = split_lines(utf8_with_replacement(run.stdout_bytes));
    result.stderr_lines = split_lines(utf8_with_replacement(run.stderr_bytes));
    if (auto const limit = limit_verdict(run.status)) {
        result.outcome = *limit;
        result.detail = run.error;
        co_return result;
    }

    bool const clean_exit = run.exit_code == 0 && run.signal == 0;
    if (lesson->validator == validator_kind::runtime)
        co_return co_await run_validator(*lesson, std::move(result), clean_exit);

    bool const matches = result.stdout_lines == lesson->expected_stdout &&
                         result.stderr_lines == lesson->expected_stderr;
    result.outcome = matches ? verdict::accepted : clean_exit ? verdict::wrong_answer : verdict::runtime_error;
    co_return result;
}

boost::asio::awaitable<verification> verifier::run_validator(lesson const& l, verification learner,
                                                             bool clean_exit)
{
    auto const joined = [](std::vector<std::string> const& lines) {
        std::string text;
        for (auto const& line : lines)
            text += line;
        return text;
    };
    std::vector<input_file> files{{"validator.py", l.validator_source},
                                  {"stdout.txt", joined(learner.stdout_lines)},
                                  {"stderr.txt", joined(learner.stderr_lines)}};

    // The input files are written under the run's file-size limit. The learner's output is at most its cap,
    // which a lesson may set above the default limit: then that run gets a limit to match.
    auto limits = defaults_;
    for (auto const& file : files)
        limits.file_bytes = std::max(limits.file_bytes, file.content.size());
    auto const run = co_await sandbox_.run(std::string{validator_harness}, std::move(files), limits);
    bool const judged = run.status == run_status::exited && run.signal == 0;
    if (judged && run.exit_code == validator_accepted) {
        learner.outcome = verdict::accepted;
    }
    else if (judged && (run.exit_code == validator_rejected || run.exit_code == validator_raised)) {
        learner.outcome = clean_exit ? verdict::wrong_answer : verdict::runtime_error;
        if (run.exit_code == validator_raised)
            learner.detail = "validate() raised: " + utf8_with_replacement(run.stderr_bytes);
    }
    else {
        learner.outcome = verdict::sandbox_error;
        learner.detail = "the lesson's validator failed: " +
                         (run.error.empty() ? utf8_with_replacement(run.stderr_bytes) : run.error);
    }
    co_return learner;
}

}  // namespace pyfun::core
