// Checks shared by the parsers (packet_rules.hpp).

#include "socketio/protocol/packet_rules.hpp"

#include <cstddef>
#include <string>

namespace socketio::protocol::detail {

bool payload_valid(PacketType type, const json* payload) {
    switch (type) {
        case PacketType::connect:
            return payload == nullptr || payload->is_object();
        case PacketType::disconnect:
            return payload == nullptr;
        case PacketType::event:
        case PacketType::binary_event: {
            if (payload == nullptr || !payload->is_array() || payload->empty()) return false;
            const json& name = payload->front();
            if (name.is_number()) return true;
            return name.is_string() && !is_reserved_event_name(name.get_ref<const std::string&>());
        }
        case PacketType::ack:
        case PacketType::binary_ack:
            return payload != nullptr && payload->is_array();
        case PacketType::connect_error:
            return payload != nullptr && (payload->is_object() || payload->is_string());
    }
    return false;
}

}  // namespace socketio::protocol::detail
