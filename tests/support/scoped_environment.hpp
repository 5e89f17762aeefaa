#pragma once
// Sets (or unsets) one environment variable for a scope and puts the old value back, for tests of code that
// reads its settings from the environment.

#include <cstdlib>
#include <optional>
#include <string>

namespace pyfun::test {

class scoped_environment {
public:
    // nullopt unsets the variable for the scope.
    scoped_environment(char const* name, std::optional<std::string> const& value) : name_{name}
    {
        if (char const* old = std::getenv(name))
            old_ = old;
        if (value)
            ::setenv(name, value->c_str(), 1);
        else
            ::unsetenv(name);
    }
    ~scoped_environment()
    {
        if (old_)
            ::setenv(name_, old_->c_str(), 1);
        else
            ::unsetenv(name_);
    }
    scoped_environment(scoped_environment const&) = delete;
    scoped_environment& operator=(scoped_environment const&) = delete;

private:
    char const* name_;
    std::optional<std::string> old_;
};

}  // namespace pyfun::test
