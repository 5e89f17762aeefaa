#include "github_repo.hpp"

#include "lib/lesson.hpp"

#include <cctype>

namespace pyfun::github {
namespace {

bool only(std::string_view text, std::string_view punctuation)
{
    for (unsigned char c : text)
        if (!(c < 0x80 && std::isalnum(c)) &&
            punctuation.find(static_cast<char>(c)) == std::string_view::npos)
            return false;
    return true;
}

bool valid_owner(std::string_view owner)
{
    return !owner.empty() && owner.size() <= 39 && only(owner, "-") && owner.front() != '-';
}

bool valid_name(std::string_view name)
{
    return !name.empty() && name.size() <= 100 && only(name, "._-") && name != "." && name != "..";
}

// A conservative subset of git's ref rules: enough for branch and tag names and commit SHAs, and safe to put
// in a URL path unescaped.
bool valid_ref(std::string_view ref)
{
    return !ref.empty() && ref.size() <= 200 && only(ref, "._-") && ref.front() != '-' &&
           ref.front() != '.' && ref.find("..") == std::string_view::npos && !ref.ends_with(".lock") &&
           !ref.ends_with('.');
}

}  // namespace

std::string github_repo::spec() const
{
    auto out = "github:" + owner + "/" + name;
    if (!ref.empty())
        out += "@" + ref;
    if (!subdir.empty())
        out += "/" + subdir;
    return out;
}

boost::system::result<github_repo, core::source_error> parse_github_spec(std::string_view spec)
{
    constexpr std::string_view prefix = "github:";
    constexpr std::string_view shape = " (expected github:<owner>/<repo>[@<ref>][/<subdir>])";
    if (!spec.starts_with(prefix))
        return core::source_error{"not a github: lesson source" + std::string{shape}};
    auto rest = spec.substr(prefix.size());

    github_repo repo;
    auto const slash = rest.find('/');
    if (slash == std::string_view::npos)
        return core::source_error{"missing repository name" + std::string{shape}};
    repo.owner = rest.substr(0, slash);
    rest = rest.substr(slash + 1);
    auto const name_end = rest.find_first_of("@/");
    repo.name = rest.substr(0, name_end);
    rest = name_end == std::string_view::npos ? std::string_view{} : rest.substr(name_end);
    if (rest.starts_with('@')) {
        auto const ref_end = rest.find('/');
        repo.ref = rest.substr(1, ref_end == std::string_view::npos ? std::string_view::npos : ref_end - 1);
        rest = ref_end == std::string_view::npos ? std::string_view{} : rest.substr(ref_end);
        if (!valid_ref(repo.ref))
            return core::source_error{"invalid ref \"" + repo.ref +
                                      "\": use letters, digits, '.', '_' and '-' (no '/')" +
                                      std::string{shape}};
    }
    if (!valid_owner(repo.owner))
        return core::source_error{"invalid owner \"" + repo.owner + "\"" + std::string{shape}};
    if (!valid_name(repo.name))
        return core::source_error{"invalid repository name \"" + repo.name + "\"" + std::string{shape}};

    // rest is "" or "/sub/dir[/]".
    while (rest.starts_with('/')) {
        rest.remove_prefix(1);
        auto const end = rest.find('/');
        auto const segment = rest.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
        if (segment.empty() && rest.empty())
            break;  // one trailing slash
        if (!core::is_valid_segment(segment))
            return core::source_error{"invalid subfolder segment \"" + std::string{segment} + "\"" +
                                      std::string{shape}};
        if (!repo.subdir.empty())
            repo.subdir += '/';
        repo.subdir += segment;
    }
    return repo;
}

}  // namespace pyfun::github
