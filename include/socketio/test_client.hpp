#pragma once
// socketio::testing::TestClient — an in-process Socket.IO client for an application's unit tests.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include "socketio/ack.hpp"
#include "socketio/detail/handler.hpp"
#include "socketio/json.hpp"
#include "socketio/server.hpp"

namespace socketio::testing {

/// Errors of the test client (category "socketio.testing").
enum class error {
    /// The server did not answer (no CONNECT/CONNECT_ERROR, no ack) by the time it went idle.
    no_response = 1,
    /// An emit on a namespace the client is not connected to.
    not_connected,
    /// The server refused the connection (CONNECT_ERROR, or the engine's on_connect said no).
    connect_refused,
};
const std::error_category& error_category() noexcept;
inline std::error_code make_error_code(error e) noexcept {
    return {static_cast<int>(e), error_category()};
}

/// How the client gets the server's event loops to do the work its calls cause.
enum class Drive {
    /// poll when the server's loops are not running (Server::running() is false, always the case
    /// for a detached server), wait when they are.
    automatic,
    /// The client runs the loops itself, on the calling thread, until no handler is ready: the
    /// usual case (a Server that was never started). Deterministic; no thread of its own.
    poll,
    /// The loops run on their own threads (after Server::start()); the client posts markers to
    /// each loop, several rounds, and waits for them.
    wait,
};

/// The client's connection: where it lives and what its handshake request looks like.
struct TestClientOptions {
    /// See Drive. Default Drive::automatic.
    Drive drive = Drive::automatic;
    /// Index of the server loop the connection lives on. Default: none, round robin over the
    /// loops (so several clients exercise the cross-loop paths of rooms and broadcasts).
    std::optional<std::size_t> loop = std::nullopt;
    /// Handshake::address and request.remote_address. Default "127.0.0.1".
    std::string remote_address = "127.0.0.1";
};

/// What connect() sends. query and headers make the Engine.IO handshake request, so they apply
/// when connect() opens the connection (the first namespace): a later connect() with other
/// values throws std::invalid_argument. auth goes in the namespace's CONNECT packet.
struct ConnectOptions {
    /// Query parameters, besides EIO=4 and transport=websocket. Default {}.
    std::vector<std::pair<std::string, std::string>> query = {};
    /// Request headers, any case (stored lower-case, as the engine does); a "Cookie" header is what
    /// Handshake::cookie() reads. Default {}.
    std::vector<std::pair<std::string, std::string>> headers = {};
    /// The CONNECT packet's auth payload (Handshake::auth). Default null: none.
    json auth = nullptr;
};

/// The server's answer to connect().
struct ConnectResult {
    /// Empty when connected; error::connect_refused (then message and data say why) or
    /// error::no_response.
    std::error_code ec = {};
    std::string sid = {};      ///< the socket's sid in that namespace (empty unless connected)
    std::string message = {};  ///< CONNECT_ERROR's message ("Forbidden" for the engine's refusal)
    json data = nullptr;       ///< CONNECT_ERROR's data (null when the server sent none)
    bool connected() const noexcept { return !ec; }
    explicit operator bool() const noexcept { return connected(); }
};

/// An event the server sent the client.
struct ReceivedEvent {
    std::string name;
    json args = json::array();  ///< its arguments (binary ones as json binary values)
    std::string nsp = "/";
};

// clang-format off
/// An in-process Socket.IO client for unit tests (Flask-SocketIO's SocketIOTestClient): no
/// socket, no thread, no sleep. It stands in for a connection through the engine handler seam
/// (Server::engine_handler()), and encodes and decodes with the server's own parser, so what it
/// sends and sees is what would go over the wire.
///
///   socketio::Server io;                 // the application's server, never started
///   install_chat(io);                    // the application's handlers
///   socketio::testing::TestClient ann{io}, bob{io};
///   ASSERT_TRUE(ann.connect("/", {.auth = {{"token", "t"}}}));
///   bob.connect();
///   auto ack = ann.emit_with_ack("set_nick", "ann");   // {ec, args}
///   EXPECT_EQ(bob.get_received().at(0).name, "user_joined");
///
/// Every call returns when the server has nothing left to do (see Drive): what the server did
/// because of the call, including handlers on the worker pool (handlers.async: the client waits
/// until every pool thread is idle), is visible when it returns. Timers and background tasks are
/// not waited for; wait_for() does that, up to a limit.
///
/// Names, against Flask-SocketIO's test client: connect, disconnect, emit, send, get_received,
/// is_connected as there; emit(…, callback=True) is emit_with_ack; namespace= is the last
/// parameter of the *_args members; the client-side handlers of on() have no Flask counterpart
/// (they answer the server's emit_with_ack).
///
/// Thread safety: a TestClient is used from one thread. With Drive::poll, that thread runs the
/// server's loops: clients of one server must not be used from several threads at once. The
/// server must outlive its clients.
// clang-format on
class TestClient {
  public:
    explicit TestClient(Server& server, TestClientOptions options = {});
    /// Closes the connection if open (the server sees "transport close") and lets the server
    /// handle it.
    ~TestClient();
    TestClient(const TestClient&) = delete;
    TestClient& operator=(const TestClient&) = delete;

    /// Connects to a namespace ("/" by default), opening the connection first if needed. Already
    /// connected: returns the current sid.
    ConnectResult connect(std::string_view nsp = "/", ConnectOptions options = {});
    bool is_connected(std::string_view nsp = "/");
    /// The socket's sid in that namespace (empty when not connected).
    std::string sid(std::string_view nsp = "/");
    /// Why the client left that namespace, in socket.io-client's words: "io server disconnect"
    /// (the server disconnected it), "io client disconnect" (disconnect()), "transport close"
    /// (the server closed the connection, or stopped). Empty while connected or never connected.
    std::string disconnect_reason(std::string_view nsp = "/");
    /// Leaves a namespace (DISCONNECT). Leaving the last one closes the connection, as
    /// socket.io-client does.
    void disconnect(std::string_view nsp = "/");

    /// Emits on "/" (each argument json, anything with to_json, or socketio::Args). Throws
    /// std::system_error(error::not_connected) when not connected.
    template <class... T>
    void emit(std::string_view event, const T&... args) {
        emit_args(event, socketio::detail::make_args(args...));
    }
    /// The "message" event (Flask's send()).
    template <class... T>
    void send(const T&... args) {
        emit_args("message", socketio::detail::make_args(args...));
    }
    /// Emits on "/" asking for an ack: AckResult{ec, args}, args the array of the server's ack
    /// arguments; ec error::no_response when no ack came before the server went idle.
    template <class... T>
    AckResult emit_with_ack(std::string_view event, const T&... args) {
        return emit_args_with_ack(event, socketio::detail::make_args(args...));
    }
    /// The same with the arguments as one JSON array, on any namespace.
    void emit_args(std::string_view event, json args, std::string_view nsp = "/");
    AckResult emit_args_with_ack(std::string_view event, json args, std::string_view nsp = "/");

    /// The events received on a namespace since the last call, oldest first; they are removed
    /// from the client's buffer (as Flask's get_received does). Events the on() handlers answered
    /// are here too.
    std::vector<ReceivedEvent> get_received(std::string_view nsp = "/");

    /// Answers the server's emit_with_ack of `event` on `nsp`: the handler gets the event's
    /// arguments (an array) and returns the ack (socketio::Ack{…}; Ack{} acks with no arguments).
    /// It runs on the thread that uses the client. Without a handler the client never acks (the
    /// server's ack callback gets its timeout, if it set one). Replaces an earlier handler.
    void on(std::string event, std::function<Ack(const json& args)> handler, std::string nsp = "/");

    /// Lets the server finish what is pending (see Drive). Every other member does it already;
    /// call it after acting on the server directly (io.emit, io.disconnect(sid) …) to be sure.
    void run_until_idle();
    /// Keeps the server running (its timers and background tasks too) until an event named
    /// `event` is in the buffer of `nsp`, or `limit` passed. True when it is; the event stays in
    /// the buffer for get_received().
    bool wait_for(std::string_view event, std::chrono::milliseconds limit = std::chrono::seconds(5),
                  std::string_view nsp = "/");

  private:
    struct State;
    std::shared_ptr<State> state_;
};

}  // namespace socketio::testing

template <>
struct std::is_error_code_enum<socketio::testing::error> : std::true_type {};
