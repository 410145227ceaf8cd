#pragma once
// Engine.IO v4 packets: the seven types and their text/binary encodings.

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace engineio::protocol {

enum class PacketType : std::uint8_t {
    open = 0,
    close = 1,
    ping = 2,
    pong = 3,
    message = 4,
    upgrade = 5,
    noop = 6,
};

/// One decoded packet. For a binary MESSAGE `data` holds the raw bytes and `binary` is true.
struct Packet {
    PacketType type = PacketType::noop;
    std::string data;
    bool binary = false;

    friend bool operator==(const Packet&, const Packet&) = default;
};

/// The type's wire character ('0'..'6').
constexpr char type_char(PacketType type) noexcept {
    return static_cast<char>('0' + static_cast<int>(type));
}

/// Appends the text form of a packet: the type character then the data for text packets,
/// 'b' + base64(data) for a binary message (the polling / `b64` form).
void encode_packet(const Packet& packet, std::string& out);
/// Appends the text form of a packet given as parts (type, data, binary), with no Packet built.
void encode_packet(PacketType type, std::string_view data, bool binary, std::string& out);

/// Decodes the text form: a type character '0'..'6' followed by data, or 'b' + base64 for a
/// binary message. Errors: engineio::error::invalid_packet. It does not check that the data is
/// UTF-8: its callers have (Beast for a WebSocket text frame, decode_payload for a polling body).
std::error_code decode_packet(std::string_view text, Packet& out);
/// A binary WebSocket frame is always a binary MESSAGE carrying the raw bytes.
Packet decode_binary_frame(std::string_view bytes);

}  // namespace engineio::protocol
