#include "api_json.hpp"

#include "blanks.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

namespace json = boost::json;

namespace pyfun::core {

json::array string_array(std::vector<std::string> const& items)
{
    json::array out;
    out.reserve(items.size());
    for (auto const& item : items)
        out.emplace_back(item);
    return out;
}

json::object stage_map(catalog const& index)
{
    json::object out;
    for (auto const& stage : index.stages) {
        auto const& info = stage.stage;
        out[info.name] = {{"index", info.index}, {"title", info.title}, {"url", "/stage/" + info.name + "/"}};
    }
    return out;
}

json::object lesson_map(stage_summary const& stage)
{
    json::object out;
    for (auto const& l : stage.lessons)
        out[l.name] = {{"index", std::to_string(l.index)},
                       {"title", l.title},
                       {"url", "/stage/" + stage.stage.name + "/" + l.name}};
    return out;
}

json::object lesson_detail(lesson const& l)
{
    json::array fields;
    for (std::size_t i = 1; i <= l.blank_count; ++i)
        fields.emplace_back(field_name(i));
    json::object out{{"title", l.title},
                     {"author", l.author},
                     {"description", string_array(l.description)},
                     {"code", string_array(l.code)},
                     {"fields", std::move(fields)}};
    if (l.image)
        out["image"] = *l.image;
    return out;
}

json::object verify_answer(verification const& v)
{
    return {{"result", v.accepted()},
            {"stdout", string_array(v.stdout_lines)},
            {"stderr", string_array(v.stderr_lines)},
            {"verdict", verdict_name(v.outcome)},
            {"time_ms", v.time.count()}};
}

answer_values read_answer(std::string_view body, std::size_t blank_count)
{
    json::parse_options options;
    options.max_depth = 8;
    boost::system::error_code ec;
    auto const parsed = json::parse(body, ec, {}, options);
    if (ec)
        return {{}, "the request body is not valid JSON: " + ec.message()};
    if (!parsed.is_object())
        return {{}, "the request body must be a JSON object"};
    auto const* fields = &parsed.get_object();
    if (auto const* nested = fields->if_contains("answer")) {
        if (!nested->is_object())
            return {{}, "\"answer\" must be an object of field_N strings"};
        fields = &nested->get_object();
    }
    answer_values out;
    for (std::size_t i = 1; i <= blank_count; ++i) {
        auto const name = field_name(i);
        auto const* value = fields->if_contains(name);
        if (!value)
            return {{}, "missing " + name};
        if (!value->is_string())
            return {{}, name + " must be a string"};
        out.values.emplace_back(value->get_string());
    }
    return out;
}

}  // namespace pyfun::core
