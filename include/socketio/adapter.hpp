#pragma once
// socketio::Adapter — the seam for every room and broadcast operation; InMemoryAdapter, the
// default and the local half of cluster adapters.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "engineio/message.hpp"
#include "socketio/ack.hpp"
#include "socketio/json.hpp"

namespace socketio {

/// Which sockets a broadcast (or a room query) addresses.
struct BroadcastOptions {
    /// Sockets in any of these rooms (a sid is a room: the socket's personal room).
    /// Empty (default): every socket of the namespace.
    std::vector<std::string> rooms = {};
    /// Minus the sockets in any of these rooms (or with these sids). Empty (default): none.
    std::vector<std::string> except = {};
    /// This process only: a cluster adapter does not publish it (default false).
    bool local = false;
};

/// A socket as a query across the cluster reports it (Node's fetchSockets() result,
/// socketioxide's RemoteSocketData): plain data, copied, valid after the socket left.
struct SocketInfo {
    std::string sid;
    std::string nsp;  ///< its namespace
    /// Its rooms, sorted (its personal room, its sid, among them).
    std::vector<std::string> rooms = {};
    /// Node's socket.handshake: {"headers", "query", "url", "address", "secure", "issued",
    /// "auth"} (headers and query as objects of strings).
    json handshake = json::object();
    /// Its session data (Socket::get_session(); the typed Socket::data<T>() does not travel).
    json data = json::object();
    /// Adapter::server_id() of the server that holds it (empty with the in-memory adapter).
    std::string server_id = {};
    /// True when it is connected to this process (Namespace::socket(sid) finds it).
    bool local = false;
};

/// One recipient's answer to a broadcast with acks.
struct SocketAck {
    std::string sid;
    json args = json::array();  ///< the arguments it acknowledged with
};

/// The outcome of a broadcast with acks, over every server of a cluster.
struct BroadcastAcks {
    /// Empty when every recipient answered (or left); error::ack_timeout when the timeout expired
    /// first (a server that did not report in time counts as missing).
    std::error_code ec;
    /// How many sockets got the packet, summed over the servers that reported in time.
    std::size_t expected = 0;
    /// The answers that arrived, one per socket, in arrival order.
    std::vector<SocketAck> acks = {};
};

/// Completion of Adapter::broadcast_with_ack.
using BroadcastAcksCallback = std::function<void(BroadcastAcks acks)>;
/// Completion of Adapter::fetch_sockets: the sockets found (those of the servers that answered in
/// time; ec == error::ack_timeout when one did not).
using FetchSocketsCallback = std::function<void(std::error_code ec, std::vector<SocketInfo>)>;
/// Completion of Adapter::fetch_rooms: every room with a socket on any server that answered.
using FetchRoomsCallback = std::function<void(std::error_code ec, std::vector<std::string>)>;
/// Completion of Adapter::broadcast: every event loop of this process has queued the packet to its
/// recipients.
using QueuedCallback = std::function<void()>;

/// One packet encoded once: the Engine.IO messages every recipient shares.
using EncodedPacket = std::shared_ptr<const std::vector<engineio::Message>>;

/// What a namespace gives its adapter: its event loops, the encoder, and its local sockets.
/// Implemented by the server; an adapter never sees a socket object, only sids.
///
/// Thread safety: name(), loop_count(), executor(), dispatch(), loop_of(), encode() and
/// next_ack_id() are safe from any thread. send(), send_with_ack() and disconnect() must run on the
/// loop they name (use dispatch()).
class AdapterHost {
  public:
    virtual ~AdapterHost() = default;
    /// The namespace ("/", "/admin").
    virtual const std::string& name() const noexcept = 0;
    virtual std::size_t loop_count() const noexcept = 0;
    /// The executor of event loop `loop` (for an adapter's own timers).
    virtual boost::asio::any_io_executor executor(std::size_t loop) const = 0;
    /// Runs `task` on event loop `loop`: at once when called on that loop, else posted.
    virtual void dispatch(std::size_t loop, std::function<void()> task) = 0;
    /// The loop of a connected local socket, or nullopt.
    virtual std::optional<std::size_t> loop_of(std::string_view sid) const = 0;
    /// Encodes an EVENT of this namespace (`data` = [name, args…]) with an optional ack id.
    virtual EncodedPacket encode_event(
        const json& data, std::optional<std::uint64_t> ack_id = std::nullopt) const = 0;
    /// A fresh ack id of this namespace (Node: one id shared by every recipient of a broadcast).
    virtual std::uint64_t next_ack_id() noexcept = 0;
    /// On loop `loop`: sends the packet to those of `sids` that are still connected there.
    virtual void send(std::size_t loop, const std::vector<std::string>& sids,
                      const EncodedPacket& packet) = 0;
    /// On loop `loop`: sends the packet and waits for each socket's ACK with id `ack_id`;
    /// `on_ack(ec, args)` runs once per socket that got it (on that loop): with the socket's ack
    /// arguments, or with error::socket_disconnected when it left first. Returns how many got
    /// it (sockets over their pending-ack bound are skipped).
    virtual std::size_t send_with_ack(std::size_t loop, const std::vector<std::string>& sids,
                                      const EncodedPacket& packet, std::uint64_t ack_id,
                                      AckCallback on_ack) = 0;
    /// On loop `loop`: disconnects these sockets ("server namespace disconnect").
    virtual void disconnect(std::size_t loop, const std::vector<std::string>& sids, bool close) = 0;
    /// Fills `info.handshake` and `info.data` of the connected local socket `info.sid` (any
    /// thread). Default: leaves them empty.
    virtual void describe(SocketInfo& info) const { (void)info; }
    /// A server-side event from another server (Adapter::server_side_emit): `data` = [name,
    /// args…]. `respond(args)` sends the ack back when the sender asked for one (else it is
    /// empty); call it at most once. Runs on one of the event loops. Default: ignored (an ack
    /// asked for is answered with no arguments).
    virtual void on_server_side_event(json data, std::function<void(json args)> respond) {
        (void)data;
        if (respond) respond(json::array());
    }
};

/// The room and broadcast seam of one namespace. The server calls add_all/del/del_all on the
/// socket's own loop when it joins, leaves and disconnects; everything else may come from any
/// thread. A cluster adapter (socketio/cluster_adapter.hpp) wraps an InMemoryAdapter as its local
/// half: every operation whose options are not `local` is done here at once and published to the
/// other servers, which apply it with `local = true`. The queries (fetch_sockets, fetch_rooms)
/// and the acks (broadcast_with_ack, server_side_emit) gather the other servers' answers until
/// they all answered or the timeout expired; their callbacks run once, on one of the event loops
/// (with the in-memory adapter possibly before the call returns).
///
/// Lifecycle: the server calls init() once, right after the factory made the adapter and outside
/// any lock of the server (a cluster adapter starts its driver there), and close() once, from
/// Server::stop() or the server's destruction (a cluster adapter leaves the cluster: no message
/// is received after it returned). The factory itself runs outside the server's namespace lock.
///
/// Thread safety: every member is safe from any thread (see above for the join/leave calls).
class Adapter {
  public:
    virtual ~Adapter() = default;

    /// The namespace starts using this adapter. Default: nothing.
    virtual void init() {}
    /// The server stops: leave the cluster, fail what waits for other servers. Idempotent.
    /// Default: nothing.
    virtual void close() {}
    /// This server's id in the cluster (python-socketio's host_id, Node's uid); empty for the
    /// in-memory adapter.
    virtual const std::string& server_id() const noexcept;
    /// How many servers the cluster has (this one included) as last heard: 1 without a cluster.
    virtual std::size_t server_count() const { return 1; }

    /// The socket `sid` joins these rooms.
    virtual void add_all(const std::string& sid, const std::vector<std::string>& rooms) = 0;
    /// The socket leaves one room.
    virtual void del(const std::string& sid, const std::string& room) = 0;
    /// The socket leaves every room (on disconnect).
    virtual void del_all(const std::string& sid) = 0;

    /// Sends EVENT `data` ([name, args…]) to the addressed sockets: encoded once, one task per
    /// event loop. `on_queued` (may be empty) runs once every loop of this process has queued it
    /// to its recipients (on the last of those loops); a cluster adapter has handed the message to
    /// its driver by then, but other servers deliver on their own time.
    virtual void broadcast(const json& data, const BroadcastOptions& options,
                           QueuedCallback on_queued) = 0;
    /// The same asking each recipient for an ack (one ack id for all on this server); `on_acks`
    /// runs once when every recipient on every server answered (or left), or at the timeout with
    /// the answers so far. Zero timeout: none with the in-memory adapter; a cluster adapter then
    /// uses its request timeout (a server may vanish without answering).
    virtual void broadcast_with_ack(const json& data, const BroadcastOptions& options,
                                    std::chrono::milliseconds timeout,
                                    BroadcastAcksCallback on_acks) = 0;

    /// Sids of the addressed local sockets.
    virtual std::vector<std::string> sockets(const BroadcastOptions& options) const = 0;
    /// Rooms of one local socket (including its personal room); empty if unknown.
    virtual std::vector<std::string> socket_rooms(const std::string& sid) const = 0;
    /// Every room with at least one local socket.
    virtual std::vector<std::string> rooms() const = 0;
    /// The addressed sockets of every server (or of this one with `local`), with their rooms,
    /// handshake and session data. Zero timeout: the adapter's default.
    virtual void fetch_sockets(const BroadcastOptions& options, std::chrono::milliseconds timeout,
                               FetchSocketsCallback done) = 0;
    /// Every room with a socket on any server (Node's allRooms). Default: rooms().
    virtual void fetch_rooms(std::chrono::milliseconds timeout, FetchRoomsCallback done) {
        (void)timeout;
        done({}, rooms());
    }

    /// The addressed sockets join / leave rooms (Node's socketsJoin / socketsLeave).
    virtual void add_sockets(const BroadcastOptions& options,
                             const std::vector<std::string>& rooms) = 0;
    virtual void del_sockets(const BroadcastOptions& options,
                             const std::vector<std::string>& rooms) = 0;
    /// Disconnects the addressed sockets.
    virtual void disconnect_sockets(const BroadcastOptions& options, bool close) = 0;
    /// Every socket leaves `room`.
    virtual void close_room(const std::string& room) {
        del_sockets(BroadcastOptions{.rooms = {room}}, {room});
    }

    /// Sends a server-side event (`data` = [name, args…]) to the other servers of the cluster
    /// (never to this one: Node's serverSideEmit). With `on_acks`, each other server answers once
    /// (AdapterHost::on_server_side_event) and `on_acks` gets the answers when all servers
    /// answered or at the timeout (zero: the adapter's default). Default (no cluster): nothing
    /// is sent and `on_acks` gets no answers at once.
    virtual void server_side_emit(const json& data, std::chrono::milliseconds timeout,
                                  BroadcastAckCallback on_acks) {
        (void)data;
        (void)timeout;
        if (on_acks) on_acks({}, {});
    }
};

/// The default adapter: rooms of this process. One shard per event loop holds the room index of
/// that loop's sockets (a mutex per shard, taken by that loop and by queries from elsewhere); a
/// broadcast is encoded once and posted as one task per loop, which sends the shared buffers to
/// that loop's recipients.
class InMemoryAdapter : public Adapter {
  public:
    explicit InMemoryAdapter(AdapterHost& host);
    ~InMemoryAdapter() override;

    void add_all(const std::string& sid, const std::vector<std::string>& rooms) override;
    void del(const std::string& sid, const std::string& room) override;
    void del_all(const std::string& sid) override;
    void broadcast(const json& data, const BroadcastOptions& options,
                   QueuedCallback on_queued) override;
    void broadcast_with_ack(const json& data, const BroadcastOptions& options,
                            std::chrono::milliseconds timeout,
                            BroadcastAcksCallback on_acks) override;
    std::vector<std::string> sockets(const BroadcastOptions& options) const override;
    std::vector<std::string> socket_rooms(const std::string& sid) const override;
    std::vector<std::string> rooms() const override;
    void fetch_sockets(const BroadcastOptions& options, std::chrono::milliseconds timeout,
                       FetchSocketsCallback done) override;
    void add_sockets(const BroadcastOptions& options,
                     const std::vector<std::string>& rooms) override;
    void del_sockets(const BroadcastOptions& options,
                     const std::vector<std::string>& rooms) override;
    void disconnect_sockets(const BroadcastOptions& options, bool close) override;

    AdapterHost& host() const noexcept { return host_; }

    /// For cluster adapters: the broadcast with acks on this server only. `on_local_count(n)`
    /// tells how many local sockets got it (once every loop sent it); `on_ack(sid, ec, args)`
    /// runs once per such socket, on its loop: with its answer, or with
    /// error::socket_disconnected when it left first.
    using SocketAckCallback =
        std::function<void(const std::string& sid, std::error_code ec, json args)>;
    void broadcast_with_ack_local(const json& data, const BroadcastOptions& options,
                                  std::function<void(std::size_t)> on_local_count,
                                  SocketAckCallback on_ack);
    /// For cluster adapters: the addressed local sockets, described (server_id and local left
    /// for the caller).
    std::vector<SocketInfo> describe_sockets(const BroadcastOptions& options) const;

  private:
    struct Impl;
    AdapterHost& host_;
    std::unique_ptr<Impl> impl_;
};

/// The default AdapterFactory.
inline std::unique_ptr<Adapter> make_in_memory_adapter(AdapterHost& host) {
    return std::make_unique<InMemoryAdapter>(host);
}

}  // namespace socketio
