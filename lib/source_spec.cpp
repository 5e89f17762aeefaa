#include "source_spec.hpp"

#include "folder_source.hpp"

#include <boost/throw_exception.hpp>

#include <stdexcept>

namespace pyfun::core {

void throw_exception_from_error(source_error const& e, boost::source_location const& loc)
{
    boost::throw_exception(std::runtime_error(e.message), loc);
}

boost::system::result<std::unique_ptr<lesson_source>, source_error> open_lesson_source(std::string_view spec)
{
    if (spec.starts_with("github:"))
        return source_error{"github: lesson sources are opened by pyfun_github (github::open_any_lesson_source)"};
    std::filesystem::path folder;
    if (spec.empty()) {
        auto bundled = find_bundled_lessons();
        if (!bundled)
            return source_error{"the bundled lessons folder was not found; pass a lesson source (dir:<path>)"};
        folder = *bundled;
    }
    else {
        folder = std::string{spec.starts_with("dir:") ? spec.substr(4) : spec};
    }
    auto source = folder_source::open(folder);
    if (!source)
        return source_error{"lesson folder \"" + folder.string() + "\" does not exist or is not a folder"};
    return std::unique_ptr<lesson_source>{std::move(*source)};
}

}  // namespace pyfun::core
