// libFuzzer target: one Engine.IO binary message fed to the Socket.IO msgpack decoder.
//
// The input is the message. Beyond "no crash, no sanitizer report":
//  - the decoder never holds state (no attachments in this format), and the same bytes as a text
//    message are refused;
//  - a decoded packet re-encodes to one binary frame that decodes and encodes to the very same
//    bytes (encode ∘ decode is idempotent);
//  - a decoded packet is one the JSON parser could have handed out too: its JSON encoding decodes
//    with the JSON parser (namespace, type, payload rules), unless it holds what JSON cannot carry
//    (a NaN or infinity; an object with a "_placeholder" key, which the JSON format reads as an
//    attachment's place when the packet has attachments).

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string_view>

#include "socketio/protocol/parser.hpp"

namespace {

using socketio::protocol::Frame;
using socketio::protocol::json;
using socketio::protocol::Packet;
using socketio::protocol::Parser;

constexpr socketio::protocol::ParserLimits limits{.max_nesting_depth = 32, .max_values = 5000};

const Parser& msgpack() {
    static const auto instance = socketio::protocol::msgpack_parser(limits);
    return *instance;
}

// Room for what JSON makes of binary values ({"_placeholder":…} or {"bytes":[…]}: deeper, more
// values, attachments).
const Parser& json_parser() {
    static const auto instance =
        socketio::protocol::json_parser({.max_attachments = std::numeric_limits<std::size_t>::max(),
                                         .max_nesting_depth = limits.max_nesting_depth + 2,
                                         .max_values = std::numeric_limits<std::size_t>::max()});
    return *instance;
}

bool json_can_carry(const json& value) {
    if (value.is_number_float()) return std::isfinite(value.get<double>());
    if (value.is_object() && value.contains("_placeholder")) return false;
    if (value.is_array() || value.is_object()) {
        for (const auto& element : value) {
            if (!json_can_carry(element)) return false;
        }
    }
    return true;
}

void check_reencoding(const Packet& packet) {
    const auto frames = msgpack().encode(packet);
    if (frames.size() != 1 || !frames[0].binary) std::abort();
    std::error_code ec;
    const auto again = msgpack().make_decoder()->feed(frames[0].data, true, ec);
    if (ec || !again) std::abort();  // what we encoded must decode
    const auto second = msgpack().encode(*again);
    if (second.size() != 1 || second[0].data != frames[0].data) std::abort();
}

void check_json_view(const Packet& packet) {
    if (!json_can_carry(packet.data)) return;
    if (packet.type == socketio::protocol::PacketType::binary_event ||
        packet.type == socketio::protocol::PacketType::binary_ack) {
        std::abort();  // decoders hand these out as event / ack
    }
    const auto frames = json_parser().encode(packet);
    auto decoder = json_parser().make_decoder();
    std::optional<Packet> decoded;
    for (const auto& frame : frames) {
        std::error_code ec;
        decoded = decoder->feed(frame.data, frame.binary, ec);
        if (ec) std::abort();
    }
    if (!decoded || decoded->type != packet.type || decoded->nsp != packet.nsp ||
        decoded->id != packet.id) {
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view message(reinterpret_cast<const char*>(data), size);
    auto decoder = msgpack().make_decoder();
    std::error_code ec;
    const auto packet = decoder->feed(message, true, ec);
    if (decoder->awaiting_attachments()) std::abort();
    if (ec) {
        if (packet) std::abort();
    } else {
        if (!packet) std::abort();  // one message, one packet
        check_reencoding(*packet);
        check_json_view(*packet);
    }
    std::error_code text_ec;
    if (decoder->feed(message, false, text_ec) ||
        text_ec != socketio::protocol::error::unexpected_text_frame) {
        std::abort();
    }
    return 0;
}
