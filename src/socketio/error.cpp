// The "socketio" error category.

#include "socketio/error.hpp"

namespace socketio {

namespace {

class Category final : public std::error_category {
  public:
    const char* name() const noexcept override { return "socketio"; }
    std::string message(int value) const override {
        switch (static_cast<error>(value)) {
            case error::ack_timeout:
                return "No acknowledgement within the timeout";
            case error::socket_disconnected:
                return "The socket disconnected before acknowledging";
            case error::too_many_pending_acks:
                return "Too many acknowledgements pending";
            case error::reserved_event:
                return "Reserved event name";
            case error::invalid_handler:
                return "The handler's signature does not fit the event";
            case error::not_listening:
                return "The server has no Engine.IO server of its own";
            case error::too_many_pending_requests:
                return "Too many cluster requests pending";
        }
        return "Unknown socketio error";
    }
};

}  // namespace

const std::error_category& error_category() noexcept {
    static const Category category;
    return category;
}

}  // namespace socketio
