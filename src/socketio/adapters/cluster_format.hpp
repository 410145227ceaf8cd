#pragma once
// socketio::cluster::WireFormat — how a cluster's messages become bytes on channels. The adapter
// speaks one message schema (JSON objects with python-socketio's field names, docs/cluster.md);
// a format maps it to and from its wire: python-socketio's JSON on one channel, or Node's
// @socket.io/redis-adapter msgpack on per-namespace channels.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "socketio/cluster_adapter.hpp"
#include "socketio/json.hpp"

namespace socketio::cluster {

/// Exact channels and glob patterns to subscribe to.
struct Subscriptions {
    std::vector<std::string> channels = {};
    std::vector<std::string> patterns = {};
};

class WireFormat {
  public:
    virtual ~WireFormat() = default;
    /// The channels a server subscribes to for every namespace (exact names).
    virtual std::vector<std::string> channels() const = 0;
    /// Glob patterns a server subscribes to for every namespace (none for python-socketio's).
    virtual std::vector<std::string> patterns() const { return {}; }
    /// What a server subscribes to for one namespace of its own, on top of channels() and
    /// patterns() (Node's formats have channels per namespace; `server_id` names the server's
    /// own response channel there). Default: nothing.
    virtual Subscriptions namespace_subscriptions(std::string_view nsp,
                                                  std::string_view server_id) const {
        (void)nsp;
        (void)server_id;
        return {};
    }
    /// How the servers of a cluster count each other. nullopt (default): by heartbeats — the
    /// `cpp:hello` / `cpp:heartbeat` / `cpp:bye` messages — and a request's answers are
    /// addressed to the asking server (`to`). A channel: the number of subscribers of that
    /// channel is the number of servers (Node's serverCount(), PUBSUB NUMSUB of the namespace's
    /// request channel); such a format carries no heartbeats and answers are matched by their
    /// request id alone.
    virtual std::optional<std::string> server_count_channel(std::string_view nsp) const {
        (void)nsp;
        return std::nullopt;
    }
    /// One message → the channel to publish on and the payload; false when the format has no
    /// wire for this message (then nothing is published: Node has no heartbeat, for one).
    /// Throws std::invalid_argument (or a json exception) for a message without the fields its
    /// method needs.
    virtual bool encode(const json& message, std::string& channel, std::string& payload) const = 0;
    /// A payload received on `channel` → the message (a JSON object), or nullopt with `error`.
    /// A message the format reads but the adapter has no method for decodes to an object whose
    /// "method" the adapter does not know (skipped silently).
    virtual std::optional<json> decode(std::string_view channel, std::string_view payload,
                                       std::string& error) const = 0;
};

/// The channel (python-socketio) or key prefix (Node) a format uses when ClusterOptions::channel
/// is empty: "socketio" (python-socketio's default) or "socket.io" (Node's default `key`).
std::string default_channel(ClusterFormat format);

/// The format ClusterOptions::format names (an empty channel: default_channel(format)).
std::unique_ptr<WireFormat> make_wire_format(const ClusterOptions& options);

/// Node's @socket.io/redis-adapter and @socket.io/redis-emitter (node_format.cpp).
std::unique_ptr<WireFormat> make_node_format(const ClusterOptions& options);

/// Parses JSON text with a bound on nesting (a hostile message must not exhaust the stack of a
/// later recursive walk); nullopt with `error` when invalid.
std::optional<json> parse_bounded(std::string_view text, std::size_t max_depth, std::string& error);

/// Parses one msgpack value with a bound on nesting (checked before nlohmann's recursive reader
/// sees it) and on declared sizes (none may exceed the bytes left); nullopt with `error` when
/// invalid, truncated, followed by more bytes, or with a map key that is not a string.
std::optional<json> parse_msgpack_bounded(std::string_view bytes, std::size_t max_depth,
                                          std::string& error);

}  // namespace socketio::cluster
