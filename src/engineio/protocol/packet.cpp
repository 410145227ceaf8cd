#include "engineio/protocol/packet.hpp"

#include "engineio/error.hpp"
#include "engineio/protocol/base64.hpp"

namespace engineio::protocol {

void encode_packet(PacketType type, std::string_view data, bool binary, std::string& out) {
    if (binary) {
        out.push_back('b');
        base64_encode(data, out);
        return;
    }
    out.push_back(type_char(type));
    out.append(data);
}

void encode_packet(const Packet& packet, std::string& out) {
    encode_packet(packet.type, packet.data, packet.binary, out);
}

std::error_code decode_packet(std::string_view text, Packet& out) {
    if (text.empty()) return error::invalid_packet;
    const char first = text.front();
    if (first == 'b') {
        auto bytes = base64_decode(text.substr(1));
        if (!bytes) return error::invalid_packet;
        out.type = PacketType::message;
        out.data = std::move(*bytes);
        out.binary = true;
        return {};
    }
    if (first < '0' || first > '6') return error::invalid_packet;
    out.type = static_cast<PacketType>(first - '0');
    out.data.assign(text.substr(1));
    out.binary = false;
    return {};
}

Packet decode_binary_frame(std::string_view bytes) {
    return Packet{PacketType::message, std::string(bytes), true};
}

}  // namespace engineio::protocol
