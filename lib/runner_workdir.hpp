#pragma once
// Internal to the runner: the private per-run work folder. It starts empty: the run's bootstrap writes main.py
// and the input files into it (or into the launcher's private copy of it) once it has received them.

#include "runner.hpp"

#include <boost/system/result.hpp>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace pyfun::core::detail {

class work_folder {
public:
    // Makes a fresh, empty `pyfun-run-XXXXXX` folder (mode 0700) under `root`. With `for_nobody` it belongs
    // to uid/gid 65534, the identity the child runs as. Returns an error text for a file system failure
    // (nothing is left behind).
    static boost::system::result<work_folder, std::string> create(std::filesystem::path const& root,
                                                                  bool for_nobody);

    work_folder(work_folder&& other) noexcept;
    work_folder& operator=(work_folder&&) = delete;
    work_folder(work_folder const&) = delete;
    work_folder& operator=(work_folder const&) = delete;
    ~work_folder();  // removes the folder and everything in it, whatever the program left there

    std::filesystem::path const& path() const { return path_; }

private:
    explicit work_folder(std::filesystem::path path) : path_{std::move(path)} {}

    std::filesystem::path path_;  // empty once moved from
};

// Where run folders go: `configured` if set, else $TMPDIR, else /tmp.
std::filesystem::path work_root(std::filesystem::path const& configured);

// A plain name inside the work folder: no '/', no leading '.', not main.py.
bool valid_input_name(std::string_view name);

}  // namespace pyfun::core::detail
