// POST /webhook/github: signature checks, and a push to the served ref refreshing the source at once.

#include "github/source_fixture.hpp"

#include "lib/github/github_webhook.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <openssl/hmac.h>

#include <catch2/catch.hpp>

namespace {

namespace net = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;
using pyfun::core::request;
using pyfun::core::response;
using pyfun::github::valid_webhook_signature;
using pyfun::test::run_in;
using pyfun::test::source_fixture;

constexpr char const* secret = "webhook-secret";

// Answers every request it is handed with 299 and counts them: the decorator's "next" handler.
class counting_handler final : public pyfun::core::handler {
  public:
    net::awaitable<response> handle(request) override
    {
        ++calls;
        co_return response{299, {}, "next", {}};
    }
    int calls = 0;
};

std::string sign(std::string const& key, std::string const& body)
{
    unsigned char digest[32];
    unsigned int length = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<unsigned char const*>(body.data()), body.size(), digest, &length);
    std::string out = "sha256=";
    constexpr char hex[] = "0123456789abcdef";
    for (unsigned i = 0; i < length; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 0xf];
    }
    return out;
}

std::string push_body(std::string const& ref, std::string const& after,
                      std::string const& default_branch = "main")
{
    return json::serialize(
        json::object{{"ref", ref},
                     {"before", std::string(40, '0')},
                     {"after", after},
                     {"repository", {{"full_name", "acme/lessons"}, {"default_branch", default_branch}}}});
}

struct webhook_fixture : source_fixture {
    response call(std::string method, std::string path, std::string body, pyfun::core::header_map headers,
                  std::string key = secret)
    {
        pyfun::github::webhook_handler hook{next, *source, std::move(key)};
        return run_in(ioc, hook.handle(request{std::move(method), std::move(path), std::move(headers),
                                               std::move(body)}));
    }

    response push(std::string const& body, std::string signature, std::string event = "push")
    {
        return call("POST", "/webhook/github", body,
                    {{"x-github-event", event}, {"x-hub-signature-256", signature}});
    }

    counting_handler next;
};

}  // namespace

TEST_CASE("webhook signatures are HMAC-SHA256 of the body with the shared secret", "[github]")
{
    // The example in GitHub's documentation on validating webhook deliveries.
    CHECK(valid_webhook_signature("It's a Secret to Everybody", "Hello, World!",
                                  "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"));
    CHECK(valid_webhook_signature("It's a Secret to Everybody", "Hello, World!",
                                  "sha256=757107EA0EB2509FC211221CCE984B8A37570B6D7586C22C46F4379C8B043E17"));
    CHECK_FALSE(
        valid_webhook_signature("It's a Secret to Everybody", "Hello, World?",
                                "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"));
    CHECK_FALSE(
        valid_webhook_signature("another secret", "Hello, World!",
                                "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"));
    auto const bad =
        GENERATE(as<std::string>{}, "", "sha256=", "sha1=757107ea0eb2509fc211221cce984b8a37570b6d",
                 "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e1",
                 "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17 ",
                 "sha256=zz7107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
    CHECK_FALSE(valid_webhook_signature("It's a Secret to Everybody", "Hello, World!", bad));
    CHECK_FALSE(valid_webhook_signature("", "Hello, World!", sign("", "Hello, World!")));
}

TEST_CASE_METHOD(webhook_fixture, "unsigned or badly signed webhook calls are refused and change nothing",
                 "[github]")
{
    open();
    REQUIRE(lesson("stage_1", "lesson_1").has_value());
    auto const served = source->served_commit();
    fake.push({{"stage_1/s1_lesson_1.json", pyfun::test::lesson_json("Changed", "x")}});
    auto const body = push_body("refs/heads/main", fake.head());

    CHECK(push(body, "").status == 401);
    CHECK(push(body, sign("wrong secret", body)).status == 401);
    CHECK(push(body + " ", sign(secret, body)).status == 401);
    auto const refused = call("POST", "/webhook/github", body, {{"x-github-event", "push"}});
    CHECK(refused.status == 401);
    CHECK(json::parse(refused.body).at("fail") == true);
    CHECK(call("GET", "/webhook/github", "", {}).status == 405);
    CHECK(call("POST", "/webhook/github", body, {{"x-hub-signature-256", sign("", body)}}, "").status == 404);
    CHECK(source->served_commit() == served);
    CHECK(fake.count() == 3);
    CHECK(next.calls == 0);
}

TEST_CASE_METHOD(webhook_fixture,
                 "a signed push to the served ref refreshes at once; other requests pass through", "[github]")
{
    open();
    REQUIRE(lesson("stage_1", "lesson_1").has_value());
    auto const pushed = fake.push({{"stage_1/s1_lesson_1.json", pyfun::test::lesson_json("Changed", "x")}});

    auto const other_branch = push_body("refs/heads/feature", pushed);
    auto const ignored = push(other_branch, sign(secret, other_branch));
    CHECK(ignored.status == 202);
    CHECK(json::parse(ignored.body).at("data").at("refreshed") == false);
    CHECK(push("{}", sign(secret, "{}"), "ping").status == 200);
    CHECK(fake.count() == 3);

    auto const body = push_body("refs/heads/main", pushed);
    auto const accepted = push(body, sign(secret, body));
    CHECK(accepted.status == 200);
    CHECK(json::parse(accepted.body).at("data").at("commit").as_string() == pushed);
    CHECK(source->served_commit() == pushed);
    CHECK(fake.count("/git/trees/" + pushed) == 1);  // the pushed commit's tree, no ref round trip
    CHECK(fake.count() == 4);
    CHECK((*lesson("stage_1", "lesson_1"))->title == "Changed");  // well within the ref's TTL
    CHECK(fake.count() == 5);

    auto const passed = call("GET", "/stage", "", {});
    CHECK(passed.status == 299);
    CHECK(next.calls == 1);
}

TEST_CASE_METHOD(webhook_fixture, "a push to the default branch refreshes a source that follows it",
                 "[github]")
{
    open("github:acme/lessons");
    REQUIRE(lesson("stage_1", "lesson_1").has_value());
    auto const pushed = fake.push({{"README.md", "changed\n"}});
    auto const tag = push_body("refs/tags/v1", pushed);
    CHECK(json::parse(push(tag, sign(secret, tag)).body).at("data").at("refreshed") == false);
    auto const body = push_body("refs/heads/main", pushed, "main");
    CHECK(push(body, sign(secret, body)).status == 200);
    CHECK(source->served_commit() == pushed);
}
