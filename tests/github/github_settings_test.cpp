// The PYFUN_GITHUB_* settings read from the environment, including bad values.

#include "lib/github/github_settings.hpp"

#include <catch2/catch.hpp>

#include <map>

using pyfun::github::github_settings_from_env;

namespace {

pyfun::github::env_lookup environment(std::map<std::string, std::string> values)
{
    return [values = std::move(values)](std::string const& name) -> std::optional<std::string> {
        auto const it = values.find(name);
        return it == values.end() ? std::nullopt : std::optional<std::string>{it->second};
    };
}

}  // namespace

TEST_CASE("GitHub settings come from PYFUN_GITHUB_* variables, with GITHUB_TOKEN as a fallback", "[github]")
{
    auto const defaults = github_settings_from_env(environment({}));
    REQUIRE(defaults.has_value());
    CHECK(defaults->api_base == "https://api.github.com");
    CHECK(defaults->token.empty());
    CHECK(defaults->webhook_secret.empty());
    CHECK(defaults->http.ca_file.empty());

    auto const set = github_settings_from_env(environment({{"PYFUN_GITHUB_API", "https://ghe.example/api/v3/"},
                                                           {"PYFUN_GITHUB_CA_FILE", "/etc/ca.pem"},
                                                           {"PYFUN_GITHUB_TOKEN", "pyfun-token"},
                                                           {"GITHUB_TOKEN", "ci-token"},
                                                           {"PYFUN_GITHUB_WEBHOOK_SECRET", "s3cret"},
                                                           {"PYFUN_GITHUB_CACHE_BYTES", "1048576"},
                                                           {"PYFUN_GITHUB_REF_TTL_MS", "5000"}}));
    REQUIRE(set.has_value());
    CHECK(set->api_base == "https://ghe.example/api/v3");
    CHECK(set->http.ca_file == "/etc/ca.pem");
    CHECK(set->token == "pyfun-token");
    CHECK(set->webhook_secret == "s3cret");
    CHECK(set->cache_bytes == 1048576);
    CHECK(set->ref_ttl == std::chrono::milliseconds{5000});

    auto const fallback = github_settings_from_env(environment({{"GITHUB_TOKEN", "ci-token"}}));
    REQUIRE(fallback.has_value());
    CHECK(fallback->token == "ci-token");
}

TEST_CASE("bad GitHub settings are refused without echoing secrets", "[github]")
{
    using env = std::map<std::string, std::string>;
    auto const bad = GENERATE(env{{"PYFUN_GITHUB_API", "api.github.com"}},
                              env{{"PYFUN_GITHUB_API", "https://user:hunter2@ghe.example/api/v3"}},
                              env{{"PYFUN_GITHUB_API", "ftp://ghe.example"}},
                              env{{"PYFUN_GITHUB_TOKEN", "hunter2\r\nX-Injected: 1"}},
                              env{{"PYFUN_GITHUB_CACHE_BYTES", "lots"}}, env{{"PYFUN_GITHUB_CACHE_BYTES", "-1"}},
                              env{{"PYFUN_GITHUB_REF_TTL_MS", "99999999999"}},
                              env{{"PYFUN_GITHUB_REF_TTL_MS", ""}});
    INFO(bad.begin()->first << "=" << bad.begin()->second);
    auto const settings = github_settings_from_env(environment(bad));
    REQUIRE(settings.has_error());
    CHECK_FALSE(settings.error().message.empty());
    CHECK(settings.error().message.find("hunter2") == std::string::npos);
}
