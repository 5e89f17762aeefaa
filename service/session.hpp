#pragma once
// Internal to pyfun_service: the per-connection coroutines. `tls` null means plain HTTP.
// `conn` must stay alive until the coroutine has completed (the server erases it afterwards).

#include "connection.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <memory>

namespace pyfun::service::detail {

// Serves requests on one connection until the peer closes, a timeout or limit ends it, or the server stops.
boost::asio::awaitable<void> run_session(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context* tls,
                                         std::shared_ptr<session_shared> shared, connection& conn);

// Answers 503 "server busy" with Connection: close, without calling the handler.
boost::asio::awaitable<void> reject_busy(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context* tls,
                                         std::shared_ptr<session_shared> shared, connection& conn);

}  // namespace pyfun::service::detail
