#pragma once
// Structured log lines for the Lambda runtime: one JSON object per line on stderr (CloudWatch keeps each line
// as one record). A log made for an invocation puts its request id into every line it writes.

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

namespace pyfun::lambda {

class json_log {
public:
    json_log() = default;  // start-up and shutdown lines: no request id
    explicit json_log(std::string request_id);

    void info(std::string_view message, boost::json::object fields = {}) const;
    void error(std::string_view message, boost::json::object fields = {}) const;

private:
    void write(std::string_view level, std::string_view message, boost::json::object fields) const;

    std::string request_id_;
};

}  // namespace pyfun::lambda
