#include "bench/wrk_run.hpp"

#include "bench/spawned_process.hpp"

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <vector>

#include <unistd.h>

namespace pyfun::bench {
namespace {

// "123.45us", "1.20ms", "2.00s" -> milliseconds.
double to_millis(std::string const& text)
{
    auto const value = std::strtod(text.c_str(), nullptr);
    if (text.ends_with("us"))
        return value / 1000.0;
    if (text.ends_with("ms"))
        return value;
    if (text.ends_with("m"))
        return value * 60000.0;
    return value * 1000.0; // "s"
}

// The whitespace-separated words of a line.
std::vector<std::string> words(std::string const& line)
{
    std::istringstream in{ line };
    std::vector<std::string> out;
    for (std::string word; in >> word;)
        out.push_back(word);
    return out;
}

} // namespace

std::optional<std::string> find_wrk()
{
    char const* path = std::getenv("PATH");
    std::istringstream folders{ path != nullptr ? path : "" };
    for (std::string folder; std::getline(folders, folder, ':');) {
        auto const candidate = std::filesystem::path{ folder } / "wrk";
        if (!folder.empty() && ::access(candidate.c_str(), X_OK) == 0)
            return candidate.string();
    }
    return std::nullopt;
}

std::optional<wrk_result> run_wrk(std::string const& wrk,
                                  std::string const& url,
                                  std::size_t connections,
                                  std::chrono::seconds duration)
{
    spawned_process child{ wrk,
                           { "-t1",
                             "-c" + std::to_string(connections),
                             "-d" + std::to_string(duration.count()) + "s",
                             "--latency",
                             url },
                           {},
                           child_output::read_lines };
    auto const last =
      child.wait_for_line([](std::string const& line) { return line.starts_with("Transfer/sec"); },
                          duration + std::chrono::seconds{ 30 });
    child.wait();
    if (!last)
        return std::nullopt;
    wrk_result out;
    bool rate_seen = false;
    for (auto const& line : child.lines_read()) {
        auto const w = words(line);
        if (w.size() >= 2 && w[0] == "Requests/sec:") {
            out.requests_per_second = std::strtod(w[1].c_str(), nullptr);
            rate_seen = true;
        }
        else if (w.size() == 2 && w[0] == "50%")
            out.p50_ms = to_millis(w[1]);
        else if (w.size() == 2 && w[0] == "99%")
            out.p99_ms = to_millis(w[1]);
        else if (w.size() >= 5 && w[0] == "Non-2xx")
            out.errors += std::strtoul(w.back().c_str(), nullptr, 10);
        else if (w.size() >= 2 && w[0] == "Socket" && w[1] == "errors:")
            for (std::size_t i = 3; i < w.size(); i += 2)
                out.errors += std::strtoul(w[i].c_str(), nullptr, 10);
    }
    if (!rate_seen)
        return std::nullopt;
    return out;
}

} // namespace pyfun::bench
