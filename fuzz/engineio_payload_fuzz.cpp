// Fuzzes the polling payload decoder (packets joined by '\x1e', binary as 'b'+base64, bounded by
// max_payload, UTF-8 text): never crashes, refuses with a known error, decoded payloads
// round-trip, and the UTF-8 check agrees with an independent reference decoder.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "../tests/unit/engineio_protocol/reference_utf8.hpp"
#include "engineio/error.hpp"
#include "engineio/protocol/payload.hpp"
#include "engineio/protocol/utf8.hpp"

using namespace engineio::protocol;
using engineio::protocol::testing::reference_utf8;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const bool utf8 = is_valid_utf8(input);
    if (utf8 != reference_utf8(input)) std::abort();
    constexpr std::size_t kMaxPayload = 4096;
    std::vector<Packet> packets;
    const std::error_code ec = decode_payload(input, kMaxPayload, packets);
    if (ec) {
        if (ec != engineio::error::invalid_packet && ec != engineio::error::payload_too_large)
            std::abort();
        if (!packets.empty()) std::abort();
        return 0;
    }
    if (input.size() > kMaxPayload || packets.empty() || !utf8) std::abort();
    std::string encoded;
    encode_payload(packets, encoded);
    std::vector<Packet> again;
    if (decode_payload(encoded, encoded.size(), again) || again != packets) std::abort();
    return 0;
}
