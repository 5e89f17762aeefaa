#pragma once
// Judges one answer: fills the blanks, runs the program in the sandbox, and applies the lesson's validator
// (exact line lists, or the lesson's own validate() run as a second sandboxed program).

#include "lesson.hpp"
#include "runner.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace pyfun::core {

enum class verdict {
    accepted,
    wrong_answer,
    runtime_error,
    time_limit,
    wall_limit,
    memory_limit,
    output_limit,
    sandbox_error,  // our fault (or the lesson's validator's), never the learner's
};

std::string_view verdict_name(verdict v);  // "accepted", "wrong_answer", ...

struct verification {
    verdict outcome = verdict::sandbox_error;
    std::vector<std::string> stdout_lines;  // UTF-8 (invalid bytes replaced), each line keeps its "\n"
    std::vector<std::string> stderr_lines;
    std::chrono::milliseconds time{0};  // wall time of the learner's program
    std::string detail;                 // for logs and lint, never for learners

    bool accepted() const { return outcome == verdict::accepted; }
};

class verifier {
public:
    // `defaults` are the limits of lessons that set none; a lesson's `limits` override them one by one.
    verifier(runner& sandbox, run_limits defaults);

    // `values` are field_1..field_n in order; precondition: values.size() == lesson->blank_count.
    boost::asio::awaitable<verification> verify(std::shared_ptr<lesson const> lesson,
                                                std::vector<std::string> values);

    run_limits limits_for(lesson const& l) const;

private:
    boost::asio::awaitable<verification> run_validator(lesson const& l, verification learner, bool clean_exit);

    runner& sandbox_;
    run_limits defaults_;
};

}  // namespace pyfun::core
