#pragma once
// Entry point of the HTTP connection (http_connection.cpp).

#include <memory>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "internal.hpp"

namespace engineio::detail {

/// Serves HTTP (and WebSocket upgrades) on an accepted socket. Call on the socket's loop.
void start_connection(LoopSocket socket, const std::shared_ptr<Core>& core, Peer peer);

/// Serves a connection whose first request its owner read (Server::handle): answers `request`,
/// then reads on from `already_read`. Call on the socket's loop; plain TCP.
void start_handed_connection(LoopSocket socket, const std::shared_ptr<Core>& core, Peer peer,
                             StringRequest request, boost::beast::flat_buffer already_read);

}  // namespace engineio::detail
