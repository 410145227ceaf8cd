#pragma once
// socketio::protocol::Packet — one Socket.IO v5 packet, decoded.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace socketio::protocol {

/// The payload value type: objects keep their keys in the order the peer sent them (as JSON.parse
/// and Python dicts do), so a relayed object arrives as it was sent.
using json = nlohmann::ordered_json;

enum class PacketType : std::uint8_t {
    connect = 0,
    disconnect = 1,
    event = 2,
    ack = 3,
    connect_error = 4,
    binary_event = 5,
    binary_ack = 6,
};

/// An EVENT's payload as its text, checked but not built (Decoder::defer_event_args). Both views
/// of the data given to Decoder::feed().
struct DeferredEvent {
    std::string_view name;  ///< the event name (a string without escapes)
    /// The arguments: what follows the name in the payload's array, from after its comma (or from
    /// the closing bracket when there are none) to the end, so "[" + args is their array.
    std::string_view args;

    friend bool operator==(const DeferredEvent&, const DeferredEvent&) = default;
};

/// A Socket.IO packet. Binary attachments are json binary values (json::binary_t) in place of
/// their placeholders: the parser replaces them on decode and extracts them on encode, so BINARY_*
/// and plain EVENT/ACK are one shape to the layers above (encode picks the binary type itself when
/// `data` holds binary values). Decoders therefore hand out BINARY_EVENT as `event` and BINARY_ACK
/// as `ack`, with the attachments in place, as socket.io-parser does.
struct Packet {
    PacketType type = PacketType::event;
    std::string nsp = "/";
    std::optional<std::uint64_t> id;  ///< ack id
    /// CONNECT: auth object or null. CONNECT_ERROR: {"message":…, "data":…}.
    /// EVENT: [name, args…]. ACK: [args…]. DISCONNECT: null.
    json data;
    /// Set instead of `data` (then null) by a decoder told to defer_event_args(), for an EVENT it
    /// checked without building its tree.
    std::optional<DeferredEvent> deferred = std::nullopt;

    friend bool operator==(const Packet&, const Packet&) = default;
};

/// True for the event names the Socket.IO protocol reserves ("connect", "connect_error",
/// "disconnect", "disconnecting", "newListener", "removeListener"): a client may not emit them, and
/// a decoder rejects an EVENT that names one (error::invalid_payload), as socket.io-parser does.
bool is_reserved_event_name(std::string_view name) noexcept;

/// "CONNECT", "DISCONNECT", "EVENT", "ACK", "CONNECT_ERROR", "BINARY_EVENT", "BINARY_ACK".
std::string_view to_string(PacketType type) noexcept;

}  // namespace socketio::protocol
