#pragma once
// socketio::cluster_adapter — several server processes acting as one over a message queue: an
// AdapterFactory whose adapters do the local half of every operation and publish the rest through
// a Driver (socketio/driver.hpp). Link socketio::socketio_cluster. The messages: docs/cluster.md.

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "socketio/driver.hpp"
#include "socketio/json.hpp"
#include "socketio/options.hpp"

namespace socketio {

/// How a cluster's messages are written on its channels (ClusterOptions::format). Every server of
/// one cluster must use the same.
enum class ClusterFormat {
    /// python-socketio's pub/sub managers (RedisManager, KombuManager, …): JSON objects on one
    /// channel, `{"method": "emit", "event", "data", "namespace", "room", "skip_sid", "callback",
    /// "host_id"}` and the others, so python-socketio servers and emitters (`write_only`) share
    /// the cluster. What python-socketio has no message for travels as methods of ours ("cpp:…",
    /// which python servers ignore).
    python_socketio,
    /// Node's @socket.io/redis-adapter (8.x, `createAdapter(pub, sub)`) and
    /// @socket.io/redis-emitter: msgpack and JSON on per-namespace channels
    /// (`<key>#<nsp>#[<room>#]` for broadcasts, `<key>-request#<nsp>#` and
    /// `<key>-response#<nsp>#` for requests and answers), so Node servers and every port of
    /// redis-emitter (PHP, Go, Java, …) share the cluster. The number of servers is the number of
    /// subscribers of the request channel (PUBSUB NUMSUB), as Node counts them; there is no
    /// heartbeat. See docs/cluster.md for what maps to what.
    node_redis_adapter,
};

/// Decodes a payload that is not JSON into the JSON message it carries (python-socketio before
/// 5.x pickled its messages); nullopt with `error` set when it cannot.
using ClusterPayloadDecoder =
    std::function<std::optional<json>(std::string_view payload, std::string& error)>;

/// Options of cluster_adapter(). Every server of a cluster needs the same channel and format.
struct ClusterOptions {
    /// python_socketio: the channel the servers publish on and listen to (python-socketio's
    /// `channel`). node_redis_adapter: the key prefix of every channel (Node's `key`). Default
    /// empty: the format's own default, "socketio" (python-socketio's) or "socket.io" (Node's).
    std::string channel = {};
    /// The wire format. Default ClusterFormat::python_socketio.
    ClusterFormat format = ClusterFormat::python_socketio;
    /// How long a request waits for the other servers' answers (fetch_sockets, fetch_rooms, a
    /// broadcast with acks or server_side_emit with acks given no timeout of their own); a server
    /// that does not answer in time is left out and the result says error::ack_timeout. Default
    /// 5 s (Node's requestsTimeout).
    std::chrono::milliseconds request_timeout{5'000};
    /// How often this server tells the others it is alive (server_count(), and whom a request
    /// waits for); with node_redis_adapter, how often server_count() asks Redis for the number
    /// of servers (there is no heartbeat). Default 5 s (Node's heartbeatInterval).
    std::chrono::milliseconds heartbeat_interval{5'000};
    /// A server not heard from for this long counts as gone (python_socketio format). Default
    /// 10 s (Node's heartbeatTimeout).
    std::chrono::milliseconds heartbeat_timeout{10'000};
    /// Requests waiting for answers at once, per server; one more fails at once with
    /// error::too_many_pending_requests. Default 1024.
    std::size_t max_pending_requests = 1024;
    /// Bytes of one incoming message; a larger one is logged (rate-limited) and skipped. Default
    /// 1 MiB.
    std::size_t max_message_bytes = 1 << 20;
    /// Decoder of payloads that are not JSON (python_socketio format only). Default empty:
    /// python-socketio's own alternative, a Python pickle (what its RedisManager published up
    /// to 5.7, Debian 12's version), read by a restricted reader that accepts plain data only
    /// (dict, list, tuple, str, bytes, int, float, bool, None) and runs nothing; anything else is
    /// logged and skipped.
    ClusterPayloadDecoder decode_payload = {};
};

/// The factory of cluster adapters (ServerOptions::adapter), one per namespace, sharing `driver`:
///
///   socketio::DriverPtr driver = …;  // Redis (socketio_redis), or a LoopbackBroker's in tests
///   socketio::Server io{{.adapter = socketio::cluster_adapter(driver, {.channel = "chat"})}};
///
/// Each adapter wraps an InMemoryAdapter: an operation is done locally at once (local delivery
/// never waits for the broker) and, unless BroadcastOptions::local, published to the other
/// servers, which apply it locally. Messages this server published itself are recognised by its
/// server id and skipped; malformed or oversized ones are logged (rate-limited) and skipped.
/// The driver starts with the first namespace's Adapter::init() and closes with the last
/// Adapter::close() (Server::stop()).
///
/// One factory per Server: its adapters share one server id. Throws std::invalid_argument for a
/// null driver or a format this build does not have.
///
/// Thread safety: the factory and the adapters are safe from any thread.
AdapterFactory cluster_adapter(DriverPtr driver, ClusterOptions options = {});

}  // namespace socketio
