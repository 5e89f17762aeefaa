#pragma once
// The one lesson-source setting for every entrypoint: "github:..." opens a github_source, anything else goes
// to core::open_lesson_source (dir:<path>, a plain path, or "" for the bundled lessons).

#include "github_settings.hpp"

#include "lib/lesson_source.hpp"
#include "lib/source_spec.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/system/result.hpp>

#include <memory>
#include <string_view>

namespace pyfun::github {

class github_source;

struct opened_source {
    std::unique_ptr<core::lesson_source> source;
    github_source* github =
        nullptr;  // the same object when it is a GitHub source, for the webhook and /healthz
};

// Nothing is fetched yet. The error says what is wrong with the setting or the CA file.
boost::system::result<opened_source, core::source_error> open_any_lesson_source(
    boost::asio::any_io_executor executor, std::string_view spec, github_settings const& settings);

}  // namespace pyfun::github
