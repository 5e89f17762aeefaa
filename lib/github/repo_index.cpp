#include "repo_index.hpp"

#include <algorithm>
#include <map>

namespace pyfun::github {
namespace {

struct folder_listing {
    bool seen_as_tree = false;
    std::vector<tree_item const*> files;
};

std::string size_problem(std::uint64_t limit)
{
    return "larger than " + std::to_string(limit / 1024) + " KiB";
}

void index_stage(std::string const& name, folder_listing& listing, std::uint64_t max_file_bytes,
                 repo_index& out)
{
    if (!core::is_valid_segment(name)) {
        out.problems.push_back({name, "", "stage folder name must use only letters, digits, _ - ."});
        return;
    }
    auto const file_name_of = [](tree_item const* item) {
        return item->path.substr(item->path.rfind('/') + 1);
    };
    std::sort(listing.files.begin(), listing.files.end(),
              [&](auto const* a, auto const* b) { return file_name_of(a) < file_name_of(b); });

    auto const stage_json = std::find_if(listing.files.begin(), listing.files.end(), [&](auto const* item) {
        return file_name_of(item) == "stage.json";
    });
    if (stage_json == listing.files.end()) {
        out.problems.push_back({name + "/stage.json", "", "missing or unreadable (every stage needs one)"});
        return;
    }
    if ((*stage_json)->size > max_file_bytes) {
        out.problems.push_back({name + "/stage.json", "", size_problem(max_file_bytes)});
        return;
    }

    indexed_stage stage{
        name, {(*stage_json)->path, name + "/stage.json", (*stage_json)->sha, (*stage_json)->size}, {}};
    for (auto const* item : listing.files) {
        auto const file_name = file_name_of(item);
        auto const display = name + "/" + file_name;
        if (file_name == "stage.json" || !file_name.ends_with(".json"))
            continue;
        auto const naming = core::parse_lesson_file_name(file_name);
        if (!naming) {
            out.problems.push_back({display, "", "lesson files must be named s<index>_<lesson>.json"});
            continue;
        }
        auto const clash = std::find_if(stage.lessons.begin(), stage.lessons.end(), [&](auto const& l) {
            return l.naming.index == naming->index || l.naming.name == naming->name;
        });
        if (clash != stage.lessons.end()) {
            out.problems.push_back(
                {display, "",
                 "index or name already used by lesson \"" + clash->naming.name + "\" of this stage"});
            continue;
        }
        if (item->size > max_file_bytes) {
            out.problems.push_back({display, "", size_problem(max_file_bytes)});
            continue;
        }
        stage.lessons.push_back({*naming, {item->path, display, item->sha, item->size}});
    }
    out.stages.push_back(std::move(stage));
}

}  // namespace

indexed_lesson const* indexed_stage::find_lesson(std::string_view lesson_name) const
{
    auto const it = std::find_if(lessons.begin(), lessons.end(),
                                 [&](auto const& l) { return l.naming.name == lesson_name; });
    return it == lessons.end() ? nullptr : &*it;
}

indexed_stage const* repo_index::find_stage(std::string_view stage_name) const
{
    auto const it =
        std::find_if(stages.begin(), stages.end(), [&](auto const& s) { return s.name == stage_name; });
    return it == stages.end() ? nullptr : &*it;
}

repo_index build_repo_index(std::string commit, std::vector<tree_item> const& items,
                            std::string const& subdir, std::uint64_t max_file_bytes)
{
    repo_index out;
    out.commit = std::move(commit);
    auto const prefix = subdir.empty() ? std::string{} : subdir + "/";
    bool subdir_seen = subdir.empty();
    std::map<std::string, folder_listing> folders;  // ordered by name, like the folder source
    for (auto const& item : items) {
        if (!item.path.starts_with(prefix))
            continue;
        subdir_seen = true;
        std::string_view const relative = std::string_view{item.path}.substr(prefix.size());
        auto const slash = relative.find('/');
        if (slash == std::string_view::npos) {
            if (item.type == "tree")
                folders[std::string{relative}].seen_as_tree = true;
            continue;
        }
        // Only <stage>/<file>: deeper files are not lessons, as in the folder source.
        if (item.type == "blob" && relative.find('/', slash + 1) == std::string_view::npos)
            folders[std::string{relative.substr(0, slash)}].files.push_back(&item);
    }
    if (!subdir_seen) {
        out.problems.push_back({subdir, "", "this folder does not exist at commit " + out.commit});
        return out;
    }
    for (auto& [name, listing] : folders) {
        if (name.starts_with('.') || !listing.seen_as_tree)
            continue;
        index_stage(name, listing, max_file_bytes, out);
    }
    return out;
}

}  // namespace pyfun::github
