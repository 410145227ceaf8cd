// libFuzzer target: Node's cluster wire format (src/socketio/adapters/node_format.cpp) on any
// bytes: the bounded msgpack reader, and decode() on each kind of channel.
//
// Beyond "no crash, no sanitizer report, no leak, no hang":
//  - parse_msgpack_bounded answers either a value with no error, or no value with an error, and
//    a value is nested at most as deep as allowed;
//  - decode() answers an object or an error, never throws;
//  - what decode() accepts, encode() writes again (or declines), never crashing.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "socketio/adapters/cluster_format.hpp"

namespace {

using socketio::json;

std::size_t depth_of(const json& value) {
    std::size_t deepest = 0;
    if (value.is_array() || value.is_object()) {
        for (const auto& child : value) deepest = std::max(deepest, depth_of(child));
        return deepest + 1;
    }
    return 0;
}

const auto format =
    socketio::cluster::make_wire_format({.format = socketio::ClusterFormat::node_redis_adapter});

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    // The first byte picks the channel; the rest is the payload.
    static const std::string channels[] = {"socket.io#/#", "socket.io#/#room#",
                                           "socket.io-request#/chat#", "socket.io-response#/#",
                                           "socket.io-response#/#abc#"};
    const std::string& channel = channels[data[0] % std::size(channels)];
    const std::string_view payload(reinterpret_cast<const char*>(data + 1), size - 1);

    std::string error;
    auto value = socketio::cluster::parse_msgpack_bounded(payload, 16, error);
    if (value ? !error.empty() : error.empty()) std::abort();
    if (value && depth_of(*value) > 16) std::abort();

    error.clear();
    auto message = format->decode(channel, payload, error);
    if (!message && error.empty()) std::abort();
    if (message) {
        if (!message->is_object()) std::abort();
        try {
            std::string out_channel, out_payload;
            format->encode(*message, out_channel, out_payload);
        } catch (const std::exception&) {
            // A decoded message may lack what encoding needs (a response without a request id
            // is refused earlier; this is for fields the schema leaves optional).
        }
    }
    return 0;
}
