#include "engineio/error.hpp"

namespace engineio {
namespace {

class Category final : public std::error_category {
  public:
    const char* name() const noexcept override { return "engineio"; }
    std::string message(int value) const override {
        switch (static_cast<error>(value)) {
            case error::transport_unknown:
                return "Transport unknown";
            case error::unknown_sid:
                return "Session ID unknown";
            case error::bad_handshake_method:
                return "Bad handshake method";
            case error::bad_request:
                return "Bad request";
            case error::forbidden:
                return "Forbidden";
            case error::unsupported_protocol_version:
                return "Unsupported protocol version";
            case error::invalid_packet:
                return "Invalid packet";
            case error::payload_too_large:
                return "Payload too large";
            case error::too_many_sessions:
                return "Too many sessions";
        }
        return "Unknown engineio error";
    }
};

}  // namespace

const std::error_category& error_category() noexcept {
    static const Category category;
    return category;
}

}  // namespace engineio
