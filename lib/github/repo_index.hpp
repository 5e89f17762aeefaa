#pragma once
// The lesson repository at one commit, read from GitHub's recursive tree listing alone: stage folders, their
// stage.json and s<index>_<lesson>.json files with blob SHAs, and the naming problems (the folder source's
// rules). Nothing here needs a file's content, so an unknown stage or lesson is answered without a fetch.

#include "github_rest.hpp"

#include "lib/lesson.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pyfun::github {

struct indexed_file {
    std::string path;     // in the repository, for the contents API
    std::string display;  // "<stage>/<file>", as the folder source names files in messages
    std::string blob_sha;
    std::uint64_t size = 0;
};

struct indexed_lesson {
    core::lesson_file_name naming;
    indexed_file file;
};

struct indexed_stage {
    std::string name;
    indexed_file stage_file;
    std::vector<indexed_lesson> lessons;  // file-name order

    indexed_lesson const* find_lesson(std::string_view lesson_name) const;
};

struct repo_index {
    std::string commit;
    std::vector<indexed_stage> stages;       // folder-name order; stage.json's index orders the catalog
    std::vector<core::load_error> problems;  // files and folders that cannot be served, with the reason

    indexed_stage const* find_stage(std::string_view stage_name) const;
};

// Files above max_file_bytes are listed as problems and never fetched.
repo_index build_repo_index(std::string commit, std::vector<tree_item> const& items,
                            std::string const& subdir, std::uint64_t max_file_bytes);

}  // namespace pyfun::github
