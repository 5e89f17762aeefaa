#include "function_app.hpp"

#include "lib/github/health_details.hpp"
#include "lib/github/open_source.hpp"
#include "lib/source_spec.hpp"
#include "lib/switch_value.hpp"
#include "service/playground_files.hpp"

#include <boost/json/array.hpp>

#include <cstdlib>
#include <optional>
#include <utility>

namespace json = boost::json;

namespace pyfun::lambda {
namespace {

// GET /healthz reports the sandbox (and a GitHub source) the way pyfun-server's does.
core::api_options with_health(core::api_options options, core::runner const& sandbox,
                              github::github_source const* github)
{
    options.health_details = github::health_details(sandbox, github);
    return options;
}

// The portable layers only: namespaces and seccomp fail inside Lambda (DESIGN §5). Work folders go to $TMPDIR
// or /tmp, the one writable place there.
core::runner_options portable_runner(std::filesystem::path interpreter)
{
    core::runner_options options;
    options.interpreter = std::move(interpreter);
    return options;
}

std::string env_or(char const* name, std::string fallback)
{
    char const* value = std::getenv(name);
    return value != nullptr && *value != '\0' ? std::string{value} : std::move(fallback);
}

}  // namespace

function_settings settings_from_environment(char const* command_handler)
{
    function_settings settings;
    settings.handler = command_handler != nullptr && *command_handler != '\0' ? std::string{command_handler}
                                                                              : env_or("_HANDLER", "router");
    settings.lessons = env_or("PYFUN_LESSONS", "");
    settings.compat = env_or("PYFUN_COMPAT", "");
    settings.cors_origin = env_or("PYFUN_CORS_ORIGIN", "*");
    settings.playground = env_or("PYFUN_PLAYGROUND", "");
    return settings;
}

struct function_app::parts {
    github::opened_source lessons;
    std::filesystem::path interpreter;
    core::api_options options;
    function_kind kind;
    response_style style;
    std::string webhook_secret;
    bool playground = false;
};

boost::system::result<std::unique_ptr<function_app>, init_failure> function_app::open(
    function_settings const& settings, boost::asio::any_io_executor executor)
{
    auto const kind = parse_function_kind(settings.handler);
    if (!kind)
        return init_failure{
            "Runtime.HandlerNotFound",
            "unknown handler \"" + settings.handler +
                "\": use router, reader, stages_info, stage_info, lesson_info or lesson_verify (or the "
                "lambda_app.*_handler names of the old image)"};
    auto const compat = core::parse_compat_mode(settings.compat);
    if (!compat)
        return init_failure{"Runtime.InvalidConfiguration",
                            "PYFUN_COMPAT is \"" + settings.compat + "\": it must be pyfun-v2 or none"};
    auto const playground = settings.playground.empty() ? std::optional<bool>{false}
                                                        : core::parse_switch(settings.playground);
    if (!playground)
        return init_failure{"Runtime.InvalidConfiguration",
                            "PYFUN_PLAYGROUND is \"" + settings.playground + "\": it must be 1 or 0 (true/false)"};
    auto interpreter = core::find_interpreter();
    if (!interpreter)
        return init_failure{
            "Runtime.InterpreterNotFound",
            "no usable Python interpreter: install python3 in the image or set PYFUN_PYTHON to an "
            "absolute path"};
    auto const github_settings = github::github_settings_from_env([](std::string const& name) -> std::optional<std::string> {
        char const* value = std::getenv(name.c_str());
        return value ? std::optional<std::string>{value} : std::nullopt;
    });
    if (!github_settings)
        return init_failure{"Runtime.InvalidConfiguration", github_settings.error().message};
    auto opened = github::open_any_lesson_source(std::move(executor), settings.lessons, *github_settings);
    if (!opened)
        return init_failure{"Runtime.LessonsUnavailable", opened.error().message};

    parts p{std::move(*opened), std::move(*interpreter), {}, *kind, {settings.cors_origin, *compat},
            github_settings->webhook_secret, *playground};
    p.options.cors_origin = settings.cors_origin;
    p.options.compat_base64 = *compat;
    return std::unique_ptr<function_app>{new function_app{std::move(p)}};
}

function_app::function_app(parts p)
    : source_{std::move(p.lessons.source)},
      github_{p.lessons.github},
      sandbox_{portable_runner(std::move(p.interpreter))},
      judge_{sandbox_, core::run_limits{}},
      api_{*source_, judge_, with_health(std::move(p.options), sandbox_, github_)},
      handler_{front(p), p.kind, std::move(p.style)}
{
}

core::handler& function_app::front(parts const& p)
{
    core::handler* next = &api_;
    if (github_ != nullptr)
        next = &webhook_.emplace(*next, *github_, p.webhook_secret);
    if (p.playground)
        next = &page_.emplace(*next, *source_, service::playground_files(), core::playground_options{});
    return *next;
}

json::object function_app::description() const
{
    return json::object{{"handler", function_kind_name(handler_.kind())},
                        {"lessons", source_->description()},
                        {"interpreter", sandbox_.interpreter().string()},
                        {"sandbox", github::health_details(sandbox_, nullptr)()["sandbox"]},
                        {"playground", page_.has_value()}};
}

}  // namespace pyfun::lambda
