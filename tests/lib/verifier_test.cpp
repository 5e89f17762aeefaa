#include "lib/lesson.hpp"
#include "lib/runner.hpp"
#include "lib/verifier.hpp"

#include "support/run_sync.hpp"

#include <catch2/catch.hpp>

#include <chrono>

using namespace std::chrono_literals;
using pyfun::core::verdict;
using pyfun::test::run_sync;

namespace {

std::shared_ptr<pyfun::core::lesson const> lesson_from(std::string const& text)
{
    auto parsed = pyfun::core::parse_lesson(text, "test/s1_test.json", "test", {1, "test"});
    if (!parsed)
        FAIL(parsed.error().to_string());
    return std::make_shared<pyfun::core::lesson const>(std::move(*parsed));
}

struct judge_fixture {
    judge_fixture()
    {
        pyfun::core::prepare_supervisor_process();
        auto const python = pyfun::core::find_interpreter();
        REQUIRE(python.has_value());
        sandbox = std::make_unique<pyfun::core::runner>(pyfun::core::runner_options{*python, {}});
        pyfun::core::run_limits limits;
        limits.cpu = 1s;
        limits.wall = 2s;
        judge = std::make_unique<pyfun::core::verifier>(*sandbox, limits);
    }

    pyfun::core::verification verify(std::string const& lesson_text, std::vector<std::string> values)
    {
        return run_sync(judge->verify(lesson_from(lesson_text), std::move(values)));
    }

    std::unique_ptr<pyfun::core::runner> sandbox;
    std::unique_ptr<pyfun::core::verifier> judge;
};

constexpr auto hello_lesson = R"J({"title": "Hello", "code": ["_____(\"Hello Python\")"],
    "expect": {"type": "std-validator", "stdout": ["Hello Python\n"], "stderr": []}})J";

constexpr auto stderr_lesson = R"J({"title": "Warn", "code": ["import sys", "print('out')", "print(_____, file=sys.stderr)"],
    "expect": {"stdout": ["out\n"], "stderr": ["careful\n"]}})J";

constexpr auto even_lesson = R"J({"title": "Even", "code": ["print(_____)"],
    "expect": {"type": "runtime-validator", "source": [
        "def validate(stdout_lines, stderr_lines):",
        "    return len(stdout_lines) == 1 and int(stdout_lines[0]) % 2 == 0"]}})J";

}  // namespace

TEST_CASE_METHOD(judge_fixture, "std-validator accepts the right answer and rejects a wrong one", "[lib][verifier]")
{
    auto const right = verify(hello_lesson, {"print"});
    CHECK(right.outcome == verdict::accepted);
    CHECK(right.stdout_lines == std::vector<std::string>{"Hello Python\n"});
    CHECK(right.stderr_lines.empty());

    auto const wrong = verify(hello_lesson, {"len"});
    CHECK(wrong.outcome == verdict::wrong_answer);
    CHECK(wrong.stdout_lines.empty());

    auto const crash = verify(hello_lesson, {"undefined_name"});
    CHECK(crash.outcome == verdict::runtime_error);
    REQUIRE_FALSE(crash.stderr_lines.empty());
    CHECK_THAT(crash.stderr_lines.back(), Catch::Contains("NameError"));
}

TEST_CASE_METHOD(judge_fixture, "std-validator compares stderr lines too", "[lib][verifier]")
{
    CHECK(verify(stderr_lesson, {"'careful'"}).outcome == verdict::accepted);
    CHECK(verify(stderr_lesson, {"'careless'"}).outcome == verdict::wrong_answer);
}

TEST_CASE_METHOD(judge_fixture, "values with braces and quotes are run verbatim", "[lib][verifier]")
{
    auto const lesson = R"J({"title": "Braces", "code": ["print(_____)"], "expect": {"stdout": ["{} {0} \"q\"\n"]}})J";
    CHECK(verify(lesson, {"'{} {0} \"q\"'"}).outcome == verdict::accepted);
}

TEST_CASE_METHOD(judge_fixture, "runtime-validator judges the learner's output as data", "[lib][verifier]")
{
    CHECK(verify(even_lesson, {"42"}).outcome == verdict::accepted);
    CHECK(verify(even_lesson, {"41"}).outcome == verdict::wrong_answer);

    SECTION("output that looks like code is never run")
    {
        auto const sneaky = verify(even_lesson, {"'__import__(\"os\")._exit(0)'"});
        CHECK(sneaky.outcome == verdict::wrong_answer);  // validate() raised on int(): the learner's output is bad
    }
    SECTION("a crashing learner program whose output fails is a runtime error")
    {
        CHECK(verify(even_lesson, {"1/0"}).outcome == verdict::runtime_error);
    }
}

TEST_CASE_METHOD(judge_fixture, "a broken validator is a sandbox error, never a hang", "[lib][verifier][timeout]")
{
    auto const looping = R"J({"title": "Loop", "code": ["print(_____)"],
        "expect": {"type": "runtime-validator", "source": ["def validate(o, e):", "    while True: pass"]}})J";
    auto const no_syntax = R"J({"title": "Syntax", "code": ["print(_____)"],
        "expect": {"type": "runtime-validator", "source": ["def validate(o, e) return True"]}})J";
    auto const t0 = std::chrono::steady_clock::now();

    auto const loop = verify(looping, {"1"});
    auto const syntax = verify(no_syntax, {"1"});

    CHECK(loop.outcome == verdict::sandbox_error);
    CHECK_FALSE(loop.detail.empty());
    CHECK(syntax.outcome == verdict::sandbox_error);
    CHECK_THAT(syntax.detail, Catch::Contains("SyntaxError"));
    CHECK(std::chrono::steady_clock::now() - t0 < 15s);
}

TEST_CASE_METHOD(judge_fixture, "limits map to verdicts and lessons override the defaults", "[lib][verifier][timeout]")
{
    auto const sleepy = R"J({"title": "Sleep", "code": ["import time", "time.sleep(_____)"], "expect": {"stdout": []},
        "limits": {"wall_ms": 300}})J";
    auto const t0 = std::chrono::steady_clock::now();
    auto const slept = verify(sleepy, {"60"});
    CHECK(slept.outcome == verdict::wall_limit);
    CHECK(std::chrono::steady_clock::now() - t0 < 1500ms);  // the lesson's 300 ms, not the default 2 s

    auto const spin = R"J({"title": "Spin", "code": ["while _____: pass"], "expect": {"stdout": []}})J";
    CHECK(verify(spin, {"True"}).outcome == verdict::time_limit);

    auto const hog = R"J({"title": "Hog", "code": ["x = bytearray(_____)"], "expect": {"stdout": []}})J";
    CHECK(verify(hog, {"10 * 1024**3"}).outcome == verdict::memory_limit);

    auto const flood = R"J({"title": "Flood", "code": ["while True: print(_____)"], "expect": {"stdout": []},
        "limits": {"output_kb": 4}})J";
    auto const flooded = verify(flood, {"'x' * 100"});
    CHECK(flooded.outcome == verdict::output_limit);
    std::size_t shown = 0;
    for (auto const& line : flooded.stdout_lines)
        shown += line.size();
    CHECK(shown <= 4096);
}

TEST_CASE_METHOD(judge_fixture, "a lesson's limits replace the defaults one by one", "[lib][verifier]")
{
    auto const lesson = lesson_from(R"J({"title": "L", "code": ["x"], "expect": {"stdout": []},
        "limits": {"memory_mb": 64, "output_kb": 8}})J");
    auto const limits = judge->limits_for(*lesson);
    CHECK(limits.memory_bytes == 64u << 20);
    CHECK(limits.output_bytes == 8u << 10);
    CHECK(limits.cpu == 1s);
    CHECK(limits.wall == 2s);
}

TEST_CASE("a runtime validator reads learner output beyond the default file-size limit", "[lib][verifier]")
{
    // The validator's stdout.txt is written under the run's file-size limit; the learner's output may be as
    // long as the lesson's output cap, which can exceed the default limit.
    pyfun::core::prepare_supervisor_process();
    auto const python = pyfun::core::find_interpreter();
    REQUIRE(python.has_value());
    pyfun::core::runner sandbox{pyfun::core::runner_options{*python, {}}};
    pyfun::core::run_limits small_files;
    small_files.file_bytes = 16 * 1024;
    pyfun::core::verifier judge{sandbox, small_files};
    auto const lesson = lesson_from(R"J({"title": "Long", "code": ["print('x' * _____)"],
        "limits": {"output_kb": 64},
        "expect": {"type": "runtime-validator", "source": [
            "def validate(stdout_lines, stderr_lines):",
            "    return stdout_lines == ['x' * 40000 + '\\n']"]}})J");

    auto const long_output = run_sync(judge.verify(lesson, {"40000"}));
    INFO(long_output.detail);
    CHECK(long_output.outcome == verdict::accepted);
    CHECK(run_sync(judge.verify(lesson, {"39999"})).outcome == verdict::wrong_answer);
}

TEST_CASE("verdicts have their API names", "[lib][verifier]")
{
    CHECK(pyfun::core::verdict_name(verdict::accepted) == "accepted");
    CHECK(pyfun::core::verdict_name(verdict::wrong_answer) == "wrong_answer");
    CHECK(pyfun::core::verdict_name(verdict::time_limit) == "time_limit");
    CHECK(pyfun::core::verdict_name(verdict::sandbox_error) == "sandbox_error");
}

TEST_CASE_METHOD(judge_fixture, "a runtime validator gets exactly the lines a std validator compares",
                 "[lib][verifier]")
{
    // Carriage returns, non-ASCII text, invalid UTF-8 (replaced), JSON look-alikes, an empty line and no
    // final newline, on stdout and stderr alike.
    constexpr auto exact_lesson = R"J({"title": "Exact", "code": [
        "import sys",
        "sys.stdout.buffer.write(b'a\\r\\n\\xc3\\xbc\\n{\"x\": 1}\\n\\n\\xff end')",
        "sys.stderr.write(_____)"],
        "expect": {"type": "runtime-validator", "source": [
            "def validate(out, err):",
            "    return out == ['a\\r\\n', '\\u00fc\\n', '{\"x\": 1}\\n', '\\n', '\\ufffd end'] and err == ['e\\n', 'f']"]}})J";
    auto const result = verify(exact_lesson, {"'e\\nf'"});
    INFO(result.detail);
    CHECK(result.outcome == pyfun::core::verdict::accepted);
    CHECK(result.stdout_lines == std::vector<std::string>{"a\r\n", "\xc3\xbc\n", "{\"x\": 1}\n", "\n",
                                                          "\xef\xbf\xbd end"});
    // Empty output is no lines at all.
    auto const silent = verify(R"J({"title": "Silent", "code": ["_____"],
        "expect": {"type": "runtime-validator", "source": [
            "def validate(out, err):", "    return out == [] and err == []"]}})J",
                               {"pass"});
    CHECK(silent.outcome == pyfun::core::verdict::accepted);
}
