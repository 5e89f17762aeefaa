// pyfun-server: the lesson API over HTTPS (or plain HTTP) on any Linux host.

#include "service/author_options.hpp"
#include "service/lesson_watcher.hpp"
#include "service/option_table.hpp"
#include "service/options.hpp"
#include "service/playground_files.hpp"
#include "service/server.hpp"
#include "service/tls_context.hpp"

#include "lib/api.hpp"
#include "lib/folder_source.hpp"
#include "lib/github/github_settings.hpp"
#include "lib/github/github_source.hpp"
#include "lib/github/health_details.hpp"
#include "lib/github/github_webhook.hpp"
#include "lib/github/open_source.hpp"
#include "lib/playground.hpp"
#include "lib/run_slots.hpp"
#include "lib/runner.hpp"
#include "lib/sandbox_probe.hpp"
#include "lib/verifier.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <chrono>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <map>
#include <optional>
#include <string>

namespace net = boost::asio;

namespace {

constexpr std::string_view summary =
    "Serves fill-in-the-blank Python lessons: the lesson API for the frontend, and learner programs judged in a\n"
    "sandbox. With no certificate it generates a self-signed one at start-up.\n"
    "\n"
    "GitHub lesson sources also read, from the environment only: PYFUN_GITHUB_TOKEN (or GITHUB_TOKEN), a\n"
    "token for the GitHub API (never logged), and PYFUN_GITHUB_WEBHOOK_SECRET, the secret of the push\n"
    "webhook served at POST /webhook/github (off when unset).\n"
    "\n"
    "Lesson authors: pyfun-server --plain-http --lessons dir:./my-lessons --watch, then open\n"
    "http://127.0.0.1:8443/play to try every lesson as a learner sees it; files that fail to load are listed\n"
    "there with their error, and saved changes show up without a restart.";

constexpr std::string_view github_api_flag = "--github-api";
constexpr std::string_view github_ca_flag = "--github-ca-file";
constexpr std::string_view github_cache_flag = "--github-cache-bytes";
constexpr std::string_view github_ttl_flag = "--github-ref-ttl-ms";
// Two, so that a runtime-validator lesson (learner program, then validator) finds both runs started.
constexpr std::size_t default_warm_runs = 2;

std::vector<pyfun::service::option_spec> all_option_specs()
{
    auto specs = pyfun::service::server_option_specs();
    specs.push_back({"--lessons", "PYFUN_LESSONS", "SOURCE",
                     "lesson source: dir:<path> or github:<owner>/<repo>[@<ref>][/<subdir>]",
                     "the bundled lessons"});
    specs.push_back({std::string{github_api_flag}, "PYFUN_GITHUB_API", "URL",
                     "GitHub API base URL (GitHub Enterprise: https://HOST/api/v3)",
                     "https://api.github.com"});
    specs.push_back({std::string{github_ca_flag}, "PYFUN_GITHUB_CA_FILE", "FILE",
                     "PEM file of the CAs trusted for the GitHub API", "the system CA store"});
    specs.push_back({std::string{github_cache_flag}, "PYFUN_GITHUB_CACHE_BYTES", "N",
                     "bytes of parsed GitHub lesson files kept in memory (LRU)", "67108864"});
    specs.push_back(
        {std::string{github_ttl_flag}, "PYFUN_GITHUB_REF_TTL_MS", "N",
         "how long the branch's commit is trusted before it is revalidated (a 304 when unchanged)", "60000"});
    specs.push_back({"--compat", "PYFUN_COMPAT", "MODE",
                     "pyfun-v2: every response body is the base64 text of its JSON (the deployed frontend)", "none"});
    for (auto& spec : pyfun::service::author_option_specs())
        specs.push_back(std::move(spec));
    specs.push_back({"--cors-origin", "PYFUN_CORS_ORIGIN", "ORIGIN", "Access-Control-Allow-Origin on every answer", "*"});
    specs.push_back({"--python", "PYFUN_PYTHON", "PATH", "absolute path of the Python interpreter for learner code",
                     "python3 on PATH"});
    specs.push_back({"--sandbox", "PYFUN_SANDBOX", "POLICY",
                     "auto (every layer that works here), strict (refuse to start without namespaces and seccomp), "
                     "portable (what Lambda can do)",
                     "auto"});
    specs.push_back({"--launcher", "PYFUN_LAUNCHER", "PATH", "the sandbox launcher executable",
                     "pyfun-launcher beside this executable"});
    specs.push_back({"--max-runs", "PYFUN_MAX_RUNS", "N",
                     "learner programs run at once; more wait their turn (their wall time starts with the run)",
                     std::to_string(pyfun::core::default_run_slots()) + " (4 per core, at least 8)"});
    specs.push_back({"--warm-runs", "PYFUN_WARM_RUNS", "N",
                     "runs kept started ahead of need, so a learner's program goes to an interpreter that is already "
                     "up; only with the pid_ns and mount_ns layers, 0 for none",
                     std::to_string(default_warm_runs)});
    return specs;
}

struct core_settings {
    std::string lessons;
    bool compat_base64 = false;
    std::string cors_origin = "*";
    pyfun::core::sandbox_policy sandbox = pyfun::core::sandbox_policy::automatic;
    std::string launcher;
    std::size_t max_runs = pyfun::core::default_run_slots();
    std::size_t warm_runs = default_warm_runs;
};

std::optional<core_settings> read_core_settings(pyfun::service::option_values const& values)
{
    core_settings settings;
    settings.lessons = values.get("--lessons").value_or("");
    settings.cors_origin = values.get("--cors-origin").value_or("*");
    auto const compat = pyfun::core::parse_compat_mode(values.get("--compat").value_or(""));
    if (!compat) {
        std::cerr << "pyfun-server: " << values.source("--compat") << " must be pyfun-v2 or none\n";
        return std::nullopt;
    }
    settings.compat_base64 = *compat;
    auto const policy = pyfun::core::parse_sandbox_policy(values.get("--sandbox").value_or("auto"));
    if (!policy) {
        std::cerr << "pyfun-server: " << values.source("--sandbox") << " must be auto, strict or portable\n";
        return std::nullopt;
    }
    settings.sandbox = *policy;
    settings.launcher = values.get("--launcher").value_or("");
    auto const max_runs = pyfun::service::read_unsigned(values, "--max-runs", settings.max_runs, 1, 100'000);
    if (!max_runs.error.empty()) {
        std::cerr << "pyfun-server: " << max_runs.error << '\n';
        return std::nullopt;
    }
    settings.max_runs = static_cast<std::size_t>(max_runs.value);
    auto const warm_runs = pyfun::service::read_unsigned(values, "--warm-runs", settings.warm_runs, 0, 64);
    if (!warm_runs.error.empty()) {
        std::cerr << "pyfun-server: " << warm_runs.error << '\n';
        return std::nullopt;
    }
    settings.warm_runs = static_cast<std::size_t>(warm_runs.value);
    if (auto const python = values.get("--python"))
        ::setenv("PYFUN_PYTHON", python->c_str(), 1);  // find_interpreter() reads it; the flag wins
    return settings;
}

// The GitHub settings: flags (or their variables, through the option table) first, the rest of the
// environment for the token and the webhook secret.
std::optional<pyfun::github::github_settings> read_github_settings(
    pyfun::service::option_values const& values)
{
    std::map<std::string, std::string_view> const flag_of{{"PYFUN_GITHUB_API", github_api_flag},
                                                          {"PYFUN_GITHUB_CA_FILE", github_ca_flag},
                                                          {"PYFUN_GITHUB_CACHE_BYTES", github_cache_flag},
                                                          {"PYFUN_GITHUB_REF_TTL_MS", github_ttl_flag}};
    auto const lookup = [&](std::string const& name) -> std::optional<std::string> {
        auto const flag = flag_of.find(name);
        return flag == flag_of.end() ? pyfun::service::process_env(name) : values.get(flag->second);
    };
    auto settings = pyfun::github::github_settings_from_env(lookup);
    if (!settings) {
        std::cerr << "pyfun-server: " << settings.error().message << '\n';
        return std::nullopt;
    }
    return *settings;
}

// One start-up line: how many runs wait ahead of need, or why none do.
std::string describe_warm_runs(pyfun::core::runner const& sandbox, std::size_t asked)
{
    if (asked == 0)
        return "warm runs: off (--warm-runs 0)";
    if (sandbox.warm_runs().capacity == 0)
        return "warm runs: off (a run may wait for its program only behind the pid_ns and mount_ns layers, "
               "which this sandbox lacks)";
    return "warm runs: " + std::to_string(asked) + " started ahead of need";
}

int serve(int argc, char** argv)
{
    auto const specs = all_option_specs();
    auto const parsed = pyfun::service::parse_options(specs, argc, argv, pyfun::service::process_env);
    if (parsed.help_requested) {
        std::cout << pyfun::service::render_help("pyfun-server", summary, specs);
        return 0;
    }
    if (!parsed.error.empty()) {
        std::cerr << "pyfun-server: " << parsed.error << '\n';
        return 2;
    }
    auto server_settings = pyfun::service::read_server_options(parsed.values);
    if (!server_settings.error.empty()) {
        std::cerr << "pyfun-server: " << server_settings.error << '\n';
        return 2;
    }
    auto const settings = read_core_settings(parsed.values);
    if (!settings)
        return 2;

    auto const github_settings = read_github_settings(parsed.values);
    if (!github_settings)
        return 2;
    auto const author = pyfun::service::read_author_options(parsed.values);
    if (!author.error.empty()) {
        std::cerr << "pyfun-server: " << author.error << '\n';
        return 2;
    }

    net::io_context ioc{1};
    auto source =
        pyfun::github::open_any_lesson_source(ioc.get_executor(), settings->lessons, *github_settings);
    if (!source) {
        std::cerr << "pyfun-server: " << source.error().message << '\n';
        return 1;
    }
    auto* const github = source->github;
    auto* const folder = dynamic_cast<pyfun::core::folder_source*>(source->source.get());
    if (author.watch && !folder) {
        std::cerr << "pyfun-server: " << parsed.values.source("--watch")
                  << " works with dir: lesson sources only (GitHub sources follow their branch by themselves)\n";
        return 2;
    }
    if (github && github_settings->token.empty())
        std::cerr << "pyfun-server: WARNING: no PYFUN_GITHUB_TOKEN or GITHUB_TOKEN: the GitHub API allows 60 "
                     "requests an hour without one\n";
    auto const interpreter = pyfun::core::find_interpreter();
    if (!interpreter) {
        std::cerr << "pyfun-server: no usable Python interpreter (install python3 or set --python / PYFUN_PYTHON)\n";
        return 1;
    }
    pyfun::core::prepare_supervisor_process();
    pyfun::core::runner_options base{*interpreter, {}};
    base.launcher = settings->launcher;
    base.max_concurrent_runs = settings->max_runs;
    base.warm_runs = settings->warm_runs;
    auto const plan = pyfun::core::plan_sandbox(settings->sandbox, base);  // a few throwaway runs, once
    if (!plan) {
        std::cerr << "pyfun-server: " << plan.error() << '\n';
        return 1;
    }
    for (auto const& warning : plan->warnings)
        std::cerr << "pyfun-server: WARNING: " << warning << '\n';
    std::cerr << "pyfun-server: " << pyfun::core::describe(*plan) << '\n';
    pyfun::core::runner sandbox{pyfun::core::with_plan(base, *plan)};
    std::cerr << "pyfun-server: " << describe_warm_runs(sandbox, settings->warm_runs) << '\n';
    pyfun::core::verifier judge{sandbox, pyfun::core::run_limits{}};

    pyfun::core::api_options api_settings;
    api_settings.cors_origin = settings->cors_origin;
    api_settings.compat_base64 = settings->compat_base64;
    api_settings.max_body_bytes = server_settings.options.max_body_bytes;
    api_settings.health_details = pyfun::github::health_details(sandbox, github);
    pyfun::core::api lesson_api{*source->source, judge, std::move(api_settings)};
    // The push webhook sits in front of the API when the lessons come from GitHub.
    std::optional<pyfun::github::webhook_handler> webhook;
    if (github)
        webhook.emplace(lesson_api, *github, github_settings->webhook_secret);
    pyfun::core::handler& api_handler = webhook ? static_cast<pyfun::core::handler&>(*webhook) : lesson_api;
    // The playground page sits in front of everything else and passes every other path through unchanged.
    std::optional<pyfun::core::playground> page;
    if (author.playground)
        page.emplace(api_handler, *source->source, pyfun::service::playground_files(),
                     pyfun::core::playground_options{author.watch});
    pyfun::core::handler& handler = page ? static_cast<pyfun::core::handler&>(*page) : api_handler;
    std::optional<pyfun::service::lesson_watcher> watcher;
    if (author.watch) {
        watcher.emplace(ioc.get_executor(), *folder, std::chrono::milliseconds{150}, [](std::string_view line) {
            std::cerr << "pyfun-server: " << line << std::endl;
        });
        watcher->start();
    }
    server_settings.options.error_headers.emplace("access-control-allow-origin", settings->cors_origin);

    std::optional<pyfun::service::tls_setup> tls;
    if (!server_settings.options.plain_http) {
        tls.emplace(pyfun::service::make_server_tls(server_settings.options.tls_cert_file,
                                                    server_settings.options.tls_key_file));
        if (!tls->generated_fingerprint.empty())
            std::cerr << "pyfun-server: WARNING: no --tls-cert/--tls-key given; serving a self-signed certificate "
                         "generated now (browsers will warn). SHA-256 fingerprint: "
                      << tls->generated_fingerprint << '\n';
    }

    pyfun::service::server listener{ioc.get_executor(), server_settings.options, handler,
                                    tls ? &tls->context : nullptr};
    net::signal_set stop_signals{ioc, SIGINT, SIGTERM};
    stop_signals.async_wait([&](boost::system::error_code ec, int) {
        if (ec)
            return;
        listener.stop();
        if (watcher)
            watcher->stop();
    });
    listener.start();
    auto const scheme = server_settings.options.plain_http ? "http" : "https";
    auto const endpoint = listener.local_endpoint();
    auto const host = endpoint.address().is_v6() ? "[" + endpoint.address().to_string() + "]"
                                                 : endpoint.address().to_string();
    std::cerr << "pyfun-server: serving " << source->source->description() << " on " << scheme << "://"
              << host << ':' << listener.port() << "/ (try " << scheme << "://" << host << ':'
              << listener.port() << (page ? "/play" : "/stage") << ")" << std::endl;
    if (watcher)
        std::cerr << "pyfun-server: watching " << folder->root().string() << " for changes" << std::endl;
    sandbox.warm_up();  // once the port is open: the interpreters start while the first requests come in
    ioc.run();
    std::cerr << "pyfun-server: stopped\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv)
{
    try {
        return serve(argc, argv);
    }
    catch (std::exception const& e) {
        std::cerr << "pyfun-server: " << e.what() << '\n';
        return 1;
    }
}
