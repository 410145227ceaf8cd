#pragma once
// Helpers shared by the socketio_protocol tests: frames, binary values, one-shot decoding.

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <string>
#include <vector>

#include "socketio/protocol/parser.hpp"

namespace socketio::protocol {

inline void PrintTo(const Packet& packet, std::ostream* os) {
    *os << "{" << to_string(packet.type) << " nsp=" << packet.nsp;
    if (packet.id) *os << " id=" << *packet.id;
    *os << " data=" << packet.data.dump(-1, ' ', false, json::error_handler_t::replace) << "}";
}

inline void PrintTo(const Frame& frame, std::ostream* os) {
    *os << (frame.binary ? "binary:" : "text:") << ::testing::PrintToString(frame.data);
}

inline bool operator==(const Frame& a, const Frame& b) {
    return a.binary == b.binary && a.data == b.data;
}

}  // namespace socketio::protocol

namespace socketio::protocol::test {

inline Frame text(std::string data) {
    return Frame{.binary = false, .data = std::move(data)};
}

inline Frame binary(std::initializer_list<std::uint8_t> bytes) {
    return Frame{.binary = true, .data = std::string(bytes.begin(), bytes.end())};
}

/// A json binary value, as attachments appear in a decoded packet.
inline json bytes(std::initializer_list<std::uint8_t> values) {
    return json::binary(std::vector<std::uint8_t>(values));
}

/// Feeds `frames` to a fresh decoder; the packet the last frame completes. Fails the test when a
/// frame is refused, when an earlier frame already completes a packet or the last does not.
inline Packet decode_frames(const std::vector<Frame>& frames, ParserLimits limits = {}) {
    auto decoder = json_parser(limits)->make_decoder();
    std::optional<Packet> packet;
    for (std::size_t i = 0; i < frames.size(); ++i) {
        std::error_code ec;
        packet = decoder->feed(frames[i].data, frames[i].binary, ec);
        EXPECT_FALSE(ec) << "frame " << i << ": " << ec.message();
        if (i + 1 < frames.size()) {
            EXPECT_FALSE(packet.has_value()) << "frame " << i << " completed a packet early";
            EXPECT_TRUE(decoder->awaiting_attachments());
        }
    }
    EXPECT_TRUE(packet.has_value()) << "the last frame did not complete a packet";
    EXPECT_FALSE(decoder->awaiting_attachments());
    return packet.value_or(Packet{});
}

inline Packet decode_text(const std::string& data) {
    return decode_frames({text(data)});
}

/// The error a fresh decoder reports for `frames` (the first one refused), or no error.
inline std::error_code decode_error(const std::vector<Frame>& frames, ParserLimits limits = {}) {
    auto decoder = json_parser(limits)->make_decoder();
    for (const auto& frame : frames) {
        std::error_code ec;
        auto packet = decoder->feed(frame.data, frame.binary, ec);
        if (ec) {
            EXPECT_FALSE(packet.has_value()) << "a refused frame must not yield a packet";
            EXPECT_FALSE(decoder->awaiting_attachments()) << "a refused frame must reset";
            return ec;
        }
    }
    return {};
}

inline std::error_code text_error(const std::string& data, ParserLimits limits = {}) {
    return decode_error({text(data)}, limits);
}

inline std::vector<Frame> encode(const Packet& packet) {
    return json_parser()->encode(packet);
}

}  // namespace socketio::protocol::test
