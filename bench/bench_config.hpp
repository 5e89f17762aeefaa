#pragma once
// What one pyfun-bench run measures and how much: read from the command line (--help lists every flag).

#include <chrono>
#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace pyfun::bench {

// The sections in the order they run; "soak" only runs when asked for (--soak SECONDS).
inline constexpr char const* section_names[] = { "cold_lambda", "cold_server", "load", "verify",
                                                 "memory",      "github",      "soak" };

struct bench_config {
    std::set<std::string> sections;
    std::size_t spawns = 50;           // Lambda-mode cold starts of bootstrap and of the floor client
    std::size_t server_spawns = 20;    // server-mode cold starts, each of hello, plain and TLS
    std::size_t floor_runs = 50;       // `python3 -I -S -c pass` runs, and verify requests at concurrency 1
    std::size_t requests = 20000;      // GET requests per concurrency
    std::size_t verify_requests = 200; // verify POSTs per concurrency (at least one per connection)
    std::vector<std::size_t> concurrency{ 1, 16, 64, 256 };
    std::chrono::seconds wrk{ 0 };                  // 0: no wrk rows in the load section
    std::chrono::milliseconds memory_load{ 10000 }; // the mixed load of the memory section
    std::size_t memory_connections = 256;           // its connections, one in eight posting verifies
    std::size_t soak_connections = 64;
    std::chrono::seconds soak{ 0 };
    std::chrono::milliseconds sample_every{ 5000 }; // soak RSS sampling
    std::chrono::milliseconds github_latency{ 50 };
    std::size_t github_misses = 100;
    std::string json_file; // "-": stdout
    std::string bin_dir;   // bootstrap, pyfun-server and the baselines
    std::string lessons_dir;
    std::string events_dir;

    std::string binary(std::string const& name) const { return bin_dir + "/" + name; }
    std::string lessons() const { return "dir:" + lessons_dir; }
};

struct config_result {
    std::optional<bench_config> config; // nullopt: print `message` and exit with `exit_code`
    std::string message;
    int exit_code = 0;
};

config_result read_config(int argc, char const* const* argv);

} // namespace pyfun::bench
