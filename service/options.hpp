#pragma once
// The server's own command-line flags and PYFUN_* variables, on top of the generic option table.
// main() appends the core's rows to server_option_specs(), parses once, then reads each part.

#include "option_table.hpp"
#include "server.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace pyfun::service {

// --listen, --tls-cert, --tls-key, --plain-http, --max-connections, --max-body-bytes, --request-timeout-ms,
// --idle-timeout-ms, --shutdown-grace-ms, each with its PYFUN_* variable.
std::vector<option_spec> server_option_specs();

struct server_options_result {
    server_options options;
    std::string error;  // empty on success; names the flag or variable holding the bad value
};

// Reads the server's settings from parsed values, with defaults for the unset ones.
server_options_result read_server_options(option_values const& values);

struct listen_address {
    std::string host;
    unsigned short port = 0;
    std::string error;  // "invalid port", "invalid host", ...; empty on success
};

// "HOST:PORT" or "[IPv6]:PORT"; HOST is an IP literal or "localhost" (taken as 127.0.0.1); PORT 0-65535.
listen_address parse_listen_address(std::string_view text);

}  // namespace pyfun::service
