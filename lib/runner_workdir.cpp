#include "runner_workdir.hpp"

#include "runner_child.hpp"
#include "system_text.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <system_error>
#include <utility>

namespace pyfun::core::detail {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t max_name_length = 255;  // NAME_MAX on Linux

using folder_outcome = boost::system::result<work_folder, std::string>;

// A program running as our own uid may leave folders it made unreadable (chmod 000); remove_all needs
// to list them. Root does not care, so this only runs when a first removal failed.
void open_up(fs::path const& folder)
{
    ::chmod(folder.c_str(), 0700);
    std::error_code ec;
    for (fs::directory_iterator it{folder, ec}, end; !ec && it != end; it.increment(ec))
        if (it->is_directory(ec) && !it->is_symlink(ec))
            open_up(it->path());
}

}  // namespace

folder_outcome work_folder::create(fs::path const& root, bool for_nobody)
{
    auto pattern = (root / "pyfun-run-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
        return folder_outcome{boost::system::in_place_error, system_text("mkdtemp " + pattern, errno)};
    work_folder folder{pattern};  // from here on the destructor cleans up

    // mkdtemp honours the umask; the mode must be exactly 0700 whatever it is.
    if (::chmod(pattern.c_str(), 0700) != 0 ||
        (for_nobody && ::chown(pattern.c_str(), sandbox_id, sandbox_id) != 0))
        return folder_outcome{boost::system::in_place_error, system_text("preparing " + pattern, errno)};
    return folder;
}

work_folder::work_folder(work_folder&& other) noexcept
    : path_{std::exchange(other.path_, {})}
{
}

work_folder::~work_folder()
{
    if (path_.empty())
        return;
    std::error_code ec;
    fs::remove_all(path_, ec);
    if (ec) {
        open_up(path_);
        fs::remove_all(path_, ec);
    }
}

fs::path work_root(fs::path const& configured)
{
    if (!configured.empty())
        return configured;
    if (char const* tmpdir = std::getenv("TMPDIR"); tmpdir != nullptr && *tmpdir != '\0')
        return tmpdir;
    return "/tmp";
}

bool valid_input_name(std::string_view name)
{
    return !name.empty() && name.size() <= max_name_length && name.front() != '.' &&
           name.find('/') == std::string_view::npos && name.find('\0') == std::string_view::npos &&
           name != "main.py";
}

}  // namespace pyfun::core::detail
