// Fuzzes the polling payload decoder (packets joined by '\x1e', binary as 'b'+base64, bounded by
// max_payload, UTF-8 text): never crashes, refuses with a known error, decoded payloads
// round-trip, and the UTF-8 check agrees with an independent reference decoder.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "engineio/error.hpp"
#include "engineio/protocol/payload.hpp"
#include "engineio/protocol/utf8.hpp"

using namespace engineio::protocol;

namespace {

// Decodes each sequence to its code point by bit arithmetic, then applies RFC 3629's rules
// (shortest form, no surrogates, at most U+10FFFF); the validator under test uses byte ranges.
bool reference_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto lead = static_cast<unsigned char>(s[i]);
        std::size_t length;
        std::uint32_t cp;
        if (lead < 0x80) {
            length = 1;
            cp = lead;
        } else if ((lead & 0xE0) == 0xC0) {
            length = 2;
            cp = lead & 0x1F;
        } else if ((lead & 0xF0) == 0xE0) {
            length = 3;
            cp = lead & 0x0F;
        } else if ((lead & 0xF8) == 0xF0) {
            length = 4;
            cp = lead & 0x07;
        } else {
            return false;
        }
        if (i + length > s.size()) return false;
        for (std::size_t k = 1; k < length; ++k) {
            const auto c = static_cast<unsigned char>(s[i + k]);
            if ((c & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (c & 0x3F);
        }
        static constexpr std::uint32_t shortest[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < shortest[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += length;
    }
    return true;
}

}  // namespace

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
