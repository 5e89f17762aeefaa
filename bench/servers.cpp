#include "bench/servers.hpp"

#include "support/child_process.hpp"
#include "support/read_file.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <stdexcept>

namespace json = boost::json;

namespace pyfun::bench {
namespace {

running_server start(std::string const& program, std::vector<std::string> const& arguments)
{
    running_server out;
    out.process = std::make_unique<spawned_process>(
      program, arguments, std::vector<std::string>{}, child_output::read_lines);
    auto const banner = out.process->wait_for_line(
      [](std::string const& line) { return test::port_from_banner(line).has_value(); },
      std::chrono::seconds{ 30 });
    if (!banner) {
        std::string output;
        for (auto const& line : out.process->lines_read())
            output += "\n  " + line;
        throw std::runtime_error(program + " printed no banner:" + output);
    }
    out.port = *test::port_from_banner(*banner);
    return out;
}

} // namespace

running_server start_pyfun_server(bench_config const& config, bool tls, std::vector<std::string> const& extra)
{
    std::vector<std::string> arguments{ "--listen", "127.0.0.1:0", "--lessons", config.lessons() };
    if (!tls)
        arguments.emplace_back("--plain-http");
    arguments.insert(arguments.end(), extra.begin(), extra.end());
    return start(config.binary("pyfun-server"), arguments);
}

running_server start_hello_server(bench_config const& config)
{
    return start(config.binary("pyfun-bench-hello"), {});
}

std::string solution_body(bench_config const& config, std::string const& lesson_file)
{
    auto const text = test::read_file_or_empty(config.lessons_dir + "/" + lesson_file);
    boost::system::error_code ec;
    auto const lesson = json::parse(text, ec);
    auto const* solution = ec || !lesson.is_object() ? nullptr : lesson.as_object().if_contains("solution");
    if (solution == nullptr)
        throw std::runtime_error("no solution in " + config.lessons_dir + "/" + lesson_file);
    return json::serialize(json::object{ { "answer", *solution } });
}

} // namespace pyfun::bench
