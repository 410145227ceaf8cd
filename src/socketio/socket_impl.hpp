#pragma once
// socketio::detail::SocketImpl — one socket: one client connected to one namespace.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <typeinfo>
#include <unordered_map>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "engineio/session.hpp"
#include "socketio/adapter.hpp"
#include "socketio/socket.hpp"

namespace socketio::detail {

class NamespaceImpl;
class Client;

/// One socket: one client in one namespace. Fields marked "loop" are touched only on its loop.
class SocketImpl : public std::enable_shared_from_this<SocketImpl> {
  public:
    SocketImpl(std::string sid, std::shared_ptr<NamespaceImpl> ns, engineio::SessionPtr session,
               Handshake handshake);
    ~SocketImpl();
    SocketImpl(const SocketImpl&) = delete;
    SocketImpl& operator=(const SocketImpl&) = delete;

    const std::string sid;
    const std::shared_ptr<NamespaceImpl> ns;
    const engineio::SessionPtr session;  // send() is thread-safe
    /// The session's loop, asked of the session (which this socket holds) rather than kept: two
    /// fields fewer a socket (per-connection memory, issue 11).
    const boost::asio::any_io_executor& executor() const noexcept { return session->executor(); }
    std::size_t loop_index() const noexcept { return session->loop_index(); }
    const Handshake handshake;

    /// True from the CONNECT until the disconnect starts; emits are dropped when false.
    std::atomic<bool> connected{false};

    /// Sends an encoded packet if still connected (any thread).
    void send(const EncodedPacket& packet);
    /// send() for Socket::emit: refuses a packet that would take the connection's send queue over
    /// its bound instead of letting the engine close the connection, and says what it did.
    EmitResult emit(const EncodedPacket& packet);
    /// send() on the socket's loop, which it does not check (a broadcast's task on that loop).
    void send_on_loop(const EncodedPacket& packet);
    /// Sends without the connected check (DISCONNECT, CONNECT_ERROR).
    void send_raw(const EncodedPacket& packet);
    /// Encodes and sends an ACK (any thread).
    void send_ack(std::uint64_t id, json args);
    /// The same for a handler's ack, whose arguments may be an event's text to relay as it came
    /// (then on the loop, while the event's dispatch runs).
    void send_ack(std::uint64_t id, AckArgs& ack);
    /// Registers a pending ack (loop). False when over limits.max_pending_acks or not connected.
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
    void update_session(const std::function<void(json&)>& update);
    /// Socket::data<T>(): the value of this type (made with `make` when there is none), or the
    /// `replacement` installed. Throws std::bad_cast for another type than the one held.
    void* data_slot(const std::type_info& type, DataBox replacement, DataBox (*make)());
    bool holds_data(const std::type_info& type) const;

    // Packets emitted while the connect handlers run wait for CONNECT (in connect_buffer, on the
    // loop: a send from another thread meanwhile is posted there).
    std::atomic<bool> buffering{false};
    /// loop: coroutine connect handlers are running; the socket is not connected yet as far as the
    /// application knows, so its leaving runs no disconnect handler.
    bool connect_pending = false;
    /// loop: the packets held back while buffering, allocated by the first one (most connect
    /// handlers emit nothing; an empty vector inline cost 24 bytes a socket).
    std::unique_ptr<std::vector<EncodedPacket>> connect_buffer;
    /// loop: the client of this socket's connection, which its session holds (user_data) until
    /// on_disconnect; null from then on. (Asked, not kept: a weak pointer was 16 bytes a socket.)
    std::shared_ptr<Client> client() const;

  private:
    /// Runs an ack callback once (if set); an exception from it is logged, never thrown into the
    /// loop.
    void complete(AckCallback& callback, std::error_code ec, json args);

    struct PendingAck {
        AckCallback callback;
        std::unique_ptr<boost::asio::steady_timer> timer;
    };
    /// The pending acks, as a map allocated by the first one: most sockets never wait for an ack
    /// (per-connection memory, issue 11). The map's own interface, as far as it is used.
    class PendingAcks {
        using Map = std::unordered_map<std::uint64_t, PendingAck>;

      public:
        using iterator = Map::iterator;
        std::size_t size() const noexcept { return map_ ? map_->size() : 0; }
        // Without a map, begin() == end() == find(): value-initialised iterators compare equal.
        iterator begin() noexcept { return map_ ? map_->begin() : iterator{}; }
        iterator end() noexcept { return map_ ? map_->end() : iterator{}; }
        iterator find(std::uint64_t id) { return map_ ? map_->find(id) : iterator{}; }
        void erase(iterator it) { map_->erase(it); }
        void emplace(std::uint64_t id, PendingAck ack) {
            if (!map_) map_ = std::make_unique<Map>();
            map_->emplace(id, std::move(ack));
        }
        void clear() noexcept { map_.reset(); }

      private:
        std::unique_ptr<Map> map_;
    };
    PendingAcks acks_;  // loop

    /// The session data and the application data, with their lock: allocated by the first use,
    /// since most sockets have neither (inline, they were 88 bytes a socket).
    struct State {
        // One lock for both. Recursive: an update_session() callback may read data<T>().
        std::recursive_mutex mutex;
        // {} until first saved or updated: an empty object is an allocation of its own.
        json session_data;
        bool session_saved = false;
        DataBox data;
    };
    /// The state, made by the first caller (any thread: the first to publish it wins).
    State& state() const;
    /// Null until the state is made.
    State* state_if_made() const noexcept { return state_.load(std::memory_order_acquire); }
    mutable std::atomic<State*> state_{nullptr};  // owned
};

}  // namespace socketio::detail
