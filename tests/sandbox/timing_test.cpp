// A measurement, not a test: hidden, run by hand with `pyfun_tests "[.sandbox_timing]"`. It prints the median
// wall time of a bare `python3 -I -S -c pass` (fork, exec, wait), and of one verify through the API with the
// portable layers and with every layer the probe found, interleaved so that machine noise hits all alike.

#include "sandbox/sandbox_support.hpp"

#include "lib/api.hpp"
#include "lib/folder_source.hpp"
#include "lib/verifier.hpp"
#include "support/run_sync.hpp"

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iostream>

namespace {

namespace core = pyfun::core;
using clock_type = std::chrono::steady_clock;

double median_ms(std::vector<clock_type::duration> samples)
{
    std::sort(samples.begin(), samples.end());
    return std::chrono::duration<double, std::milli>(samples[samples.size() / 2]).count();
}

clock_type::duration bare_python(std::string const& interpreter)
{
    auto const t0 = clock_type::now();
    pid_t const pid = ::fork();
    if (pid == 0) {
        ::execl(interpreter.c_str(), interpreter.c_str(), "-I", "-S", "-c", "pass", nullptr);
        ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    REQUIRE((WIFEXITED(status) && WEXITSTATUS(status) == 0));
    return clock_type::now() - t0;
}

clock_type::duration one_verify(core::api& handler)
{
    auto const t0 = clock_type::now();
    core::request req{"POST", "/stage/hostile/program", {}, R"J({"answer": {"field_1": "print('done')"}})J"};
    auto const res = pyfun::test::run_sync(handler.handle(std::move(req)));
    auto const elapsed = clock_type::now() - t0;
    REQUIRE(res.status == 200);
    REQUIRE(res.body.find("\"accepted\"") != std::string::npos);
    return elapsed;
}

}  // namespace

TEST_CASE("median verify time with every layer found versus the portable layers", "[.sandbox_timing]")
{
    constexpr int rounds = 60;
    auto const& facts = pyfun::test::facts();
    auto opened = core::folder_source::open(std::filesystem::path{PYFUN_FIXTURES} / "sandbox_lessons");
    REQUIRE(opened.has_value());
    core::runner portable{core::runner_options{facts.interpreter, {}}};
    core::runner layered{pyfun::test::sandboxed_options({})};
    core::verifier portable_judge{portable, core::run_limits{}};
    core::verifier layered_judge{layered, core::run_limits{}};
    core::api portable_api{**opened, portable_judge, {}};
    core::api layered_api{**opened, layered_judge, {}};

    std::vector<clock_type::duration> bare, portable_times, layered_times;
    for (int i = 0; i < rounds; ++i) {
        bare.push_back(bare_python(facts.interpreter.string()));
        portable_times.push_back(one_verify(portable_api));
        layered_times.push_back(one_verify(layered_api));
    }
    std::cout << "python3 -I -S -c pass: " << median_ms(bare) << " ms median of " << rounds << '\n'
              << "verify, portable layers: " << median_ms(portable_times) << " ms\n"
              << "verify, " << facts.plan.layers.to_string() << ": " << median_ms(layered_times) << " ms\n";
}
