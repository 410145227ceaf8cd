#pragma once
// Small helpers shared by the Socket.IO server's internals: string-keyed maps searchable by
// string_view, the "am I on this loop" test, and building a protocol packet.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include <boost/asio/any_io_executor.hpp>

#include "engineio/message.hpp"

#include "socketio/protocol/packet.hpp"

namespace socketio::detail {

/// True when the calling thread runs `executor` (an io_context executor).
bool running_in(const boost::asio::any_io_executor& executor) noexcept;

/// A text to encode a one-recipient message (an ACK) into, in one of a few buffers of this
/// thread that are reused once the messages made of them are gone: the usual ACK allocates
/// nothing. Use it on one thread, and make at most one message of it.
class RecycledText {
  public:
    RecycledText();
    std::string& text() noexcept { return *buffer_; }
    /// The message of the text. A buffer grown past what the ring keeps (4 KiB) leaves it: its
    /// memory goes when the message does.
    engineio::Message message() &&;

  private:
    std::shared_ptr<std::string> buffer_;
    std::shared_ptr<std::string>* slot_;  // the ring's reference to buffer_
};

/// Transparent hashing so maps keyed by std::string can be searched with a string_view.
struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
        return std::hash<std::string_view>{}(s);
    }
};
template <class V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

/// Empties `value` if it is an array, destroying its elements first. nlohmann's destructor moves
/// a container's elements to a heap-allocated stack (so that deep trees do not recurse): one
/// allocation for every array it destroys, which a flat array of arguments does not need.
inline void destroy_shallow(json& value) noexcept {
    if (value.is_array()) value.get_ref<json::array_t&>().clear();
}

inline protocol::Packet make_packet(protocol::PacketType type, std::string nsp, json data,
                                    std::optional<std::uint64_t> id = std::nullopt) {
    protocol::Packet packet;
    packet.type = type;
    packet.nsp = std::move(nsp);
    packet.id = id;
    packet.data = std::move(data);
    return packet;
}

}  // namespace socketio::detail
