#pragma once
// socketio::error — the Socket.IO server's error codes, and socketio::ConnectionRefused.

#include <cstddef>
#include <stdexcept>
#include <string>
#include <system_error>
#include <type_traits>
#include "socketio/json.hpp"

namespace socketio {

/// Errors of the Socket.IO server layer (category "socketio"). Acks report them through the
/// std::error_code of their callback; emitting a reserved event name throws std::system_error.
enum class error {
    ack_timeout = 1,        ///< no ack arrived within the timeout of the emit
    socket_disconnected,    ///< the socket disconnected before it acknowledged
    too_many_pending_acks,  ///< the socket already has ServerOptions::limits.max_pending_acks
                            ///< pending
    reserved_event,         ///< emit of a reserved name (connect, disconnect, …)
    invalid_handler,        ///< a handler whose signature does not fit its event
    not_listening,          ///< the server has no engine (a detached server) or is not listening
    /// a cluster request (fetch_sockets, an ack across servers, …) was refused: the cluster
    /// adapter already waits for ClusterOptions::max_pending_requests answers
    too_many_pending_requests,
};

/// The category of socketio::error (name "socketio"), named like those of the layers below:
/// engineio::error_category() ("engineio"), socketio::protocol::error_category()
/// ("socketio.protocol").
const std::error_category& error_category() noexcept;
inline std::error_code make_error_code(error e) noexcept {
    return {static_cast<int>(e), error_category()};
}

/// What a typed handler throws in place of running when a client's argument does not convert to
/// its parameter type (`[](Socket&, int n)` called with "ten"): the client's mistake, so without an
/// error handler it is logged at info (rate-limited), not at error. The error handler gets it like
/// any exception: `catch (const socketio::ArgumentError& e)`, e.index() is the argument's position
/// (0 = the first after the event name), e.what() says what was wrong.
class ArgumentError : public std::invalid_argument {
  public:
    ArgumentError(std::size_t index, const std::string& what)
        : std::invalid_argument("argument " + std::to_string(index) + ": " + what), index_(index) {}
    std::size_t index() const noexcept { return index_; }

  private:
    std::size_t index_;
};

/// Thrown by a connect handler to refuse the connection. The client receives CONNECT_ERROR with
/// {"message": message} plus {"data": data} when data is not null (python-socketio's
/// ConnectionRefusedError, Node's `next(err)` with `err.data`).
class ConnectionRefused : public std::runtime_error {
  public:
    explicit ConnectionRefused(std::string message = "Connection rejected by server",
                               json data = nullptr)
        : std::runtime_error(std::move(message)), data_(std::move(data)) {}
    const json& data() const noexcept { return data_; }

  private:
    json data_;
};

}  // namespace socketio

template <>
struct std::is_error_code_enum<socketio::error> : std::true_type {};
