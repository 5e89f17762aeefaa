#pragma once
// The hostile programs of the sandbox suite and what each must lead to, given the layers this machine has.
// Programs print "done" when they find themselves contained, so "accepted" is usually the strong outcome.
// Placeholders (@NAME@) are filled in per case before the run: see hostile_test.cpp.

#include "sandbox/sandbox_support.hpp"

#include <functional>
#include <string>
#include <vector>

namespace pyfun::test {

struct hostile_outcome {
    std::string verdict;         // "accepted", "time_limit", ...
    std::string output_has{};    // a text the joined stdout must contain, if not empty
    std::string output_lacks{};  // a text it must not contain, if not empty
};

struct hostile_case {
    std::string name;
    std::string program;
    std::function<hostile_outcome(sandbox_facts const&)> expect;
    std::string lesson = "program";  // "cpu_bound" for programs that must reach the CPU limit
    // Where the attack would harm the machine or reach beyond it without the layers that stop it, the case
    // runs only with them; null: always.
    std::function<bool(sandbox_facts const&)> runnable = nullptr;
    // Runs alone, after the others: without seccomp it exhausts RLIMIT_NPROC, which all runs share (they run
    // under one uid), and would make the fork of any run beside it fail.
    bool exclusive = false;
};

std::vector<hostile_case> hostile_cases();

}  // namespace pyfun::test
