#pragma once
// Internal to the runner: the private per-run work folder that holds main.py and the input files.

#include "runner.hpp"

#include <boost/system/result.hpp>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace pyfun::core::detail {

class work_folder {
public:
    // Makes a fresh `pyfun-run-XXXXXX` folder (mode 0700) under `root` and writes main.py and `files` into
    // it. With `for_nobody` the folder and files belong to uid/gid 65534, the identity the child runs as.
    // Returns an error text for a bad input file name or a file system failure (nothing is left behind).
    static boost::system::result<work_folder, std::string> create(std::filesystem::path const& root,
                                                                  std::string_view program,
                                                                  std::vector<input_file> const& files,
                                                                  bool for_nobody);

    work_folder(work_folder&& other) noexcept;
    work_folder& operator=(work_folder&&) = delete;
    work_folder(work_folder const&) = delete;
    work_folder& operator=(work_folder const&) = delete;
    ~work_folder();  // removes the folder and everything in it, whatever the program left there

    std::filesystem::path const& path() const { return path_; }

private:
    work_folder(std::filesystem::path path, bool for_nobody)
        : path_{std::move(path)}, for_nobody_{for_nobody}
    {
    }

    std::string add_file(std::string_view name, std::string_view content) const;  // empty on success

    std::filesystem::path path_;  // empty once moved from
    bool for_nobody_ = false;
};

// Where run folders go: `configured` if set, else $TMPDIR, else /tmp.
std::filesystem::path work_root(std::filesystem::path const& configured);

// A plain name inside the work folder: no '/', no leading '.', not main.py.
bool valid_input_name(std::string_view name);

}  // namespace pyfun::core::detail
