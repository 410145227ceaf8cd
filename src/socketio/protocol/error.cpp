#include "socketio/protocol/error.hpp"

namespace socketio::protocol {
namespace {

class Category final : public std::error_category {
  public:
    const char* name() const noexcept override { return "socketio.protocol"; }
    std::string message(int value) const override {
        switch (static_cast<error>(value)) {
            case error::invalid_packet_type:
                return "Invalid packet type";
            case error::invalid_attachment_count:
                return "Invalid attachment count";
            case error::too_many_attachments:
                return "Too many attachments";
            case error::invalid_namespace:
                return "Invalid namespace";
            case error::invalid_ack_id:
                return "Invalid ack id";
            case error::invalid_json:
                return "Invalid JSON payload";
            case error::nesting_too_deep:
                return "Payload nested too deeply";
            case error::too_many_values:
                return "Too many JSON values in the payload";
            case error::invalid_payload:
                return "Invalid payload for the packet type";
            case error::invalid_placeholder:
                return "Invalid binary placeholder";
            case error::attachment_count_mismatch:
                return "Attachment count does not match the placeholders";
            case error::unexpected_binary_frame:
                return "Binary frame while none was awaited";
            case error::unexpected_text_frame:
                return "Unexpected text frame";
            case error::invalid_msgpack:
                return "Invalid msgpack";
        }
        return "Unknown socketio.protocol error";
    }
};

}  // namespace

const std::error_category& error_category() noexcept {
    static const Category category;
    return category;
}

}  // namespace socketio::protocol
