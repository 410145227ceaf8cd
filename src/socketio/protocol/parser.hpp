#pragma once
// socketio::protocol::Parser — the parser seam: json_parser() (the default) and msgpack_parser().

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "socketio/protocol/error.hpp"
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
    /// `ec` is cleared on success. `data` is only read during the call. After an error the
    /// decoder has dropped any partial packet. Never throws on bad input (std::bad_alloc aside).
    virtual std::optional<Packet> feed(std::string_view data, bool binary, std::error_code& ec) = 0;
    /// True while a packet waits for attachments.
    virtual bool awaiting_attachments() const noexcept = 0;
    /// From now on, an EVENT whose arguments this decoder can check without building them comes
    /// out with Packet::deferred set instead of its data — for a server that may relay them as they
    /// came (an ack of the same arguments). Off by default; decoders that cannot ignore it.
    virtual void defer_event_args(bool /*defer*/) noexcept {}
};

/// Encodes packets and makes decoders. Stateless and thread-safe.
class Parser {
  public:
    virtual ~Parser() = default;
    /// One packet → its Engine.IO messages (one text frame, then one binary frame per attachment,
    /// for the JSON parser; one binary frame for the msgpack parser).
    virtual std::vector<Frame> encode(const Packet& packet) const = 0;
    /// Appends the packet's text frame to `out` when the packet encodes to that one frame (no
    /// binary attachments) and returns true; else returns false with `out` unchanged (use
    /// encode()). Lets a sender build its message without the vector of frames.
    virtual bool encode_text(const Packet& packet, std::string& out) const {
        auto frames = encode(packet);
        if (frames.size() != 1 || frames.front().binary) return false;
        out += frames.front().data;
        return true;
    }
    virtual std::unique_ptr<Decoder> make_decoder() const = 0;
    /// Appends the text frame of an ACK of `nsp` with id `id` whose arguments are a decoder's
    /// DeferredEvent::args text, relayed as is, and returns true; false (`out` unchanged) for a
    /// parser that has no such text form.
    virtual bool encode_relayed_ack(std::string_view /*nsp*/, std::uint64_t /*id*/,
                                    std::string_view /*args_tail*/, std::string& /*out*/) const {
        return false;
    }
};

/// The arguments' array of a DeferredEvent::args text (the JSON parser's), in `out`; false for
/// a text that is not one (`out` unchanged).
bool read_deferred_args(std::string_view args_tail, json& out);

/// Bounds a decoder enforces on input; over one, feed() fails with the error named.
struct ParserLimits {
    /// Binary attachments per packet (error::too_many_attachments). Default 10, as
    /// socket.io-parser's `maxAttachments`: the attachments of a packet are held in memory until
    /// the last one arrives, so this times the Engine.IO max payload bounds that memory.
    std::size_t max_attachments = 10;
    /// Nesting of arrays/objects in a payload (error::nesting_too_deep). Default 128: nlohmann's
    /// dump, comparison and our placeholder walk recurse, so unbounded nesting from a peer could
    /// exhaust a loop thread's stack; real Socket.IO payloads stay far below this.
    std::size_t max_nesting_depth = 128;
    /// JSON values (objects, arrays, strings, numbers, literals: each counts one) in a payload
    /// (error::too_many_values). Checked while parsing, so a packet over it costs the work and
    /// memory of this many values and no more: about 120 bytes each at worst ("[{},{},…]"), so
    /// the default bounds a packet's tree to ~12 MB. Default 100'000.
    std::size_t max_values = 100'000;
};

/// The default JSON parser of the Socket.IO v5 protocol.
std::shared_ptr<const Parser> json_parser(ParserLimits limits = {});

/// The msgpack parser of `socket.io-msgpack-parser` (npm): every packet one binary frame, the
/// msgpack map {type, data, nsp, id}, binary inline (no attachments: max_attachments is unused).
std::shared_ptr<const Parser> msgpack_parser(ParserLimits limits = {});

}  // namespace socketio::protocol
