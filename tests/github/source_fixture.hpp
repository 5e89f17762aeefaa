#pragma once
// A github_source on a private io_context, reading from a fake_github that holds a 24-lesson repository
// (3 stages of 8), with a hand-moved clock and a log capture. Tests tweak `settings` before open().

#include "github/github_test_support.hpp"

#include "lib/github/github_source.hpp"
#include "support/fake_github.hpp"

#include <boost/asio/io_context.hpp>

#include <memory>
#include <string>

namespace pyfun::test {

struct source_fixture {
    using lesson_result = boost::system::result<std::shared_ptr<core::lesson const>>;
    using catalog_result = boost::system::result<std::shared_ptr<core::catalog const>>;

    source_fixture();

    void open(std::string const& spec = "github:acme/lessons@main");

    lesson_result lesson(std::string stage, std::string name);
    catalog_result catalog();

    std::size_t refs() const { return fake.count("/commits/"); }
    std::size_t trees() const { return fake.count("/git/trees/"); }
    std::size_t files() const { return fake.count("/contents/"); }

    fake_github fake;
    manual_clock time;
    log_capture_lines logs;
    boost::asio::io_context ioc;
    github::github_settings settings;
    std::unique_ptr<github::github_source> source;
};

}  // namespace pyfun::test
