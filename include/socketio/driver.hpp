#pragma once
// socketio::Driver — the message-queue seam under a cluster adapter (Redis pub/sub today;
// RabbitMQ, NATS, Redis Cluster later): publish bytes on a channel, receive what others publish,
// survive the broker going away.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace socketio {

/// Where a driver's connection to its broker stands.
enum class DriverState {
    connecting,    ///< start() ran, not connected yet (or reconnecting after a loss)
    connected,     ///< connected and subscribed to every channel asked for
    disconnected,  ///< lost; a reconnect is scheduled (with backoff)
    closed,        ///< close() ran; nothing more happens
};

/// Counters of one driver since it started (monotonic).
struct DriverStats {
    std::uint64_t published = 0;   ///< messages handed to the broker
    std::uint64_t dropped = 0;     ///< messages dropped: the outgoing queue was full
    std::uint64_t received = 0;    ///< messages delivered to the message handler
    std::uint64_t reconnects = 0;  ///< successful connections after the first
};

/// Publish/subscribe over a broker. A cluster adapter (and the write-only Emitter) own one; the
/// wire format of the payloads is theirs, a driver moves opaque bytes.
///
/// Contract:
/// - start() begins connecting and returns at once; the handlers run on the driver's own
///   executor (one Asio strand or loop), one at a time, never after close() has returned.
/// - publish() never blocks and never throws for a broker problem: while disconnected, messages
///   wait in a bounded queue (oldest kept, newest dropped and counted in stats().dropped, logged
///   at most once per outage); they go out in order once connected.
/// - Subscriptions (channels and patterns) are remembered and restored on every reconnect.
/// - A lost connection is retried with exponential backoff; on_state tells each transition.
///
/// Thread safety: every member is safe from any thread.
class Driver {
  public:
    /// A message received on `channel` (for a pattern subscription, the matching channel).
    /// Both views are valid only during the call.
    using MessageHandler = std::function<void(std::string_view channel, std::string_view payload)>;
    using StateHandler = std::function<void(DriverState)>;

    virtual ~Driver() = default;

    /// Starts connecting. `on_message` may be empty for a publish-only driver.
    virtual void start(MessageHandler on_message, StateHandler on_state = {}) = 0;
    /// Publishes `payload` (any bytes) on `channel`.
    virtual void publish(std::string channel, std::string payload) = 0;
    /// Subscribes to exact channels (Redis SUBSCRIBE).
    virtual void subscribe(std::vector<std::string> channels) = 0;
    /// Subscribes to glob patterns (Redis PSUBSCRIBE: `socket.io#/#*`).
    virtual void psubscribe(std::vector<std::string> patterns) = 0;
    virtual void unsubscribe(std::vector<std::string> channels) = 0;
    /// How many subscribers `channel` has across the broker (Redis PUBSUB NUMSUB), for the
    /// number of servers in a cluster; nullopt when the broker cannot tell or is unreachable.
    /// `done` runs on the driver's executor.
    virtual void count_subscribers(std::string channel,
                                   std::function<void(std::optional<std::size_t>)> done) {
        (void)channel;
        done(std::nullopt);
    }
    virtual DriverState state() const noexcept = 0;
    virtual DriverStats stats() const noexcept = 0;
    /// Stops: pending outgoing messages are flushed if connected (bounded by a short grace),
    /// then the connection closes. Idempotent. No handler runs once it has returned.
    virtual void close() = 0;
};

using DriverPtr = std::shared_ptr<Driver>;

}  // namespace socketio
