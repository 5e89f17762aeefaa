#include "folder_source.hpp"

#include "error.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace pyfun::core {
namespace {

constexpr std::uintmax_t max_file_bytes = 1024 * 1024;

std::optional<std::string> read_file(fs::path const& path)
{
    std::error_code ec;
    auto const size = fs::file_size(path, ec);
    if (ec || size > max_file_bytes)
        return std::nullopt;
    std::ifstream in{path, std::ios::binary};
    if (!in)
        return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return std::move(text).str();
}

std::vector<fs::directory_entry> sorted_entries(fs::path const& folder)
{
    std::vector<fs::directory_entry> entries;
    std::error_code ec;
    for (fs::directory_iterator it{folder, ec}, end; !ec && it != end; it.increment(ec))
        entries.push_back(*it);
    std::sort(entries.begin(), entries.end(),
              [](auto const& a, auto const& b) { return a.path().filename() < b.path().filename(); });
    return entries;
}

struct folder_contents {
    catalog index;
    std::map<std::pair<std::string, std::string>, std::shared_ptr<lesson const>> lessons;
};

// Loads one stage folder into `out`; every problem is recorded, none stops the others.
void load_stage(fs::path const& folder, folder_contents& out)
{
    auto const stage_name = folder.filename().string();
    auto const stage_file = stage_name + "/stage.json";
    if (!is_valid_segment(stage_name)) {
        out.index.problems.push_back({stage_name, "", "stage folder name must use only letters, digits, _ - ."});
        return;
    }
    auto const stage_text = read_file(folder / "stage.json");
    if (!stage_text) {
        out.index.problems.push_back({stage_file, "", "missing or unreadable (every stage needs one)"});
        return;
    }
    auto info = parse_stage(*stage_text, stage_file, stage_name);
    if (!info) {
        out.index.problems.push_back(info.error());
        return;
    }

    stage_summary summary{*info, {}};
    for (auto const& entry : sorted_entries(folder)) {
        auto const file_name = entry.path().filename().string();
        auto const display = stage_name + "/" + file_name;
        if (file_name == "stage.json" || !file_name.ends_with(".json"))
            continue;
        auto const naming = parse_lesson_file_name(file_name);
        if (!naming) {
            out.index.problems.push_back({display, "", "lesson files must be named s<index>_<lesson>.json"});
            continue;
        }
        auto const clash = std::find_if(summary.lessons.begin(), summary.lessons.end(), [&](auto const& l) {
            return l.index == naming->index || l.name == naming->name;
        });
        if (clash != summary.lessons.end()) {
            out.index.problems.push_back(
                {display, "", "index or name already used by lesson \"" + clash->name + "\" of this stage"});
            continue;
        }
        auto const text = read_file(entry.path());
        if (!text) {
            out.index.problems.push_back({display, "", "unreadable or larger than 1 MiB"});
            continue;
        }
        auto parsed = parse_lesson(*text, display, stage_name, *naming);
        if (!parsed) {
            out.index.problems.push_back(parsed.error());
            continue;
        }
        summary.lessons.push_back({parsed->name, parsed->index, parsed->title});
        auto key = std::pair{stage_name, parsed->name};  // before the move below: argument order is unspecified
        out.lessons.emplace(std::move(key), std::make_shared<lesson const>(std::move(*parsed)));
    }
    std::sort(summary.lessons.begin(), summary.lessons.end(),
              [](auto const& a, auto const& b) { return a.index < b.index; });
    out.index.stages.push_back(std::move(summary));
}

}  // namespace

stage_summary const* catalog::find_stage(std::string_view name) const
{
    auto const it = std::find_if(stages.begin(), stages.end(), [&](auto const& s) { return s.stage.name == name; });
    return it == stages.end() ? nullptr : &*it;
}

boost::system::result<std::unique_ptr<folder_source>> folder_source::open(fs::path root)
{
    std::error_code ec;
    if (!fs::is_directory(root, ec))
        return errc::source_unavailable;
    return std::unique_ptr<folder_source>{new folder_source{std::move(root)}};
}

folder_source::folder_source(fs::path root) : root_{std::move(root)} {}

boost::system::result<std::shared_ptr<catalog const>> folder_source::reload()
{
    std::error_code ec;
    if (!fs::is_directory(root_, ec))
        return errc::source_unavailable;
    folder_contents contents;
    for (auto const& entry : sorted_entries(root_)) {
        auto const name = entry.path().filename().string();
        if (name.starts_with('.') || !entry.is_directory(ec))
            continue;
        load_stage(entry.path(), contents);
    }
    std::stable_sort(contents.index.stages.begin(), contents.index.stages.end(),
                     [](auto const& a, auto const& b) { return a.stage.index < b.stage.index; });
    auto index = std::make_shared<catalog const>(std::move(contents.index));
    state_ = std::make_shared<snapshot const>(snapshot{index, std::move(contents.lessons)});
    stages_.clear();
    return index;
}

boost::asio::awaitable<boost::system::result<std::shared_ptr<catalog const>>> folder_source::get_catalog()
{
    if (!state_) {
        auto const loaded = reload();
        co_return loaded;
    }
    co_return state_->index;
}

boost::system::result<std::shared_ptr<lesson const>> folder_source::lesson_from_stage(std::string const& stage,
                                                                                       std::string const& name)
{
    auto cached = stages_.find(stage);
    if (cached == stages_.end()) {
        // The whole read skips hidden entries and anything but folders; so does this.
        std::error_code ec;
        auto const folder = root_ / stage;
        if (!is_valid_segment(stage) || stage.starts_with('.') || !fs::is_directory(folder, ec))
            return errc::stage_not_found;
        folder_contents contents;
        load_stage(folder, contents);
        auto index = std::make_shared<catalog const>(std::move(contents.index));
        cached = stages_.emplace(stage, std::make_shared<snapshot const>(snapshot{index, std::move(contents.lessons)}))
                     .first;
    }
    auto const& state = *cached->second;
    auto const it = state.lessons.find(lesson_key{stage, name});
    if (it != state.lessons.end())
        return it->second;
    if (!state.index->find_stage(stage))
        return errc::stage_not_found;  // its stage.json is missing or broken: the whole read leaves it out too
    return errc::lesson_not_found;
}

boost::asio::awaitable<boost::system::result<std::shared_ptr<lesson const>>> folder_source::get_lesson(
    std::string stage, std::string name)
{
    if (!state_)
        co_return lesson_from_stage(stage, name);
    auto const state = state_;  // one snapshot for the whole lookup, whatever reload() does meanwhile
    auto const it = state->lessons.find(lesson_key{stage, name});
    if (it != state->lessons.end())
        co_return it->second;
    if (!state->index->find_stage(stage))
        co_return errc::stage_not_found;
    co_return errc::lesson_not_found;
}

std::string folder_source::description() const { return "dir:" + root_.string(); }

std::optional<fs::path> find_bundled_lessons()
{
    std::vector<fs::path> candidates;
    std::error_code ec;
    auto const exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        candidates.push_back(exe.parent_path().parent_path() / "lessons");
        candidates.push_back(exe.parent_path() / "lessons");
    }
    if (char const* task_root = std::getenv("LAMBDA_TASK_ROOT"))
        candidates.push_back(fs::path{task_root} / "lessons");
    candidates.emplace_back(PYFUN_BUNDLED_LESSONS_DIR);
    for (auto const& candidate : candidates) {
        if (fs::is_directory(candidate, ec)) {
            auto canonical = fs::canonical(candidate, ec);
            if (!ec)
                return canonical;
        }
    }
    return std::nullopt;
}

}  // namespace pyfun::core
