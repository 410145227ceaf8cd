#pragma once
// socketio::detail::Client — one Engine.IO session as Socket.IO sees it.

#include <memory>
#include <optional>
#include <string>

#include <boost/asio/steady_timer.hpp>

#include "engineio/session.hpp"
#include "socketio/protocol/parser.hpp"
#include "socketio/socket.hpp"
#include "support.hpp"

namespace socketio::detail {

class ServerCore;
class SocketImpl;

/// One Engine.IO session (engineio::Session::user_data): its decoder, its sockets by namespace,
/// the connect timer. Touched only on the session's loop.
class Client : public std::enable_shared_from_this<Client> {
  public:
    Client(ServerCore& server, engineio::SessionPtr session);

    ServerCore& server;
    engineio::SessionPtr session;
    std::unique_ptr<protocol::Decoder> decoder;
    StringMap<std::shared_ptr<SocketImpl>> sockets;  // by namespace
    /// Node's connectTimeout, until the first CONNECT; then released, so that a connected client
    /// carries no timer (~120 bytes).
    std::unique_ptr<boost::asio::steady_timer> connect_timer;
    /// Why we closed the session ourselves (parse error), for the disconnect reason.
    std::optional<DisconnectReason> close_reason;
    bool closed = false;

    /// Routes a decoded packet; takes its data (by reference: one json move fewer per packet).
    void on_packet(protocol::Packet& packet);
    void on_connect_packet(protocol::Packet& packet);
    /// Closes the Engine.IO session (its on_disconnect then disconnects the sockets).
    void close(DisconnectReason reason);
    void send_packet(const protocol::Packet& packet);
    /// After the connect handlers: CONNECT and the packets held back meanwhile, or the refusal.
    void finish_connect(const std::shared_ptr<SocketImpl>& socket, std::optional<json> refused);
    void send_connect(const std::shared_ptr<SocketImpl>& socket);

  private:
    /// A new socket's handshake: the connection's part (request, address) and `auth`.
    Handshake make_handshake(json auth);
    /// Starts a new socket's session data with Server::set_session_loader's value.
    void seed_session(SocketImpl& socket);
};

}  // namespace socketio::detail
