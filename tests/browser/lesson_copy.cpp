#include "browser/lesson_copy.hpp"

#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

namespace fs = std::filesystem;

namespace pyfun::test {

lesson_copy::lesson_copy()
{
    std::string pattern = (fs::temp_directory_path() / "pyfun-lessons-XXXXXX").string();
    if (!::mkdtemp(pattern.data()))
        throw std::runtime_error{"mkdtemp failed for " + pattern};
    root_ = pattern;
    fs::copy(fs::path{PYFUN_SOURCE_DIR} / "tests/browser/lessons", root_, fs::copy_options::recursive);
    fs::remove(root_ / "README.md");
}

lesson_copy::~lesson_copy()
{
    std::error_code ignored;
    fs::remove_all(root_, ignored);
}

void lesson_copy::write(std::string const& relative, std::string const& text) const
{
    std::ofstream out{root_ / relative, std::ios::binary | std::ios::trunc};
    out << text;
    if (!out.flush())
        throw std::runtime_error{"cannot write " + (root_ / relative).string()};
}

}  // namespace pyfun::test
