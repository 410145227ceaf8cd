#pragma once
// socketio::detail::Client — one Engine.IO session as Socket.IO sees it.

#include <algorithm>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "engineio/session.hpp"
#include "socketio/protocol/parser.hpp"
#include "socketio/socket.hpp"
#include "support.hpp"

namespace socketio::detail {

class ServerCore;
class SocketImpl;

/// A client's sockets by namespace, searched in order. A client joins one namespace or a few; a
/// hash map cost ~240 bytes for one (its bucket array, a node), a vector 24 bytes and an
/// allocation of 16 for its one handle; this keeps the first handle inline (24 bytes, no
/// allocation) and an array only from the second namespace on. A socket is found by its
/// namespace's name, not by a copy of it, and comparing one name is cheaper than hashing it.
class SocketsByNamespace {
  public:
    using Handle = std::shared_ptr<SocketImpl>;
    using iterator = Handle*;

    SocketsByNamespace() noexcept { new (&inline_) Handle(); }
    SocketsByNamespace(SocketsByNamespace&& other) noexcept : SocketsByNamespace() { swap(other); }
    SocketsByNamespace& operator=(SocketsByNamespace&& other) noexcept {
        SocketsByNamespace(std::move(other)).swap(*this);
        return *this;
    }
    ~SocketsByNamespace() { release(); }

    iterator begin() noexcept { return data(); }
    iterator end() noexcept { return data() + size_; }
    bool empty() const noexcept { return size_ == 0; }
    std::size_t size() const noexcept { return size_; }
    /// The socket in namespace `nsp`, or end().
    iterator find(std::string_view nsp) noexcept;
    /// Adds the socket of a namespace the client has no socket in yet.
    void add(Handle socket);
    void erase(iterator it) {
        std::move(it + 1, end(), it);
        data()[--size_].reset();
    }
    void erase(std::string_view nsp) {
        if (auto it = find(nsp); it != end()) erase(it);
    }
    void clear() noexcept {
        for (auto& socket : *this) socket.reset();
        size_ = 0;
    }
    void swap(SocketsByNamespace& other) noexcept;

  private:
    bool on_heap() const noexcept { return capacity_ > 1; }
    Handle* data() noexcept { return on_heap() ? heap_ : &inline_; }
    void release() noexcept {
        if (on_heap()) {
            delete[] heap_;
        } else {
            inline_.~Handle();
        }
    }

    union {
        Handle inline_;  // capacity_ 1: the one handle (empty when size_ is 0)
        Handle* heap_;   // capacity_ > 1: an array of capacity_ handles
    };
    std::uint32_t size_ = 0;
    std::uint32_t capacity_ = 1;
};

/// std::optional<DisconnectReason> as Client uses it, in 2 bytes rather than 8: `closed` then fits
/// beside it, and a Client (with its shared_ptr's control block) in a 112-byte block, not 128.
class CloseReason {
  public:
    explicit operator bool() const noexcept { return set_; }
    CloseReason& operator=(DisconnectReason reason) noexcept {
        reason_ = static_cast<std::uint8_t>(reason);
        set_ = true;
        return *this;
    }
    DisconnectReason value_or(DisconnectReason other) const noexcept {
        return set_ ? static_cast<DisconnectReason>(reason_) : other;
    }

  private:
    std::uint8_t reason_ = 0;
    bool set_ = false;
};

/// One Engine.IO session (engineio::Session::user_data): its decoder, its sockets by namespace,
/// the connect timer. Touched only on the session's loop. Held by its session (user_data), the
/// one owner that matters: callers pass that handle where a Client must be kept alive (no
/// enable_shared_from_this, 16 bytes a connection).
class Client {
  public:
    Client(ServerCore& server, engineio::SessionPtr session);

    ServerCore& server;
    engineio::SessionPtr session;
    /// Only while a packet of this client waits for its binary attachments; otherwise its
    /// messages go through its thread's decoder (ServerCore::on_message).
    std::unique_ptr<protocol::Decoder> decoder;
    SocketsByNamespace sockets;
    /// Node's connectTimeout, until the first CONNECT; then released, so that a connected client
    /// carries no timer (~120 bytes).
    std::unique_ptr<boost::asio::steady_timer> connect_timer;
    /// Why we closed the session ourselves (parse error), for the disconnect reason.
    CloseReason close_reason;
    bool closed = false;

    /// Routes a decoded packet; takes its data (by reference: one json move fewer per packet).
    /// `self` is this client's handle.
    void on_packet(protocol::Packet& packet, const std::shared_ptr<Client>& self);
    void on_connect_packet(protocol::Packet& packet, const std::shared_ptr<Client>& self);
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
