#include "function_app.hpp"

#include "lib/github/open_source.hpp"
#include "lib/source_spec.hpp"

#include <boost/json/array.hpp>

#include <cstdlib>
#include <optional>
#include <utility>

namespace json = boost::json;

namespace pyfun::lambda {
namespace {

json::array layer_list(core::runner const& sandbox)
{
    json::array layers;
    for (auto const& layer : sandbox.sandbox_layers())
        layers.emplace_back(layer);
    return layers;
}

// GET /healthz reports the sandbox the way pyfun-server's does.
core::api_options with_health_details(core::api_options options, core::runner const& sandbox)
{
    options.health_details = [&sandbox] {
        return json::object{{"sandbox", layer_list(sandbox)},
                            {"interpreter", sandbox.interpreter().string()}};
    };
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
    return settings;
}

boost::system::result<std::unique_ptr<function_app>, init_failure> function_app::open(
    function_settings const& settings, boost::asio::any_io_executor executor)
{
    auto const kind = parse_function_kind(settings.handler);
    if (!kind)
        return init_failure{
            "Runtime.HandlerNotFound",
            "unknown handler \"" + settings.handler +
                "\": use router, stages_info, stage_info, lesson_info or lesson_verify (or the "
                "lambda_app.*_handler names of the old image)"};
    auto const compat = core::parse_compat_mode(settings.compat);
    if (!compat)
        return init_failure{"Runtime.InvalidConfiguration",
                            "PYFUN_COMPAT is \"" + settings.compat + "\": it must be pyfun-v2 or none"};
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
    auto source = std::move(opened->source);

    core::api_options options;
    options.cors_origin = settings.cors_origin;
    options.compat_base64 = *compat;
    response_style style{settings.cors_origin, *compat};
    return std::unique_ptr<function_app>{new function_app{std::move(source), std::move(*interpreter),
                                                          std::move(options), *kind, std::move(style)}};
}

function_app::function_app(std::unique_ptr<core::lesson_source> source, std::filesystem::path interpreter,
                           core::api_options options, function_kind kind, response_style style)
    : source_{std::move(source)},
      sandbox_{portable_runner(std::move(interpreter))},
      judge_{sandbox_, core::run_limits{}},
      api_{*source_, judge_, with_health_details(std::move(options), sandbox_)},
      handler_{api_, kind, std::move(style)}
{
}

json::object function_app::description() const
{
    return json::object{{"handler", function_kind_name(handler_.kind())},
                        {"lessons", source_->description()},
                        {"interpreter", sandbox_.interpreter().string()},
                        {"sandbox", layer_list(sandbox_)}};
}

}  // namespace pyfun::lambda
