#pragma once
// A lesson source that can be told to fail, for API tests: wraps a real folder or answers unavailable.

#include "lib/error.hpp"
#include "lib/lesson_source.hpp"

namespace pyfun::test {

class fake_lesson_source final : public pyfun::core::lesson_source {
public:
    explicit fake_lesson_source(pyfun::core::lesson_source* inner = nullptr) : inner_{inner} {}

    boost::asio::awaitable<boost::system::result<std::shared_ptr<pyfun::core::catalog const>>> get_catalog() override
    {
        if (!inner_)
            co_return pyfun::errc::source_unavailable;
        co_return co_await inner_->get_catalog();
    }

    boost::asio::awaitable<boost::system::result<std::shared_ptr<pyfun::core::lesson const>>> get_lesson(
        std::string stage, std::string name) override
    {
        if (!inner_)
            co_return pyfun::errc::source_unavailable;
        co_return co_await inner_->get_lesson(std::move(stage), std::move(name));
    }

    std::string description() const override { return inner_ ? inner_->description() : "fake:unavailable"; }

private:
    pyfun::core::lesson_source* inner_;
};

}  // namespace pyfun::test
