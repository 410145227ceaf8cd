#pragma once
// engineio::Session — one Engine.IO connection as its user (e.g. Socket.IO) sees it.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "engineio/message.hpp"
#include "engineio/request.hpp"

namespace engineio {

/// Why a session ended. Names follow Socket.IO's disconnect reasons (see to_string()).
enum class DisconnectReason {
    client_close,     ///< the client sent a CLOSE packet            ("transport close")
    transport_close,  ///< the connection was closed by the peer     ("transport close")
    transport_error,  ///< read/write error, bad request, overlap     ("transport error")
    ping_timeout,     ///< no PONG within ping_interval+ping_timeout ("ping timeout")
    parse_error,      ///< the client sent an invalid packet         ("parse error")
    server_close,     ///< Session::close() or Server::close()       ("forced close")
    server_shutdown,  ///< Server::stop()                            ("server shutting down")
    send_queue_full,  ///< the client does not read fast enough      ("send queue full")
};
std::string_view to_string(DisconnectReason reason) noexcept;

/// One Engine.IO session. The server creates it; its user holds `std::shared_ptr<Session>`.
///
/// A session lives on one event loop (executor()) for its whole life, across the upgrade from
/// polling to WebSocket.
///
/// Thread safety: sid(), request(), shared_request() and executor() are safe from any thread.
/// send() and close() are safe from any thread: called on the session's loop they act at once, from
/// elsewhere they are posted to it. transport() and loop_index() are safe from any thread.
/// `user_data` belongs to the Handler and may be touched only on the session's loop.
///
/// It is an interface so that an in-process test client can stand in for a real connection.
class Session {
  public:
    virtual ~Session() = default;

    virtual const std::string& sid() const noexcept = 0;
    /// "polling" or "websocket" (after an upgrade, "websocket").
    virtual std::string_view transport() const noexcept = 0;
    virtual const Request& request() const noexcept = 0;
    /// The same request, shared: for a user that keeps it as long as the session (Socket.IO's
    /// handshake) instead of copying its headers and query. The default copies request().
    virtual std::shared_ptr<const Request> shared_request() const {
        return std::make_shared<const Request>(request());
    }
    /// The event loop that owns this session; the reference stays valid as long as the session
    /// (a Socket.IO socket keeps it rather than a copy).
    virtual const boost::asio::any_io_executor& executor() const noexcept = 0;
    /// Index of that loop in Server::loop(i) (0 for a session that belongs to no Server).
    virtual std::size_t loop_index() const noexcept = 0;

    /// Queues a message. Messages are delivered in the order they were sent from one thread.
    /// Over the send-queue bound the session is closed (DisconnectReason::send_queue_full).
    /// After the session closed, a send is silently dropped.
    virtual void send(Message message) = 0;
    /// Queues several messages that go out together and in order (a Socket.IO packet with
    /// binary attachments).
    virtual void send(std::vector<Message> messages) = 0;
    /// Bytes queued for the client and not yet written to it (WebSocket's bufferedAmount), which
    /// ServerOptions::limits.max_send_queue_bytes bounds: a sender can hold back before the bound
    /// closes the session. Exact on the session's loop; from another thread, as of the loop's last
    /// turn.
    virtual std::size_t buffered_bytes() const noexcept { return 0; }
    /// Closes the session (a CLOSE packet, then the transport closes). The handler's
    /// on_disconnect follows with DisconnectReason::server_close.
    virtual void close() = 0;

    /// For the Handler: state it attaches to the session (Socket.IO keeps its client here). Reset
    /// by the server right after on_disconnect.
    std::shared_ptr<void> user_data;
};

using SessionPtr = std::shared_ptr<Session>;

/// The seam between Engine.IO and its user. Every callback runs on the session's loop; a callback
/// must not block it. Exceptions escaping a callback are caught and logged, and close the session.
class Handler {
  public:
    virtual ~Handler() = default;
    /// A new session passed the handshake checks. Return false to refuse it: the client gets
    /// HTTP 403 {"code":4,"message":"Forbidden"} and no session is created.
    virtual bool on_connect(const SessionPtr& /*session*/) { return true; }
    /// A MESSAGE packet arrived. `data` is valid only during the call.
    virtual void on_message(const SessionPtr& /*session*/, std::string_view /*data*/,
                            bool /*binary*/) {}
    /// The session ended; it is the last callback for it. Not called for refused sessions.
    virtual void on_disconnect(const SessionPtr& /*session*/, DisconnectReason /*reason*/) {}
};

}  // namespace engineio
