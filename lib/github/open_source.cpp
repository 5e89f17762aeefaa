#include "open_source.hpp"

#include "github_source.hpp"

#include <stdexcept>

namespace pyfun::github {

boost::system::result<opened_source, core::source_error> open_any_lesson_source(
    boost::asio::any_io_executor executor, std::string_view spec, github_settings const& settings)
{
    if (!spec.starts_with("github:")) {
        auto folder = core::open_lesson_source(spec);
        if (!folder)
            return folder.error();
        return opened_source{std::move(*folder), nullptr};
    }
    auto repo = parse_github_spec(spec);
    if (!repo)
        return repo.error();
    try {
        auto source = std::make_unique<github_source>(std::move(executor), std::move(*repo), settings);
        auto* github = source.get();
        return opened_source{std::move(source), github};
    }
    catch (std::runtime_error const& e) {  // the CA file: a configuration error, reported like the others
        return core::source_error{e.what()};
    }
}

}  // namespace pyfun::github
