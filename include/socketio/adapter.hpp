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
};

/// The room and broadcast seam of one namespace. The server calls add_all/del/del_all on the
/// socket's own loop when it joins, leaves and disconnects; everything else may come from any
/// thread. A cluster adapter (Redis, …) wraps an InMemoryAdapter as its local half and publishes
/// what is not `local` through its driver; remote requests arrive as the same calls with
/// `local = true`.
///
/// Thread safety: every member is safe from any thread (see above for the join/leave calls).
class Adapter {
  public:
    virtual ~Adapter() = default;

    /// The socket `sid` joins these rooms.
    virtual void add_all(const std::string& sid, const std::vector<std::string>& rooms) = 0;
    /// The socket leaves one room.
    virtual void del(const std::string& sid, const std::string& room) = 0;
    /// The socket leaves every room (on disconnect).
    virtual void del_all(const std::string& sid) = 0;

    /// Sends EVENT `data` ([name, args…]) to the addressed sockets: encoded once, one task per
    /// event loop.
    virtual void broadcast(const json& data, const BroadcastOptions& options) = 0;
    /// The same asking each recipient for an ack (one ack id for all); `on_acks` runs once when
    /// all answered or at the timeout (zero = none).
    virtual void broadcast_with_ack(const json& data, const BroadcastOptions& options,
                                    std::chrono::milliseconds timeout,
                                    BroadcastAckCallback on_acks) = 0;

    /// Sids of the addressed local sockets.
    virtual std::vector<std::string> sockets(const BroadcastOptions& options) const = 0;
    /// Rooms of one socket (including its personal room); empty if unknown.
    virtual std::vector<std::string> socket_rooms(const std::string& sid) const = 0;
    /// Every room with at least one socket.
    virtual std::vector<std::string> rooms() const = 0;

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
    void broadcast(const json& data, const BroadcastOptions& options) override;
    void broadcast_with_ack(const json& data, const BroadcastOptions& options,
                            std::chrono::milliseconds timeout,
                            BroadcastAckCallback on_acks) override;
    std::vector<std::string> sockets(const BroadcastOptions& options) const override;
    std::vector<std::string> socket_rooms(const std::string& sid) const override;
    std::vector<std::string> rooms() const override;
    void add_sockets(const BroadcastOptions& options,
                     const std::vector<std::string>& rooms) override;
    void del_sockets(const BroadcastOptions& options,
                     const std::vector<std::string>& rooms) override;
    void disconnect_sockets(const BroadcastOptions& options, bool close) override;

    AdapterHost& host() const noexcept { return host_; }

    /// For cluster adapters: the broadcast with acks, reporting remote ack counts later. Sends
    /// locally, then `on_local_count(n)` tells how many local sockets got it.
    void broadcast_with_ack_local(const json& data, const BroadcastOptions& options,
                                  std::function<void(std::size_t)> on_local_count,
                                  AckCallback on_ack);

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
