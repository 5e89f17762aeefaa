#include "json_log.hpp"

#include <boost/json/serialize.hpp>

#include <chrono>
#include <cstdio>

namespace json = boost::json;

namespace pyfun::lambda {
namespace {

// "2024-05-01T12:00:00.123Z"
std::string utc_now()
{
    using namespace std::chrono;
    auto const now = floor<milliseconds>(system_clock::now());
    auto const day = floor<days>(now);
    year_month_day const date{day};
    hh_mm_ss const time{now - day};
    char text[40];
    std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02ld:%02ld:%02lld.%03lldZ",
                  static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                  static_cast<unsigned>(date.day()), static_cast<long>(time.hours().count()),
                  static_cast<long>(time.minutes().count()), static_cast<long long>(time.seconds().count()),
                  static_cast<long long>(time.subseconds().count()));
    return text;
}

}  // namespace

json_log::json_log(std::string request_id) : request_id_{std::move(request_id)} {}

void json_log::info(std::string_view message, json::object fields) const
{
    write("info", message, std::move(fields));
}

void json_log::error(std::string_view message, json::object fields) const
{
    write("error", message, std::move(fields));
}

void json_log::write(std::string_view level, std::string_view message, json::object fields) const
{
    json::object line{{"time", utc_now()}, {"level", level}};
    if (!request_id_.empty())
        line["request_id"] = request_id_;
    line["message"] = message;
    for (auto& [key, value] : fields)
        line[key] = std::move(value);
    auto text = json::serialize(line);
    text += '\n';
    // One write per line, so lines of concurrent writers (our children's stderr is never ours) never
    // interleave.
    std::fwrite(text.data(), 1, text.size(), stderr);
    std::fflush(stderr);
}

}  // namespace pyfun::lambda
