#pragma once
// socketio::detail::NamespaceImpl — one namespace: its handlers, its adapter (it is the adapter's
// host), its local sockets and event dispatch.

#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "common/keyed_set.hpp"
#include "socketio/adapter.hpp"
#include "socketio/namespace.hpp"
#include "socketio/socket.hpp"
#include "support.hpp"

namespace socketio::detail {

class ServerCore;
class SocketImpl;

/// A namespace: its handlers, its adapter, its local sockets.
class NamespaceImpl : public AdapterHost, public std::enable_shared_from_this<NamespaceImpl> {
  public:
    NamespaceImpl(std::string name, ServerCore& server);
    ~NamespaceImpl() override;
    /// Makes the adapter (ServerOptions::adapter, else the in-memory one) and init()s it: outside
    /// the server's namespace lock, since the factory and init() are the application's code.
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
    void describe(SocketInfo& info) const override;
    void on_server_side_event(json data, std::function<void(json args)> respond) override;

    ServerCore& server;
    std::unique_ptr<Adapter> adapter;

    // Handlers: written before the server starts, read-only afterwards.
    StringMap<EventHandler> events;
    std::vector<ConnectHandler> middlewares;  // in the order registered
    ConnectHandler connect_handler;
    DisconnectHandler disconnect_handler;
    CatchAllHandler catch_all;
    AnyHandler any_handler;
    ErrorHandler error_handler;
    std::shared_ptr<NamespaceHandler> class_handler;
    StringMap<ServerSideHandler> server_side_events;  // Namespace::on_server_side
    /// Drops every handler (at server destruction: a handler capturing a handle of its own
    /// namespace would otherwise keep the namespace alive).
    void clear_handlers();

    /// Any thread: a connected socket by sid.
    std::shared_ptr<SocketImpl> find(std::string_view sid) const;
    /// Any thread: the connected socket with this sid on loop `loop`, or null (the in-memory
    /// adapter keeps a handle to each socket, so that a broadcast looks none up).
    std::shared_ptr<SocketImpl> local_socket(std::size_t loop, std::string_view sid) const;
    /// Loop: registers / unregisters a socket (registry, loop map, personal room).
    void add_socket(const std::shared_ptr<SocketImpl>& socket);
    void remove_socket(const std::shared_ptr<SocketImpl>& socket);
    /// At server destruction (loops stopped): forget every socket, so that sockets held by
    /// dropped tasks and this namespace do not keep each other alive.
    void drop_sockets();
    /// Every connected socket (any thread; a snapshot).
    std::vector<std::shared_ptr<SocketImpl>> all_sockets() const;

    /// True when a middleware or the connect handler is a coroutine: the connect then runs as
    /// one (co_run_connect_handlers), else at once (run_connect_handlers).
    bool connects_asynchronously() const noexcept;
    /// Runs the middlewares, then the connect handler; nullopt to accept, else the CONNECT_ERROR
    /// data.
    std::optional<json> run_connect_handlers(Socket& socket, const json& auth);
    /// The same, awaiting the coroutine ones (on the socket's loop). `auth` lives in the socket.
    boost::asio::awaitable<std::optional<json>> co_run_connect_handlers(Socket socket,
                                                                        const json& auth);
    void run_disconnect_handlers(Socket& socket, DisconnectReason reason);
    /// Dispatches an EVENT (on the socket's loop).
    void dispatch_event(const std::shared_ptr<SocketImpl>& socket, json&& data,
                        std::optional<std::uint64_t> ack_id);
    /// The same for an EVENT whose arguments are still their checked JSON text
    /// (protocol::DeferredEvent::args; viewed, so valid only during this call).
    void dispatch_event(const std::shared_ptr<SocketImpl>& socket, std::string event,
                        std::string_view args_text, std::optional<std::uint64_t> ack_id);
    /// Routes an exception from a handler to the error handlers.
    void handle_error(Socket& socket, const std::string& event, const json& args,
                      std::exception_ptr error);

    /// Checks a user-emitted event name; throws std::system_error(error::reserved_event).
    static void check_event_name(std::string_view event);
    /// [event, args…] from a name and an args array.
    static json event_data(std::string_view event, json args);

  private:
    /// Runs the event's handlers here, or posts them to the worker pool (with built arguments:
    /// a deferred text views a buffer that does not outlive this call).
    void dispatch(const std::shared_ptr<SocketImpl>& socket, std::string event, EventArgs& args,
                  std::optional<std::uint64_t> ack_id);
    void run_event(const std::shared_ptr<SocketImpl>& socket, std::string event, EventArgs& args,
                   std::optional<std::uint64_t> ack_id);
    /// Runs a coroutine handler detached on the socket's loop; acks or reports its exception.
    /// `args` is a copy for the error handler.
    void spawn_handler(const std::shared_ptr<SocketImpl>& socket,
                       boost::asio::awaitable<AckArgs> handler, std::string event, json args,
                       std::optional<std::uint64_t> ack_id);
    /// The CONNECT_ERROR data for an exception a connect handler or middleware threw.
    std::optional<json> refusal(std::exception_ptr error) const;

    /// The registry's key: a socket is keyed by its own sid, which the node views rather than
    /// copies (a 20-character sid is a heap string of its own). Defined where SocketImpl is
    /// complete.
    struct SidOf {
        std::string_view operator()(std::string_view sid) const noexcept { return sid; }
        std::string_view operator()(const std::shared_ptr<SocketImpl>& socket) const noexcept;
    };
    /// This namespace's connected sockets, whatever their loop, in one node each (24 bytes): the
    /// in-memory adapter keeps the per-loop handles a broadcast uses, so a second index per loop
    /// only cost a node and a sid string per socket (per-connection memory, issue 11).
    using Registry = std::unordered_set<std::shared_ptr<SocketImpl>, sio::detail::KeyHash<SidOf>,
                                        sio::detail::KeyEqual<SidOf>>;

    std::string name_;
    const std::size_t loop_count_;
    std::atomic<std::uint64_t> next_ack_id_{0};
    mutable std::mutex registry_mutex_;
    Registry registry_;
};

}  // namespace socketio::detail
