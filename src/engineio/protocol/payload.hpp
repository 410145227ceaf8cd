#pragma once
// The polling payload of Engine.IO v4: packets in their text form joined by '\x1e'.

#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "engineio/protocol/packet.hpp"

namespace engineio::protocol {

inline constexpr char kRecordSeparator = '\x1e';

/// Appends the payload of `packets` to `out`.
void encode_payload(std::span<const Packet> packets, std::string& out);

/// Decodes a payload into `out` (appended). A body larger than `max_payload` bytes is
/// error::payload_too_large; an empty body, a body that is not valid UTF-8 or any packet that does
/// not decode is error::invalid_packet (then `out` is left unchanged). Node's engine.io instead
/// decodes invalid UTF-8 to U+FFFD and accepts the packet; we refuse it, as a WebSocket text
/// frame with the same bytes is refused (close 1007).
std::error_code decode_payload(std::string_view body, std::size_t max_payload,
                               std::vector<Packet>& out);

}  // namespace engineio::protocol
