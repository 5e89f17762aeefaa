#include "support/process_scan.hpp"

#include "support/read_file.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

namespace pyfun::test {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> process_folders()
{
    std::vector<fs::path> folders;
    std::error_code ec;
    for (fs::directory_iterator it{"/proc", ec}, end; !ec && it != end; it.increment(ec)) {
        auto const name = it->path().filename().string();
        auto const digit = [](char c) { return c >= '0' && c <= '9'; };
        if (!name.empty() && std::all_of(name.begin(), name.end(), digit))
            folders.push_back(it->path());
    }
    return folders;
}

}  // namespace

bool process_mentions(std::string_view needle)
{
    auto const self = std::to_string(::getpid());
    for (auto const& folder : process_folders()) {
        if (folder.filename() == self)
            continue;
        for (auto const* file : {"cmdline", "environ"}) {
            auto text = read_file_or_empty((folder / file).string());
            std::replace(text.begin(), text.end(), '\0', ' ');
            if (text.find(needle) != std::string::npos)
                return true;
        }
    }
    return false;
}

int own_children()
{
    return static_cast<int>(own_child_pids().size());
}

std::vector<int> own_child_pids()
{
    return children_of(::getpid());
}

std::vector<int> children_of(int parent)
{
    auto const wanted = std::to_string(parent);
    std::vector<int> pids;
    for (auto const& folder : process_folders()) {
        auto const stat = read_file_or_empty((folder / "stat").string());
        auto const close = stat.rfind(')');
        if (close == std::string::npos)
            continue;
        std::istringstream fields{stat.substr(close + 1)};
        std::string state, ppid;
        fields >> state >> ppid;
        if (ppid == wanted)
            pids.push_back(std::stoi(folder.filename().string()));
    }
    return pids;
}

}  // namespace pyfun::test
