#include "engineio/protocol/payload.hpp"

#include "engineio/error.hpp"
#include "engineio/protocol/utf8.hpp"

namespace engineio::protocol {

void encode_payload(std::span<const Packet> packets, std::string& out) {
    bool first = true;
    for (const Packet& packet : packets) {
        if (!first) out.push_back(kRecordSeparator);
        first = false;
        encode_packet(packet, out);
    }
}

std::error_code decode_payload(std::string_view body, std::size_t max_payload,
                               std::vector<Packet>& out) {
    if (body.size() > max_payload) return error::payload_too_large;
    if (body.empty()) return error::invalid_packet;
    // A polling body is text: its text packets must be UTF-8, as a WebSocket text frame must be.
    // Checking the whole body is the same check (the separator and the type characters are ASCII,
    // and 'b' packets are base64, which a non-ASCII byte fails anyway) in one pass over it.
    if (!is_valid_utf8(body)) return error::invalid_packet;
    const std::size_t initial = out.size();
    std::size_t start = 0;
    while (true) {
        const std::size_t end = body.find(kRecordSeparator, start);
        const std::string_view part = body.substr(
            start, end == std::string_view::npos ? std::string_view::npos : end - start);
        Packet packet;
        if (auto ec = decode_packet(part, packet)) {
            out.resize(initial);
            return ec;
        }
        out.push_back(std::move(packet));
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    return {};
}

}  // namespace engineio::protocol
