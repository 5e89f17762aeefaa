#pragma once
// The folder lesson source: <root>/<stage>/stage.json and <root>/<stage>/s<index>_<lesson>.json.
// reload() re-reads the folder and swaps in a new snapshot: callers keep the shared_ptrs they already hold,
// and unchanged files still become new lesson objects (render caches keyed by identity re-render them).

#include "lesson_source.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <utility>

namespace pyfun::core {

class folder_source final : public lesson_source {
public:
    // Reads nothing yet: the first get_catalog() reads the whole folder (files that fail to load are listed in
    // the catalog's problems); a get_lesson() before it reads only that lesson's stage folder, with the same
    // checks, so a cold start that serves one lesson parses a few files, not all. Returns
    // source_unavailable when `root` is not a folder.
    static boost::system::result<std::unique_ptr<folder_source>> open(std::filesystem::path root);

    boost::asio::awaitable<boost::system::result<std::shared_ptr<catalog const>>> get_catalog() override;
    boost::asio::awaitable<boost::system::result<std::shared_ptr<lesson const>>> get_lesson(
        std::string stage, std::string name) override;
    std::string description() const override;

    // Reads the whole folder (again) and makes the result current. Returns source_unavailable (and keeps the
    // current snapshot) when `root` is no longer a readable folder. Call it on the thread that serves.
    boost::system::result<std::shared_ptr<catalog const>> reload();

    std::filesystem::path const& root() const { return root_; }

private:
    using lesson_key = std::pair<std::string, std::string>;  // stage, lesson name
    struct snapshot {
        std::shared_ptr<catalog const> index;
        std::map<lesson_key, std::shared_ptr<lesson const>> lessons;
    };

    explicit folder_source(std::filesystem::path root);

    // Before the first whole read: the lesson from its stage folder alone (read once, kept in stages_).
    boost::system::result<std::shared_ptr<lesson const>> lesson_from_stage(std::string const& stage,
                                                                           std::string const& name);

    std::filesystem::path root_;
    std::shared_ptr<snapshot const> state_;  // null until the first whole read
    std::map<std::string, std::shared_ptr<snapshot const>> stages_;  // single stages read before that
};

// The bundled lessons: next to the executable (<exe>/../lessons, <exe>/lessons), under $LAMBDA_TASK_ROOT,
// then the source tree this binary was built from. nullopt when none of them exists.
std::optional<std::filesystem::path> find_bundled_lessons();

}  // namespace pyfun::core
