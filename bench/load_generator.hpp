#pragma once
// Our load generator: N kept-alive HTTP/1.1 connections (plain or TLS, certificates not checked) to
// 127.0.0.1:PORT on one io_context thread, each a coroutine that sends its request again as soon as the
// answer is in, until a fixed total of requests was sent or a duration passed. An answer counts as an error
// unless it is 2xx and holds the expected text; transport failures count too and the connection is opened
// anew.

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace pyfun::bench {

struct load_request {
    std::string method = "GET";
    std::string target;
    std::string body;           // sent as application/json when not empty
    std::string expect_in_body; // empty: any 2xx answer is a success
};

struct load_options {
    unsigned short port = 0;
    bool tls = false;
    std::size_t connections = 1;
    std::size_t requests = 0;                // total over all connections; 0: no limit (then `duration`)
    std::chrono::milliseconds duration{ 0 }; // 0: no limit (then `requests`)
    std::vector<load_request> mix;           // connection i always sends mix[i % mix.size()]
    std::chrono::milliseconds sample_every{ 1000 };
    std::function<void()> sample; // if set: called at the start, every sample_every and at the end
    std::chrono::milliseconds timeout{ 30000 }; // each connect, handshake, write and read
};

struct load_result {
    double seconds = 0; // the whole run: first connect to the last connection closing
    std::size_t succeeded = 0;
    std::size_t errors = 0;
    std::vector<std::vector<double>> latencies_ms; // per mix entry: write to answer, successes only
    std::optional<std::chrono::steady_clock::time_point> first_success;
    std::string first_error; // what went wrong first, for the report's notes

    double requests_per_second() const;
};

// Blocks until done. Throws std::invalid_argument for an empty mix or no limit at all.
load_result run_load(load_options const& options);

// Builds the client TLS context once (OpenSSL's set-up is not part of a measured start-up).
void prepare_client_tls();

} // namespace pyfun::bench
