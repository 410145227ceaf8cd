#pragma once
// socketio::cluster::WireFormat — how a cluster's messages become bytes on channels. The adapter
// speaks one message schema (JSON objects with python-socketio's field names, docs/cluster.md);
// a format maps it to and from its wire: python-socketio's JSON today, Node's redis-adapter
// msgpack next (a new WireFormat, nothing else changes).

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "socketio/cluster_adapter.hpp"
#include "socketio/json.hpp"

namespace socketio::cluster {

class WireFormat {
  public:
    virtual ~WireFormat() = default;
    /// The channels a server subscribes to (exact names).
    virtual std::vector<std::string> channels() const = 0;
    /// Glob patterns a server subscribes to (none for python-socketio's format).
    virtual std::vector<std::string> patterns() const { return {}; }
    /// One message → the channel to publish on and the payload.
    virtual void encode(const json& message, std::string& channel, std::string& payload) const = 0;
    /// A payload received on `channel` → the message (a JSON object), or nullopt with `error`.
    virtual std::optional<json> decode(std::string_view channel, std::string_view payload,
                                       std::string& error) const = 0;
};

/// The format ClusterOptions::format names.
std::unique_ptr<WireFormat> make_wire_format(const ClusterOptions& options);

/// Parses JSON text with a bound on nesting (a hostile message must not exhaust the stack of a
/// later recursive walk); nullopt with `error` when invalid.
std::optional<json> parse_bounded(std::string_view text, std::size_t max_depth, std::string& error);

}  // namespace socketio::cluster
