#pragma once
// What the Lambda tests share: event fixtures changed in code, the real `bootstrap` started against a fake
// Runtime API, and the reading of the response JSON it posts.

#include "support/fake_runtime_api.hpp"
#include "support/child_process.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace pyfun::test {

// tests/fixtures/lambda/events/<name>.json
boost::json::object event_fixture(std::string_view name);

// An API Gateway REST (payload 1.0) event, with pathParameters as the old per-route functions received them.
std::string rest_event(std::string const& method, std::string const& path,
                       std::map<std::string, std::string> const& path_parameters = {},
                       std::string const& body = {});

// An HTTP API (payload 2.0) event.
std::string http_api_event(std::string const& method, std::string const& path, std::string const& body = {});

// "dir:<tests/fixtures/lambda/lessons>"
std::string lambda_lessons();

// <build>/bin/<name>
std::string binary(std::string const& name);

// Starts the real bootstrap against `api` with the fixture lessons; `arguments` is the image's CMD. Entries
// of `environment` ("NAME=value") win over those defaults.
std::unique_ptr<child_process> start_bootstrap(fake_runtime_api const& api,
                                               std::vector<std::string> const& arguments = {"router"},
                                               std::vector<std::string> const& environment = {});

// The Lambda response JSON a function posted, with its body decoded when isBase64Encoded says so.
struct lambda_answer {
    unsigned status = 0;
    boost::json::object headers;  // `headers`, or `multiValueHeaders` as posted
    std::string body;
    bool base64 = false;
    boost::json::value json_body;  // the body parsed as JSON (null when it is not JSON)
};
lambda_answer read_answer(std::string const& posted);

}  // namespace pyfun::test
