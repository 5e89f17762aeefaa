#pragma once
// Where lessons come from: a local folder or (later) a GitHub repository, behind one awaitable interface.

#include "lesson.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace pyfun::core {

struct lesson_summary {
    std::string name;
    int index = 0;
    std::string title;
};

struct stage_summary {
    stage_info stage;
    std::vector<lesson_summary> lessons;  // ordered by index
};

// The index of a whole lesson repository at one moment: stages ordered by index, and every file that
// failed to load with its reason (a broken lesson never takes the others down).
struct catalog {
    std::vector<stage_summary> stages;
    std::vector<load_error> problems;

    stage_summary const* find_stage(std::string_view name) const;
};

class lesson_source {
public:
    virtual ~lesson_source() = default;

    // Returns source_unavailable when the source cannot answer and nothing is cached.
    virtual boost::asio::awaitable<boost::system::result<std::shared_ptr<catalog const>>> get_catalog() = 0;

    // Returns stage_not_found / lesson_not_found for unknown names, source_unavailable as above.
    virtual boost::asio::awaitable<boost::system::result<std::shared_ptr<lesson const>>> get_lesson(
        std::string stage, std::string name) = 0;

    // "dir:/path/to/lessons": for logs and /healthz.
    virtual std::string description() const = 0;
};

}  // namespace pyfun::core
