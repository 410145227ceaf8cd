#pragma once
// Internals of the Socket.IO server: ServerCore (the engine handler), Client (one Engine.IO
// session), NamespaceImpl (handlers, adapter host, local sockets), SocketImpl (one socket).
// Not installed; only src/socketio and its unit tests include this.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include <spdlog/logger.h>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include "engineio/session.hpp"
#include "socketio/namespace.hpp"
#include "socketio/options.hpp"
#include "socketio/protocol/parser.hpp"
#include "socketio/socket.hpp"

namespace socketio::detail {

class ServerCore;
class NamespaceImpl;
class Client;

/// True when the calling thread runs `executor` (an io_context executor).
bool running_in(const boost::asio::any_io_executor& executor) noexcept;

/// A random 20-character base64url id (15 bytes from the OS CSPRNG).
std::string generate_sid();

/// Transparent hashing so maps keyed by std::string can be searched with a string_view.
struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
        return std::hash<std::string_view>{}(s);
    }
};
template <class V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

/// One socket: one client in one namespace. Fields marked "loop" are touched only on its loop.
class SocketImpl : public std::enable_shared_from_this<SocketImpl> {
  public:
    SocketImpl(std::string sid, std::shared_ptr<NamespaceImpl> ns, std::shared_ptr<Client> client,
               Handshake handshake);

    const std::string sid;
    const std::shared_ptr<NamespaceImpl> ns;
    const engineio::SessionPtr session;  // send() is thread-safe
    const boost::asio::any_io_executor executor;
    const std::size_t loop_index;
    const Handshake handshake;

    /// True from the CONNECT until the disconnect starts; emits are dropped when false.
    std::atomic<bool> connected{false};

    /// Sends an encoded packet if still connected (any thread).
    void send(const EncodedPacket& packet);
    /// Sends without the connected check (DISCONNECT, CONNECT_ERROR).
    void send_raw(const EncodedPacket& packet);
    /// Encodes and sends an ACK (any thread).
    void send_ack(std::uint64_t id, json args);
    /// Registers a pending ack (loop). False when over max_pending_acks or not connected.
    bool add_pending_ack(std::uint64_t id, AckCallback callback,
                         std::optional<std::chrono::milliseconds> timeout);
    /// An ACK arrived (loop).
    void on_ack(std::uint64_t id, json args);
    /// Emit with ack, from any thread.
    void emit_with_ack(json data, AckCallback callback,
                       std::optional<std::chrono::milliseconds> timeout);
    /// Leaves the namespace (loop): the disconnect handler, pending acks failed, rooms left.
    /// `notify_client` sends DISCONNECT first.
    void close(DisconnectReason reason, bool notify_client);

    json get_session() const;
    void save_session(json session);

    // loop: packets emitted on the loop while the connect handler runs wait for CONNECT.
    bool buffering = false;
    std::vector<EncodedPacket> connect_buffer;
    std::weak_ptr<Client> client;  // loop

  private:
    struct PendingAck {
        AckCallback callback;
        std::unique_ptr<boost::asio::steady_timer> timer;
    };
    std::unordered_map<std::uint64_t, PendingAck> acks_;  // loop
    mutable std::mutex session_mutex_;
    json session_data_ = json::object();
};

/// A namespace: its handlers, its adapter, its local sockets.
class NamespaceImpl : public AdapterHost, public std::enable_shared_from_this<NamespaceImpl> {
  public:
    NamespaceImpl(std::string name, ServerCore& server);
    ~NamespaceImpl() override;
    void init_adapter();

    // AdapterHost
    const std::string& name() const noexcept override { return name_; }
    std::size_t loop_count() const noexcept override;
    boost::asio::any_io_executor executor(std::size_t loop) const override;
    void dispatch(std::size_t loop, std::function<void()> task) override;
    std::optional<std::size_t> loop_of(std::string_view sid) const override;
    EncodedPacket encode_event(const json& data,
                               std::optional<std::uint64_t> ack_id = std::nullopt) const override;
    std::uint64_t next_ack_id() noexcept override { return next_ack_id_++; }
    void send(std::size_t loop, const std::vector<std::string>& sids,
              const EncodedPacket& packet) override;
    std::size_t send_with_ack(std::size_t loop, const std::vector<std::string>& sids,
                              const EncodedPacket& packet, std::uint64_t ack_id,
                              AckCallback on_ack) override;
    void disconnect(std::size_t loop, const std::vector<std::string>& sids, bool close) override;

    ServerCore& server;
    std::unique_ptr<Adapter> adapter;

    // Handlers: written before the server starts, read-only afterwards.
    StringMap<EventHandler> events;
    ConnectHandler connect_handler;
    DisconnectHandler disconnect_handler;
    CatchAllHandler catch_all;
    ErrorHandler error_handler;
    std::shared_ptr<NamespaceHandler> class_handler;

    /// Any thread: a connected socket by sid.
    std::shared_ptr<SocketImpl> find(std::string_view sid) const;
    /// Loop: registers / unregisters a socket (registry, loop map, personal room).
    void add_socket(const std::shared_ptr<SocketImpl>& socket);
    void remove_socket(const std::shared_ptr<SocketImpl>& socket);
    /// At server destruction (loops stopped): forget every socket, so that sockets held by
    /// dropped tasks and this namespace do not keep each other alive.
    void drop_sockets();
    /// Every connected socket (any thread; a snapshot).
    std::vector<std::shared_ptr<SocketImpl>> all_sockets() const;

    /// Runs the connect handlers; returns nullopt to accept, else the CONNECT_ERROR data.
    std::optional<json> run_connect_handlers(Socket& socket, const json& auth);
    void run_disconnect_handlers(Socket& socket, DisconnectReason reason);
    /// Dispatches an EVENT (on the socket's loop).
    void dispatch_event(const std::shared_ptr<SocketImpl>& socket, json data,
                        std::optional<std::uint64_t> ack_id);
    /// Routes an exception from a handler to the error handlers.
    void handle_error(Socket& socket, const std::string& event, const json& args,
                      std::exception_ptr error);

    /// Checks a user-emitted event name; throws std::system_error(error::reserved_event).
    static void check_event_name(std::string_view event);
    /// [event, args…] from a name and an args array.
    static json event_data(std::string_view event, json args);

  private:
    void run_event(const std::shared_ptr<SocketImpl>& socket, std::string event, json args,
                   std::optional<std::uint64_t> ack_id);
    /// Runs a coroutine handler detached on the socket's loop; acks or reports its exception.
    /// `args` is a copy for the error handler.
    void spawn_handler(const std::shared_ptr<SocketImpl>& socket,
                       boost::asio::awaitable<json> handler, std::string event, json args,
                       std::optional<std::uint64_t> ack_id);

    std::string name_;
    std::atomic<std::uint64_t> next_ack_id_{0};
    mutable std::mutex registry_mutex_;
    StringMap<std::shared_ptr<SocketImpl>> registry_;
    std::vector<StringMap<std::shared_ptr<SocketImpl>>> local_;  // per loop, touched on that loop
};

/// One Engine.IO session as Socket.IO sees it (engineio::Session::user_data).
class Client : public std::enable_shared_from_this<Client> {
  public:
    Client(ServerCore& server, engineio::SessionPtr session);

    ServerCore& server;
    engineio::SessionPtr session;
    std::unique_ptr<protocol::Decoder> decoder;
    StringMap<std::shared_ptr<SocketImpl>> sockets;  // by namespace
    boost::asio::steady_timer connect_timer;
    /// Why we closed the session ourselves (parse error), for the disconnect reason.
    std::optional<DisconnectReason> close_reason;
    bool closed = false;

    void on_packet(protocol::Packet packet);
    void on_connect_packet(protocol::Packet& packet);
    /// Closes the Engine.IO session (its on_disconnect then disconnects the sockets).
    void close(DisconnectReason reason);
    void send_packet(const protocol::Packet& packet);
};

/// The server state shared by the public handles; the engineio::Handler.
class ServerCore : public engineio::Handler, public std::enable_shared_from_this<ServerCore> {
  public:
    ServerCore(ServerOptions options, std::vector<boost::asio::any_io_executor> loops);
    ~ServerCore() override;

    const ServerOptions options;
    const std::vector<boost::asio::any_io_executor> loops;
    const std::shared_ptr<const protocol::Parser> parser;
    const std::shared_ptr<spdlog::logger> log;
    ErrorHandler default_error_handler;
    std::unique_ptr<boost::asio::thread_pool> workers;  // async_handlers

    /// The namespace, or null. create: make it if missing.
    std::shared_ptr<NamespaceImpl> find_namespace(std::string_view name) const;
    std::shared_ptr<NamespaceImpl> get_namespace(std::string_view name);
    /// May a client connect to this (non-existing) namespace? (ServerOptions::namespaces)
    bool namespace_allowed(std::string_view name) const;
    std::vector<std::shared_ptr<NamespaceImpl>> all_namespaces() const;

    EncodedPacket encode(const protocol::Packet& packet) const;

    // engineio::Handler
    bool on_connect(const engineio::SessionPtr& session) override;
    void on_message(const engineio::SessionPtr& session, std::string_view data,
                    bool binary) override;
    void on_disconnect(const engineio::SessionPtr& session,
                       engineio::DisconnectReason reason) override;

    // stop / background tasks
    void begin_stop();
    bool stopping() const;
    bool sleep(std::chrono::milliseconds duration);
    void start_background_task(std::function<void()> task);
    void join_background_tasks();
    /// Detached: disconnects every socket (server shutting down) and closes its sessions.
    void shutdown_detached();

  private:
    mutable std::shared_mutex namespaces_mutex_;
    StringMap<std::shared_ptr<NamespaceImpl>> namespaces_;
    mutable std::mutex stop_mutex_;
    std::condition_variable stop_cv_;
    bool stopping_ = false;
    std::vector<std::thread> background_;
};

inline protocol::Packet make_packet(protocol::PacketType type, std::string nsp, json data,
                                    std::optional<std::uint64_t> id = std::nullopt) {
    protocol::Packet packet;
    packet.type = type;
    packet.nsp = std::move(nsp);
    packet.id = id;
    packet.data = std::move(data);
    return packet;
}

DisconnectReason map_reason(engineio::DisconnectReason reason) noexcept;
Handshake make_handshake(const engineio::Request& request, json auth, bool trust_forwarded_for);

}  // namespace socketio::detail
