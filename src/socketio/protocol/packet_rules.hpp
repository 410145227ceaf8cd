#pragma once
// Checks every parser applies to what it decodes, so that a packet looks the same to the layers
// above whichever wire format carried it.

#include <cstddef>
#include <string_view>

#include "socketio/protocol/packet.hpp"

namespace socketio::protocol::detail {

/// Well-formed UTF-8 per RFC 3629 (no overlongs, no surrogates, nothing above U+10FFFF). Inline:
/// the JSON parser's fast reader and writer call it for every non-ASCII string.
inline bool is_valid_utf8(std::string_view s) noexcept {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
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
            return false;
        }
        if (s.size() - i < length) return false;
        const auto second = static_cast<unsigned char>(s[i + 1]);
        if (second < low || second > high) return false;
        for (std::size_t k = 2; k < length; ++k) {
            const auto next = static_cast<unsigned char>(s[i + k]);
            if (next < 0x80 || next > 0xBF) return false;
        }
        i += length;
    }
    return true;
}

/// Is `payload` (null: the packet has none) valid for `type`? socket.io-parser's isPayloadValid
/// and the spec's mandatory payloads: CONNECT an object or none, DISCONNECT none, EVENT a non-empty
/// array whose first element is a number or a string that is not a reserved event name, ACK an
/// array, CONNECT_ERROR an object or a string.
bool payload_valid(PacketType type, const json* payload);

}  // namespace socketio::protocol::detail
