#pragma once
// engineio::error — the Engine.IO layer's error codes and their std::error_category.

#include <string>
#include <system_error>

namespace engineio {

/// Errors of the Engine.IO layer. Values 0..5 are the protocol's own error codes, sent to the
/// client as the HTTP body {"code":N,"message":"…"}; the others are local (decoding, bounds).
enum class error {
    transport_unknown = 0,             ///< "Transport unknown"
    unknown_sid = 1,                   ///< "Session ID unknown"
    bad_handshake_method = 2,          ///< "Bad handshake method"
    bad_request = 3,                   ///< "Bad request"
    forbidden = 4,                     ///< "Forbidden"
    unsupported_protocol_version = 5,  ///< "Unsupported protocol version"

    invalid_packet = 100,     ///< a packet that does not decode (unknown type, bad base64, empty)
    payload_too_large = 101,  ///< a polling body or message over max_payload (HTTP 413)
    send_queue_full = 102,    ///< a session's send queue is over its bound
};

/// The category of engineio::error ("engineio").
const std::error_category& error_category() noexcept;

inline std::error_code make_error_code(error e) noexcept {
    return {static_cast<int>(e), error_category()};
}

/// True for the codes the protocol sends to clients (0..5).
constexpr bool is_protocol_error(error e) noexcept {
    return static_cast<int>(e) >= 0 && static_cast<int>(e) <= 5;
}

}  // namespace engineio

template <>
struct std::is_error_code_enum<engineio::error> : std::true_type {};
