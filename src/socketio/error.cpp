// The "socketio" error category.

#include "socketio/error.hpp"

namespace socketio {

namespace {

class Category : public std::error_category {
  public:
    const char* name() const noexcept override { return "socketio"; }
    std::string message(int value) const override {
        switch (static_cast<error>(value)) {
            case error::ack_timeout:
                return "no acknowledgement within the timeout";
            case error::socket_disconnected:
                return "the socket disconnected before acknowledging";
            case error::too_many_pending_acks:
                return "too many acknowledgements pending";
            case error::reserved_event:
                return "reserved event name";
            case error::unknown_socket:
                return "no such socket";
            case error::invalid_handler:
                return "the handler's signature does not fit the event";
            case error::not_listening:
                return "the server has no Engine.IO server of its own";
        }
        return "unknown socketio error";
    }
};

}  // namespace

const std::error_category& socketio_category() noexcept {
    static const Category category;
    return category;
}

}  // namespace socketio
