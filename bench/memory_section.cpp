// Memory: idle RSS of pyfun-server (against the hello server) and of bootstrap (against the floor client),
// after start and after a first request; then pyfun-server's RSS under --memory-connections (256) of mixed
// load (one connection in eight posting verifies, the rest GETting a lesson), sampled while it runs.

#include "bench/lambda_runs.hpp"
#include "bench/load_rows.hpp"
#include "bench/sections.hpp"
#include "bench/servers.hpp"

#include <algorithm>
#include <stdexcept>

namespace pyfun::bench {
namespace {

struct idle_memory {
    double after_start = 0;
    double after_first = 0;
    double after_verify = 0; // servers only
};

void one_request(unsigned short port, load_request request)
{
    load_options options;
    options.port = port;
    options.requests = 1;
    options.mix = { std::move(request) };
    auto const result = run_load(options);
    if (result.errors > 0)
        throw std::runtime_error("a first request failed: " + result.first_error);
}

idle_memory runtime_idle(bench_config const& config, test::fake_runtime_api& api, std::string const& program)
{
    auto const seen = api.next_requests();
    spawned_process child{ program, { "router" }, lambda_environment(config, api), child_output::discard };
    idle_memory out;
    if (!api.wait_for_next_requests(seen + 1, std::chrono::seconds{ 30 }))
        throw std::runtime_error(program + " never asked for an invocation");
    out.after_start = megabytes(read_memory(child.pid()).rss);
    auto const id = api.enqueue(hello_python_event(config));
    if (!api.wait_for_result(id, std::chrono::seconds{ 30 }) ||
        !api.wait_for_next_requests(seen + 2, std::chrono::seconds{ 30 }))
        throw std::runtime_error(program + " did not answer its first invocation");
    out.after_first = megabytes(read_memory(child.pid()).rss);
    return out;
}

row idle_row(std::string figure, idle_memory const& m, bool server)
{
    row out;
    out.figure = std::move(figure);
    out.values = { { "after start", m.after_start }, { "after first GET", m.after_first } };
    if (server)
        out.values.emplace_back("after first verify", m.after_verify);
    out.unit = "MB";
    return out;
}

row idle_row_against(std::string figure,
                     idle_memory const& m,
                     bool server,
                     idle_memory const& baseline,
                     std::string baseline_name)
{
    auto out = idle_row(std::move(figure), m, server);
    if (baseline.after_first > 0)
        out.ratio = m.after_first / baseline.after_first;
    out.ratio_of = "after first GET / " + baseline_name;
    out.target = "<= 15 MB";
    return out;
}

// The runs pyfun-server keeps started ahead of need (--warm-runs): each is a launcher, the pid namespace's
// init and an interpreter waiting for its program. Their memory is the server's cost too, so it is shown;
// PSS counts the interpreter's shared pages once across them.
row waiting_runs_row(pid_t server)
{
    auto const processes = descendants_of(server);
    long rss = 0;
    long pss = 0;
    for (auto const pid : processes) {
        rss += read_memory(pid).rss;
        pss += read_pss_kb(pid);
    }
    row out;
    out.figure = "pyfun-server's waiting runs, idle";
    out.values = { { "processes", static_cast<double>(processes.size()) },
                   { "RSS sum", megabytes(rss) },
                   { "PSS sum", megabytes(pss) } };
    out.unit = "MB";
    return out;
}

} // namespace

void memory_section(bench_config const& config, report& out)
{
    auto& section = out.add_section("memory", "memory: resident set sizes (VmRSS) in MB");

    idle_memory hello_idle;
    {
        auto hello = start_hello_server(config);
        hello_idle.after_start = megabytes(read_memory(hello.process->pid()).rss);
        one_request(hello.port, { "GET", "/", {}, {} });
        hello_idle.after_first = megabytes(read_memory(hello.process->pid()).rss);
    }
    auto server = start_pyfun_server(config, false);
    auto const pid = server.process->pid();
    idle_memory server_idle;
    server_idle.after_start = megabytes(read_memory(pid).rss);
    one_request(server.port, lesson_get());
    server_idle.after_first = megabytes(read_memory(pid).rss);
    one_request(server.port, lesson_verify(config));
    server_idle.after_verify = megabytes(read_memory(pid).rss);

    test::fake_runtime_api api;
    auto const floor_idle = runtime_idle(config, api, config.binary("pyfun-bench-runtime-floor"));
    auto const bootstrap_idle = runtime_idle(config, api, config.binary("bootstrap"));

    section.rows.push_back(idle_row("hello server, idle", hello_idle, false));
    section.rows.push_back(idle_row_against("pyfun-server, idle", server_idle, true, hello_idle, "hello's"));
    section.rows.push_back(waiting_runs_row(pid));
    section.rows.push_back(idle_row("runtime floor client, idle", floor_idle, false));
    section.rows.push_back(idle_row_against("bootstrap, idle", bootstrap_idle, false, floor_idle, "floor's"));

    load_options options;
    options.port = server.port;
    options.connections = config.memory_connections;
    options.duration = config.memory_load;
    options.mix = { lesson_verify(config) };
    options.mix.insert(options.mix.end(), 7, lesson_get());
    options.sample_every = std::chrono::milliseconds{ 250 };
    long highest = 0;
    options.sample = [&] { highest = std::max(highest, read_memory(pid).rss); };
    auto const result = run_load(options);
    auto const after = read_memory(pid);

    auto const verifying = (config.memory_connections + 7) / 8;
    auto loaded = load_row("mixed load, " + std::to_string(config.memory_connections) + " connections (" +
                             std::to_string(verifying) + " verifying)",
                           result,
                           1);
    loaded.figure += ", GET latency";
    section.rows.push_back(loaded);
    row peak;
    peak.figure = "pyfun-server under that load";
    peak.values = { { "highest sampled RSS", megabytes(highest) },
                    { "after", megabytes(after.rss) },
                    { "peak (VmHWM)", megabytes(after.peak) } };
    peak.unit = "MB";
    if (server_idle.after_first > 0)
        peak.ratio = megabytes(after.peak) / server_idle.after_first;
    peak.ratio_of = "VmHWM / idle after first GET";
    peak.target = "<= 64 MB";
    section.rows.push_back(peak);
    if (!result.first_error.empty())
        section.notes.push_back(result.first_error);
}

} // namespace pyfun::bench
