#include "options.hpp"

#include <boost/asio/ip/address.hpp>

#include <charconv>
#include <chrono>
#include <cstdint>

namespace pyfun::service {
namespace {

constexpr std::string_view listen_flag = "--listen";
constexpr std::string_view cert_flag = "--tls-cert";
constexpr std::string_view key_flag = "--tls-key";
constexpr std::string_view plain_flag = "--plain-http";
constexpr std::string_view connections_flag = "--max-connections";
constexpr std::string_view body_flag = "--max-body-bytes";
constexpr std::string_view request_timeout_flag = "--request-timeout-ms";
constexpr std::string_view idle_timeout_flag = "--idle-timeout-ms";
constexpr std::string_view grace_flag = "--shutdown-grace-ms";

constexpr std::uint64_t max_timeout_ms = 60ull * 60 * 1000;  // an hour: larger values are typos
constexpr std::uint64_t max_body_limit = 1ull << 30;

}  // namespace

std::vector<option_spec> server_option_specs()
{
    server_options const defaults;
    auto const ms = [](std::chrono::milliseconds d) { return std::to_string(d.count()); };
    return {
        {std::string{listen_flag}, "PYFUN_LISTEN", "HOST:PORT",
         "address and port to listen on; [::]:PORT for IPv6, port 0 picks a free one",
         defaults.host + ":" + std::to_string(defaults.port)},
        {std::string{cert_flag}, "PYFUN_TLS_CERT", "FILE", "PEM certificate chain, leaf first",
         "a self-signed certificate generated at start"},
        {std::string{key_flag}, "PYFUN_TLS_KEY", "FILE",
         "PEM private key of that certificate (not encrypted)", ""},
        {std::string{plain_flag}, "PYFUN_PLAIN_HTTP", "",
         "serve plain HTTP without TLS (behind a TLS proxy only)", "off"},
        {std::string{connections_flag}, "PYFUN_MAX_CONNECTIONS", "N",
         "open connections served at once; more get 503", std::to_string(defaults.max_connections)},
        {std::string{body_flag}, "PYFUN_MAX_BODY_BYTES", "N",
         "largest request body accepted; larger gets 413", std::to_string(defaults.max_body_bytes)},
        {std::string{request_timeout_flag}, "PYFUN_REQUEST_TIMEOUT_MS", "N",
         "time allowed to read a request and to write its response", ms(defaults.read_timeout)},
        {std::string{idle_timeout_flag}, "PYFUN_IDLE_TIMEOUT_MS", "N",
         "how long a kept-alive connection may wait for its next request", ms(defaults.idle_timeout)},
        {std::string{grace_flag}, "PYFUN_SHUTDOWN_GRACE_MS", "N",
         "on SIGTERM/SIGINT, how long in-flight requests may take before connections are closed",
         ms(defaults.shutdown_grace)},
    };
}

listen_address parse_listen_address(std::string_view text)
{
    listen_address out;
    auto const colon = text.rfind(':');
    if (colon == std::string_view::npos) {
        out.error = "expected HOST:PORT";
        return out;
    }
    auto host = text.substr(0, colon);
    auto const port_text = text.substr(colon + 1);
    if (host.starts_with('[') && host.ends_with(']'))
        host = host.substr(1, host.size() - 2);
    else if (host.find(':') != std::string_view::npos) {
        out.error = "IPv6 addresses need brackets, as in [::1]:8443";
        return out;
    }

    unsigned port = 0;
    auto const [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (port_text.empty() || ec != std::errc{} || end != port_text.data() + port_text.size() ||
        port > 65535) {
        out.error = "invalid port (expected 0-65535)";
        return out;
    }

    out.host = host == "localhost" ? std::string{"127.0.0.1"} : std::string{host};
    boost::system::error_code bad_address;
    boost::asio::ip::make_address(out.host, bad_address);
    if (bad_address) {
        out.error = "invalid host (expected an IP address such as 127.0.0.1, 0.0.0.0 or [::])";
        return out;
    }
    out.port = static_cast<unsigned short>(port);
    return out;
}

server_options_result read_server_options(option_values const& values)
{
    server_options_result result;
    auto& opts = result.options;

    if (auto const listen = values.get(listen_flag)) {
        auto const address = parse_listen_address(*listen);
        if (!address.error.empty()) {
            result.error = address.error + " in " + values.source(listen_flag) + " '" + *listen + "'";
            return result;
        }
        opts.host = address.host;
        opts.port = address.port;
    }

    opts.tls_cert_file = values.get(cert_flag).value_or("");
    opts.tls_key_file = values.get(key_flag).value_or("");
    opts.plain_http = values.get_switch(plain_flag);
    if (opts.plain_http && (!opts.tls_cert_file.empty() || !opts.tls_key_file.empty())) {
        result.error = values.source(plain_flag) + " cannot be combined with a TLS certificate or key";
        return result;
    }
    if (opts.tls_cert_file.empty() != opts.tls_key_file.empty()) {
        result.error = "a TLS certificate and key must be given together (" + values.source(cert_flag) +
                       ", " + values.source(key_flag) + ")";
        return result;
    }

    auto const connections = read_unsigned(values, connections_flag, opts.max_connections, 1, 1'000'000);
    auto const body = read_unsigned(values, body_flag, opts.max_body_bytes, 1, max_body_limit);
    auto const request_ms =
        read_unsigned(values, request_timeout_flag, static_cast<std::uint64_t>(opts.read_timeout.count()), 1,
                      max_timeout_ms);
    auto const idle_ms = read_unsigned(
        values, idle_timeout_flag, static_cast<std::uint64_t>(opts.idle_timeout.count()), 1, max_timeout_ms);
    auto const grace_ms = read_unsigned(
        values, grace_flag, static_cast<std::uint64_t>(opts.shutdown_grace.count()), 0, max_timeout_ms);
    for (auto const* number : {&connections, &body, &request_ms, &idle_ms, &grace_ms}) {
        if (!number->error.empty()) {
            result.error = number->error;
            return result;
        }
    }
    opts.max_connections = static_cast<std::size_t>(connections.value);
    opts.max_body_bytes = static_cast<std::size_t>(body.value);
    opts.read_timeout = opts.write_timeout =
        std::chrono::milliseconds{static_cast<std::int64_t>(request_ms.value)};
    opts.idle_timeout = std::chrono::milliseconds{static_cast<std::int64_t>(idle_ms.value)};
    opts.shutdown_grace = std::chrono::milliseconds{static_cast<std::int64_t>(grace_ms.value)};
    return result;
}

}  // namespace pyfun::service
