#pragma once
// Checks every parser applies to what it decodes, so that a packet looks the same to the layers
// above whichever wire format carried it.

#include <cstddef>
#include <string_view>

#include "socketio/protocol/packet.hpp"

namespace socketio::protocol::detail {

/// The sequence a non-ASCII byte s[i] starts: its `length` (0 when the byte starts none) and how
/// many of its bytes are well-formed per RFC 3629 (no overlongs, no surrogates, nothing above
/// U+10FFFF): `valid == length` for a whole sequence, else the maximal subpart.
struct Utf8Sequence {
    std::size_t length;
    std::size_t valid;
};
inline Utf8Sequence utf8_sequence_at(std::string_view s, std::size_t i) noexcept {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // bounds of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
        length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        length = 3;
        if (c == 0xE0) low = 0xA0;
        if (c == 0xED) high = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        length = 4;
        if (c == 0xF0) low = 0x90;
        if (c == 0xF4) high = 0x8F;
    } else {
        return {0, 0};
    }
    std::size_t k = 1;
    for (; k < length && i + k < s.size(); ++k) {
        const auto next = static_cast<unsigned char>(s[i + k]);
        if (k == 1 ? (next < low || next > high) : (next < 0x80 || next > 0xBF)) break;
    }
    return {length, k};
}

/// Well-formed UTF-8 per RFC 3629. Inline: the JSON parser's fast reader and writer call it for
/// every non-ASCII string.
inline bool is_valid_utf8(std::string_view s) noexcept {
    std::size_t i = 0;
    while (i < s.size()) {
        if (static_cast<unsigned char>(s[i]) < 0x80) {
            ++i;
            continue;
        }
        const auto sequence = utf8_sequence_at(s, i);
        if (sequence.length == 0 || sequence.valid != sequence.length) return false;
        i += sequence.length;
    }
    return true;
}

/// Is `payload` (null: the packet has none) valid for `type`? socket.io-parser's isPayloadValid
/// and the spec's mandatory payloads: CONNECT an object or none, DISCONNECT none, EVENT a non-empty
/// array whose first element is a number or a string that is not a reserved event name, ACK an
/// array, CONNECT_ERROR an object or a string.
bool payload_valid(PacketType type, const json* payload);

}  // namespace socketio::protocol::detail
