#pragma once
// Entry point of the HTTP connection (http_connection.cpp).

#include <memory>

#include <boost/asio/ip/tcp.hpp>

#include "internal.hpp"

namespace engineio::detail {

/// Serves HTTP (and WebSocket upgrades) on an accepted socket. Call on the socket's loop.
void start_connection(boost::asio::ip::tcp::socket socket, const std::shared_ptr<Core>& core,
                      Peer peer);

}  // namespace engineio::detail
