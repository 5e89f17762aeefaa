// Command-line flags and PYFUN_* variables: the generic table and the server's own settings.

#include "service/option_table.hpp"
#include "service/options.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
using pyfun::service::parse_options;
using pyfun::service::read_server_options;
using pyfun::service::server_option_specs;

using environment = std::map<std::string, std::string>;

pyfun::service::env_lookup env_of(environment const& env)
{
    return [env](std::string const& name) -> std::optional<std::string> {
        auto const it = env.find(name);
        if (it == env.end())
            return std::nullopt;
        return it->second;
    };
}

pyfun::service::parse_result parse(std::vector<char const*> args, environment const& env = {})
{
    args.insert(args.begin(), "pyfun-server");
    return parse_options(server_option_specs(), static_cast<int>(args.size()), args.data(), env_of(env));
}

pyfun::service::server_options_result read(std::vector<char const*> args, environment const& env = {})
{
    auto const parsed = parse(std::move(args), env);
    REQUIRE(parsed.error.empty());
    return read_server_options(parsed.values);
}

}  // namespace

TEST_CASE("with no flags and no variables the server options are the defaults", "[service]")
{
    auto const result = read({});
    REQUIRE(result.error.empty());
    auto const& opts = result.options;
    CHECK(opts.host == "127.0.0.1");
    CHECK(opts.port == 8443);
    CHECK_FALSE(opts.plain_http);
    CHECK(opts.tls_cert_file.empty());
    CHECK(opts.max_connections == 512);
    CHECK(opts.max_body_bytes == 1024 * 1024);
    CHECK(opts.read_timeout == 15000ms);
    CHECK(opts.write_timeout == 15000ms);
    CHECK(opts.idle_timeout == 30000ms);
    CHECK(opts.shutdown_grace == 10000ms);
}

TEST_CASE("every server flag is read, in both spellings", "[service]")
{
    auto const result = read({"--listen", "0.0.0.0:9000", "--tls-cert=c.pem", "--tls-key", "k.pem",
                              "--max-connections", "7", "--max-body-bytes=2048", "--request-timeout-ms",
                              "1500", "--idle-timeout-ms", "2500", "--shutdown-grace-ms", "0"});
    REQUIRE(result.error.empty());
    auto const& opts = result.options;
    CHECK(opts.host == "0.0.0.0");
    CHECK(opts.port == 9000);
    CHECK(opts.tls_cert_file == "c.pem");
    CHECK(opts.tls_key_file == "k.pem");
    CHECK(opts.max_connections == 7);
    CHECK(opts.max_body_bytes == 2048);
    CHECK(opts.read_timeout == 1500ms);
    CHECK(opts.write_timeout == 1500ms);
    CHECK(opts.idle_timeout == 2500ms);
    CHECK(opts.shutdown_grace == 0ms);
}

TEST_CASE("environment variables apply and flags win over them", "[service]")
{
    environment const env{{"PYFUN_LISTEN", "127.0.0.1:1111"},
                          {"PYFUN_MAX_CONNECTIONS", "3"},
                          {"PYFUN_PLAIN_HTTP", "yes"},
                          {"PYFUN_IDLE_TIMEOUT_MS", ""}};  // empty counts as unset

    auto const from_env = read({}, env);
    REQUIRE(from_env.error.empty());
    CHECK(from_env.options.port == 1111);
    CHECK(from_env.options.max_connections == 3);
    CHECK(from_env.options.plain_http);
    CHECK(from_env.options.idle_timeout == 30000ms);

    auto const flags_win = read({"--listen", "127.0.0.1:2222", "--max-connections", "9"}, env);
    REQUIRE(flags_win.error.empty());
    CHECK(flags_win.options.port == 2222);
    CHECK(flags_win.options.max_connections == 9);

    auto const switched_off = read({"--plain-http=false"}, env);
    REQUIRE(switched_off.error.empty());
    CHECK_FALSE(switched_off.options.plain_http);
}

TEST_CASE("switch variables take 1/true/yes and 0/false/no", "[service]")
{
    auto const [text, expected] = GENERATE(table<char const*, bool>(
        {{"1", true}, {"true", true}, {"YES", true}, {"0", false}, {"false", false}, {"no", false}}));
    auto const result = read({}, {{"PYFUN_PLAIN_HTTP", text}});
    REQUIRE(result.error.empty());
    CHECK(result.options.plain_http == expected);

    auto const bad = parse({}, {{"PYFUN_PLAIN_HTTP", "maybe"}});
    CHECK(bad.error == "PYFUN_PLAIN_HTTP must be 1/true/yes or 0/false/no, not 'maybe'");
}

TEST_CASE("listen addresses take IPv4, bracketed IPv6 and localhost", "[service]")
{
    auto const v6 = pyfun::service::parse_listen_address("[::1]:8080");
    CHECK(v6.error.empty());
    CHECK(v6.host == "::1");
    CHECK(v6.port == 8080);

    auto const any = pyfun::service::parse_listen_address("[::]:0");
    CHECK(any.error.empty());
    CHECK(any.host == "::");
    CHECK(any.port == 0);

    auto const local = pyfun::service::parse_listen_address("localhost:443");
    CHECK(local.error.empty());
    CHECK(local.host == "127.0.0.1");

    CHECK_FALSE(pyfun::service::parse_listen_address("::1:8080").error.empty());
    CHECK_FALSE(pyfun::service::parse_listen_address("8080").error.empty());
    CHECK_FALSE(pyfun::service::parse_listen_address("example.org:80").error.empty());
}

TEST_CASE("bad values give an error naming the flag or the variable", "[service]")
{
    SECTION("a port out of range on the command line")
    {
        auto const result = read({"--listen", "127.0.0.1:70000"});
        CHECK(result.error == "invalid port (expected 0-65535) in --listen '127.0.0.1:70000'");
    }
    SECTION("a port that is not a number in the environment")
    {
        auto const result = read({}, {{"PYFUN_LISTEN", "127.0.0.1:http"}});
        CHECK(result.error == "invalid port (expected 0-65535) in PYFUN_LISTEN '127.0.0.1:http'");
    }
    SECTION("a host that is not an address")
    {
        auto const result = read({"--listen", "nowhere:80"});
        CHECK(result.error.starts_with("invalid host"));
        CHECK(result.error.find("--listen") != std::string::npos);
    }
    SECTION("a number that is not one")
    {
        auto const result = read({"--max-connections", "12abc"});
        CHECK(result.error.starts_with("invalid value for --max-connections: '12abc'"));
    }
    SECTION("zero connections")
    {
        auto const result = read({}, {{"PYFUN_MAX_CONNECTIONS", "0"}});
        CHECK(result.error.starts_with("invalid value for PYFUN_MAX_CONNECTIONS: '0'"));
    }
    SECTION("a negative timeout")
    {
        auto const result = read({"--request-timeout-ms=-5"});
        CHECK(result.error.starts_with("invalid value for --request-timeout-ms"));
    }
    SECTION("a certificate without a key")
    {
        auto const result = read({"--tls-cert", "c.pem"});
        CHECK(result.error.find("must be given together") != std::string::npos);
    }
    SECTION("plain HTTP with a certificate")
    {
        auto const result = read({"--plain-http", "--tls-cert", "c.pem", "--tls-key", "k.pem"});
        CHECK(result.error.find("--plain-http cannot be combined") != std::string::npos);
    }
}

TEST_CASE("parse errors: unknown options, missing values, stray arguments", "[service]")
{
    CHECK(parse({"--foo"}).error == "unknown option --foo (see --help)");
    CHECK(parse({"--foo=1"}).error == "unknown option --foo (see --help)");
    CHECK(parse({"--listen"}).error == "--listen needs a value (HOST:PORT)");
    CHECK(parse({"--listen", "--plain-http"}).error == "--listen needs a value (HOST:PORT)");
    CHECK(parse({"--listen="}).error == "--listen needs a value (HOST:PORT)");
    CHECK(parse({"serve"}).error == "unexpected argument 'serve' (see --help)");
    CHECK(parse({"--plain-http=perhaps"}).error ==
          "--plain-http must be 1/true/yes or 0/false/no, not 'perhaps'");
}

TEST_CASE("asking for help with --help or -h works even next to mistakes", "[service]")
{
    CHECK(parse({"--help"}).help_requested);
    CHECK(parse({"-h"}).help_requested);
    auto const mixed = parse({"--foo", "--help"});
    CHECK(mixed.help_requested);
    CHECK(mixed.error.empty());
}

TEST_CASE("the help text lists every flag with its variable and default", "[service]")
{
    auto specs = server_option_specs();
    specs.push_back({"--lessons", "PYFUN_LESSONS", "SOURCE", "where lessons come from", "bundled"});
    auto const help = pyfun::service::render_help("pyfun-server", "Serves Python lessons over HTTPS.", specs);

    CHECK(help.starts_with("Usage: pyfun-server [options]"));
    CHECK(help.find("Serves Python lessons over HTTPS.") != std::string::npos);
    for (auto const& spec : specs) {
        INFO(spec.flag);
        CHECK(help.find(spec.flag) != std::string::npos);
        CHECK(help.find(spec.env) != std::string::npos);
        if (!spec.default_text.empty())
            CHECK(help.find(spec.default_text) != std::string::npos);
    }
    CHECK(help.find("--listen HOST:PORT") != std::string::npos);
    CHECK(help.find("-h, --help") != std::string::npos);
}

TEST_CASE("the generic table serves other programs' options too", "[service]")
{
    std::vector<pyfun::service::option_spec> const specs{
        {"--compat", "PYFUN_COMPAT", "MODE", "response shape", "new"},
        {"--verbose", "", "", "more logging", ""},
    };
    std::vector<char const*> args{"tool", "--verbose"};
    auto const parsed = parse_options(specs, static_cast<int>(args.size()), args.data(),
                                      env_of({{"PYFUN_COMPAT", "legacy"}}));
    REQUIRE(parsed.error.empty());
    CHECK(parsed.values.get("--compat") == "legacy");
    CHECK(parsed.values.source("--compat") == "PYFUN_COMPAT");
    CHECK(parsed.values.get_switch("--verbose"));
    CHECK_FALSE(parsed.values.is_set("--other"));

    auto const number = pyfun::service::read_unsigned(parsed.values, "--absent", 42, 1, 100);
    CHECK(number.value == 42);
    CHECK(number.error.empty());
}
