#pragma once
// Internal to pyfun_service: what the server and a session share about one open connection.
// Everything here is touched only on the server's executor, so it needs no locks.

#include "server.hpp"

#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <string>

namespace pyfun::service::detail {

// Owned by the server (in a list, so its address is stable) from accept until the session has ended.
struct connection {
    boost::asio::ip::tcp::socket* socket = nullptr;  // the session's socket while the session runs
    boost::asio::cancellation_signal cancel;         // terminal cancellation once the grace period is over
    std::string remote;                              // "127.0.0.1:50312", for the log
    bool idle = true;                                // no request in progress: stop() may close it at once
    bool forced = false;  // closed by the server after the grace period: end without logging errors
    bool counted = true;  // a served session (counts against max_connections), not a 503 rejection
};

// Shared by the server and every session; sessions hold it so it outlives them.
struct session_shared {
    server_options options;
    core::handler& handler;
    log_sink log;
    bool stopping = false;
};

}  // namespace pyfun::service::detail
