#pragma once
// engineio::error — the Engine.IO layer's error codes and their std::error_category.

#include <string>
#include <system_error>

namespace engineio {

/// Errors of the Engine.IO layer. No value is 0, so every one reads as a failure in a
/// std::error_code. The first six are the protocol's own errors, sent to the client as the HTTP
/// body
/// {"code":N,"message":"…"} where N is wire_code(e) — not the enum's value.
enum class error {
    transport_unknown = 1,         ///< "Transport unknown"            (wire code 0)
    unknown_sid,                   ///< "Session ID unknown"           (wire code 1)
    bad_handshake_method,          ///< "Bad handshake method"         (wire code 2)
    bad_request,                   ///< "Bad request"                  (wire code 3)
    forbidden,                     ///< "Forbidden"                    (wire code 4)
    unsupported_protocol_version,  ///< "Unsupported protocol version" (wire code 5)

    invalid_packet,     ///< a packet that does not decode (unknown type, bad base64, bad UTF-8)
    payload_too_large,  ///< a polling body or message over limits.max_payload (HTTP 413)
    too_many_sessions,  ///< limits.max_sessions reached: the handshake is refused (HTTP 503)
};

/// The category of engineio::error ("engineio").
const std::error_category& error_category() noexcept;

inline std::error_code make_error_code(error e) noexcept {
    return {static_cast<int>(e), error_category()};
}

/// The code sent to clients in {"code":N,…}: the protocol's 0..5 for its own errors; a local error
/// is reported to clients as the protocol error closest to it (bad request, or forbidden for
/// too_many_sessions).
constexpr int wire_code(error e) noexcept {
    switch (e) {
        case error::transport_unknown:
            return 0;
        case error::unknown_sid:
            return 1;
        case error::bad_handshake_method:
            return 2;
        case error::bad_request:
        case error::invalid_packet:
        case error::payload_too_large:
            return 3;
        case error::forbidden:
        case error::too_many_sessions:
            return 4;
        case error::unsupported_protocol_version:
            return 5;
    }
    return 3;
}

}  // namespace engineio

template <>
struct std::is_error_code_enum<engineio::error> : std::true_type {};
