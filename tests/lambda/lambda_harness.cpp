#include "lambda_harness.hpp"

#include "lib/base64.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace json = boost::json;

namespace pyfun::test {

json::object event_fixture(std::string_view name)
{
    std::ifstream in{std::string{PYFUN_FIXTURES} + "/lambda/events/" + std::string{name} + ".json"};
    if (!in)
        throw std::runtime_error("missing event fixture " + std::string{name});
    std::ostringstream text;
    text << in.rdbuf();
    return json::parse(text.str()).as_object();
}

std::string rest_event(std::string const& method, std::string const& path,
                       std::map<std::string, std::string> const& path_parameters, std::string const& body)
{
    auto event = event_fixture("rest_v1");
    event["httpMethod"] = method;
    event["path"] = path;
    event["requestContext"].as_object()["httpMethod"] = method;
    if (path_parameters.empty()) {
        event["pathParameters"] = nullptr;
    }
    else {
        json::object parameters;
        for (auto const& [key, value] : path_parameters)
            parameters[key] = value;
        event["pathParameters"] = std::move(parameters);
    }
    if (body.empty())
        event["body"] = nullptr;
    else
        event["body"] = body;
    return json::serialize(event);
}

std::string http_api_event(std::string const& method, std::string const& path, std::string const& body)
{
    auto event = event_fixture("http_api_v2");
    event["rawPath"] = path;
    auto& http = event["requestContext"].as_object()["http"].as_object();
    http["method"] = method;
    http["path"] = path;
    if (body.empty())
        event.erase("body");
    else
        event["body"] = body;
    return json::serialize(event);
}

std::string lambda_lessons()
{
    return std::string{"dir:"} + PYFUN_FIXTURES + "/lambda/lessons";
}

std::string binary(std::string const& name)
{
    return std::string{PYFUN_BIN_DIR} + "/" + name;
}

std::unique_ptr<child_process> start_bootstrap(fake_runtime_api const& api,
                                               std::vector<std::string> const& arguments,
                                               std::vector<std::string> const& environment)
{
    // The first of two entries with one name is the one getenv() finds: the caller's come first.
    std::vector<std::string> env = environment;
    env.push_back("AWS_LAMBDA_RUNTIME_API=" + api.address());
    env.push_back("PYFUN_LESSONS=" + lambda_lessons());
    return std::make_unique<child_process>(binary("bootstrap"), arguments, env);
}

lambda_answer read_answer(std::string const& posted)
{
    auto const reply = json::parse(posted).as_object();
    lambda_answer answer;
    answer.status = static_cast<unsigned>(reply.at("statusCode").to_number<int>());
    if (auto const* headers = reply.if_contains("headers"))
        answer.headers = headers->as_object();
    else if (auto const* multi = reply.if_contains("multiValueHeaders"))
        answer.headers = multi->as_object();
    answer.base64 = reply.at("isBase64Encoded").as_bool();
    std::string body{reply.at("body").as_string()};
    if (answer.base64)
        body = core::base64_decode(body).value();
    answer.body = body;
    boost::system::error_code ec;
    answer.json_body = json::parse(answer.body, ec);
    if (ec)
        answer.json_body = nullptr;
    return answer;
}

}  // namespace pyfun::test
