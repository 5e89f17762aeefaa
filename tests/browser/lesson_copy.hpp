#pragma once
// A private copy of tests/browser/lessons in a fresh temporary folder, removed again at the end: the playground
// and --watch tests edit lesson files, and tests may run side by side.

#include <filesystem>
#include <string>

namespace pyfun::test {

class lesson_copy {
public:
    lesson_copy();
    ~lesson_copy();
    lesson_copy(lesson_copy const&) = delete;
    lesson_copy& operator=(lesson_copy const&) = delete;

    std::filesystem::path const& root() const { return root_; }
    // Replaces the file `relative` (e.g. "basics/s1_hello.json") with `text`, in one write.
    void write(std::string const& relative, std::string const& text) const;

private:
    std::filesystem::path root_;
};

}  // namespace pyfun::test
