#pragma once
// The JSON shapes of the lesson API, exactly as the existing frontend reads them (DESIGN §2).

#include "lesson.hpp"
#include "lesson_source.hpp"
#include "verifier.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace pyfun::core {

// ["a\n", "b"]: a list of strings as a JSON array.
boost::json::array string_array(std::vector<std::string> const& items);

// {"<stage>": {"index": 1, "title": "...", "url": "/stage/<stage>/"}, ...}
boost::json::object stage_map(catalog const& index);

// {"<lesson>": {"index": "1", "title": "...", "url": "/stage/<stage>/<lesson>"}, ...}: the index is a string.
boost::json::object lesson_map(stage_summary const& stage);

// {"title", "author", "description", "code", "fields": ["field_1", ...], "image"?}
boost::json::object lesson_detail(lesson const& l);

// {"result", "stdout", "stderr", "verdict", "time_ms"}
boost::json::object verify_answer(verification const& v);

// Reads field_1..field_n from {"answer": {...}} or from the flat {"field_1": ...} of the old client.
// Returns the values in order, or a message for the learner (a 400).
struct answer_values {
    std::vector<std::string> values;
    std::string error;  // empty when values are good
};
answer_values read_answer(std::string_view body, std::size_t blank_count);

}  // namespace pyfun::core
