#pragma once
// The folder lesson source: <root>/<stage>/stage.json and <root>/<stage>/s<index>_<lesson>.json.

#include "lesson_source.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <utility>

namespace pyfun::core {

class folder_source final : public lesson_source {
public:
    // Reads the whole folder now; files that fail to load are listed in the catalog's problems.
    // Returns source_unavailable when `root` is not a readable folder.
    static boost::system::result<std::unique_ptr<folder_source>> open(std::filesystem::path root);

    boost::asio::awaitable<boost::system::result<std::shared_ptr<catalog const>>> get_catalog() override;
    boost::asio::awaitable<boost::system::result<std::shared_ptr<lesson const>>> get_lesson(
        std::string stage, std::string name) override;
    std::string description() const override;

private:
    using lesson_key = std::pair<std::string, std::string>;  // stage, lesson name

    folder_source(std::filesystem::path root, std::shared_ptr<catalog const> index,
                  std::map<lesson_key, std::shared_ptr<lesson const>> lessons);

    std::filesystem::path root_;
    std::shared_ptr<catalog const> catalog_;
    std::map<lesson_key, std::shared_ptr<lesson const>> lessons_;
};

// The bundled lessons: next to the executable (<exe>/../lessons, <exe>/lessons), under $LAMBDA_TASK_ROOT,
// then the source tree this binary was built from. nullopt when none of them exists.
std::optional<std::filesystem::path> find_bundled_lessons();

}  // namespace pyfun::core
