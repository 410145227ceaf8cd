// Fuzzes the Engine.IO packet decoder: any input either decodes or is refused with
// error::invalid_packet; a decoded packet re-encodes to a form that decodes to the same packet.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "engineio/error.hpp"
#include "engineio/protocol/packet.hpp"

using namespace engineio::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    Packet packet;
    const std::error_code ec = decode_packet(input, packet);
    if (ec) {
        if (ec != engineio::error::invalid_packet) std::abort();
        return 0;
    }
    std::string encoded;
    encode_packet(packet, encoded);
    Packet again;
    if (decode_packet(encoded, again) || !(again == packet)) std::abort();
    (void)decode_binary_frame(input);
    return 0;
}
