#pragma once
// socketio::detail::ServerCore — the server state shared by the public handles; the
// engineio::Handler.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string_view>
#include <vector>

#include <spdlog/logger.h>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/thread_pool.hpp>

#include "background_tasks.hpp"
#include "client_logs.hpp"
#include "engineio/session.hpp"
#include "socketio/adapter.hpp"
#include "socketio/namespace.hpp"
#include "socketio/options.hpp"
#include "socketio/protocol/parser.hpp"
#include "socketio/server.hpp"
#include "support.hpp"

namespace socketio::detail {

class NamespaceImpl;

/// The server state shared by the public handles; the engineio::Handler.
class ServerCore : public engineio::Handler, public std::enable_shared_from_this<ServerCore> {
  public:
    ServerCore(ServerOptions options, std::vector<boost::asio::any_io_executor> loops);
    ~ServerCore() override;

    const ServerOptions options;
    const std::vector<boost::asio::any_io_executor> loops;
    const std::shared_ptr<const protocol::Parser> parser;
    const std::shared_ptr<spdlog::logger> log;
    /// The lines clients can cause, rate-limited per kind.
    ClientLogs logs;
    ErrorHandler default_error_handler;
    /// The public Server that owns this core (Socket::server()); set by its constructor.
    Server* owner = nullptr;
    std::unique_ptr<boost::asio::thread_pool> workers;  // handlers.async
    /// How many threads `workers` has (0 without it): the test client waits for each of them.
    unsigned worker_threads = 0;

    /// The namespace, or null. create: make it if missing.
    std::shared_ptr<NamespaceImpl> find_namespace(std::string_view name) const;
    std::shared_ptr<NamespaceImpl> get_namespace(std::string_view name);
    /// May a client connect to this (non-existing) namespace? (ServerOptions::namespaces)
    bool namespace_allowed(std::string_view name) const;
    std::vector<std::shared_ptr<NamespaceImpl>> all_namespaces() const;
    /// Adapter::close() of every namespace, once (Server::stop(), destruction).
    void close_adapters();

    EncodedPacket encode(const protocol::Packet& packet) const;
    /// Encodes `packet` for one recipient and sends it: a packet without attachments goes out as
    /// one message built straight from its text, with no EncodedPacket around it.
    void send(engineio::Session& session, const protocol::Packet& packet) const;

    // engineio::Handler
    bool on_connect(const engineio::SessionPtr& session) override;
    void on_message(const engineio::SessionPtr& session, std::string_view data,
                    bool binary) override;
    void on_disconnect(const engineio::SessionPtr& session,
                       engineio::DisconnectReason reason) override;

    // stop / background tasks
    void begin_stop();
    bool stopping() const;
    /// Blocks until begin_stop() (Server::run()'s thread waits here).
    void wait_until_stopping();
    bool sleep(std::chrono::milliseconds duration);
    void start_background_task(std::function<void()> task);
    void join_background_tasks();
    /// Detached: disconnects every socket (server shutting down) and closes its sessions.
    void shutdown_detached();

  private:
    struct ThreadDecoder {
        std::weak_ptr<const protocol::Parser> parser;  // whose decoder it is
        std::unique_ptr<protocol::Decoder> decoder;
    };
    static thread_local ThreadDecoder thread_decoder_slot;
    /// The thread's decoder, made for this server's parser if it is not.
    protocol::Decoder& thread_decoder();
    bool owns_thread_decoder_slot() const noexcept;

    mutable std::shared_mutex namespaces_mutex_;
    StringMap<std::shared_ptr<NamespaceImpl>> namespaces_;
    bool adapters_closed_ = false;  // under namespaces_mutex_
    mutable std::mutex stop_mutex_;
    std::condition_variable stop_cv_;
    bool stopping_ = false;
    BackgroundTasks background_;
};

/// The core behind a public Server, for the in-process test client (src/testing), which must see
/// what no public member shows: the worker pool to wait for, and whether the server is stopping.
/// Internal: not installed, reachable only from the library's own targets.
struct ServerAccess {
    static const std::shared_ptr<ServerCore>& core(const Server& server) noexcept {
        return server.core_;
    }
};

/// Socket.IO's reason for an Engine.IO session's end.
DisconnectReason map_reason(engineio::DisconnectReason reason) noexcept;

}  // namespace socketio::detail
