#pragma once
// socketio::protocol::Parser — the parser seam: JSON now (default_parser()), msgpack later.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "socketio/protocol/packet.hpp"

namespace socketio::protocol {

/// One Engine.IO message of an encoded packet.
struct Frame {
    bool binary = false;
    std::string data;
};

/// Decodes a stream of Engine.IO messages of one connection into packets. Holds the state of a
/// packet that still waits for its binary attachments. Not thread-safe: one per connection.
class Decoder {
public:
    virtual ~Decoder() = default;
    /// Feeds one Engine.IO message. Returns a whole packet when one is complete, std::nullopt
    /// while attachments are still awaited. On invalid input sets `ec` (a socketio::protocol
    /// error: see error.hpp) and returns std::nullopt; the connection must then be closed.
    virtual std::optional<Packet> feed(std::string_view data, bool binary,
                                       std::error_code& ec) = 0;
    /// True while a packet waits for attachments.
    virtual bool awaiting_attachments() const noexcept = 0;
};

/// Encodes packets and makes decoders. Stateless and thread-safe.
class Parser {
public:
    virtual ~Parser() = default;
    /// One packet → its Engine.IO messages (one text frame, then one binary frame per attachment,
    /// for the JSON parser).
    virtual std::vector<Frame> encode(const Packet& packet) const = 0;
    virtual std::unique_ptr<Decoder> make_decoder() const = 0;
};

struct ParserLimits {
    std::size_t max_attachments = 10;  ///< attachments per packet; more is an error
};

/// The default JSON parser of the Socket.IO v5 protocol.
std::shared_ptr<const Parser> json_parser(ParserLimits limits = {});

}  // namespace socketio::protocol
