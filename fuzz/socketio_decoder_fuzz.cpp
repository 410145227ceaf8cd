// libFuzzer target: a stream of Engine.IO messages fed to one Socket.IO JSON decoder.
//
// Input layout, repeated until the input ends: one flag byte (bit 0: binary frame), two bytes of
// little-endian length (clamped to what is left), then that many bytes of frame data. So the
// first byte chooses text or binary, and one input can drive a whole BINARY_EVENT with its
// attachments, or frames in the wrong order.
//
// Beyond "no crash, no sanitizer report", each decoded packet must re-encode to frames that
// decode again and encode to the very same frames (encode ∘ decode is idempotent), and a second
// decoder that defers event arguments (Decoder::defer_event_args) must refuse and accept the same
// frames, its deferred text reading back as the arguments the first one built.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "socketio/protocol/parser.hpp"

namespace {

using socketio::protocol::Frame;
using socketio::protocol::Packet;
using socketio::protocol::Parser;

const Parser& parser() {
    static const auto instance = socketio::protocol::json_parser({.max_attachments = 4});
    return *instance;
}

Packet decode_all(const std::vector<Frame>& frames) {
    auto decoder = parser().make_decoder();
    std::optional<Packet> packet;
    for (const auto& frame : frames) {
        std::error_code ec;
        packet = decoder->feed(frame.data, frame.binary, ec);
        if (ec) std::abort();  // what we encoded must decode
    }
    if (!packet || decoder->awaiting_attachments()) std::abort();
    return *packet;
}

void check_reencoding(const Packet& packet) {
    const auto frames = parser().encode(packet);
    const auto again = parser().encode(decode_all(frames));
    if (again.size() != frames.size()) std::abort();
    for (std::size_t i = 0; i < frames.size(); ++i) {
        if (again[i].binary != frames[i].binary || again[i].data != frames[i].data) std::abort();
    }
}

}  // namespace

// `deferred` came from the deferring decoder, `built` from the other, for the same frame.
void check_deferred(const std::optional<Packet>& deferred, const std::optional<Packet>& built) {
    if (deferred.has_value() != built.has_value()) std::abort();
    if (!deferred) return;
    if (!deferred->deferred) {
        if (deferred->data != built->data) std::abort();
        return;
    }
    socketio::protocol::json args;
    if (!deferred->data.is_null()) std::abort();
    if (!socketio::protocol::read_deferred_args(deferred->deferred->args, args)) std::abort();
    auto expected = built->data;
    if (!expected.is_array() || expected.empty() || !expected[0].is_string() ||
        expected[0].get_ref<const std::string&>() != deferred->deferred->name) {
        std::abort();
    }
    expected.erase(expected.begin());
    if (args != expected) std::abort();
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto decoder = parser().make_decoder();
    auto deferring = parser().make_decoder();
    deferring->defer_event_args(true);
    std::size_t i = 0;
    while (i < size) {
        const bool binary = (data[i] & 1) != 0;
        std::size_t length = 0;
        if (i + 1 < size) length |= data[i + 1];
        if (i + 2 < size) length |= static_cast<std::size_t>(data[i + 2]) << 8;
        i += 3;
        if (i > size) i = size;
        if (length > size - i) length = size - i;
        const std::string_view frame(reinterpret_cast<const char*>(data + i), length);
        i += length;

        std::error_code ec;
        const auto packet = decoder->feed(frame, binary, ec);
        std::error_code deferring_ec;
        const auto deferred = deferring->feed(frame, binary, deferring_ec);
        if (deferring_ec != ec) std::abort();
        check_deferred(deferred, packet);
        if (ec) {
            if (packet || decoder->awaiting_attachments()) std::abort();
            continue;  // a server would close the connection; keep going to exercise the reset
        }
        if (packet) check_reencoding(*packet);
    }
    return 0;
}
