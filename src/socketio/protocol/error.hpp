#pragma once
// socketio::protocol::error — why a Socket.IO packet could not be decoded, with its
// std::error_category. Every one of these means the connection must be closed (the Socket.IO v5
// spec: "the receiver MUST close the connection").

#include <string>
#include <system_error>

namespace socketio::protocol {

/// Errors of the Socket.IO protocol layer (decoding frames into packets).
enum class error {
    invalid_packet_type = 1,    ///< empty text frame, or a first byte other than '0'..'6'
    invalid_attachment_count,   ///< BINARY_* header not "<digits>-", or a count of 0
    too_many_attachments,       ///< more attachments than ParserLimits::max_attachments
    invalid_namespace,          ///< a namespace that is not valid UTF-8
    invalid_ack_id,             ///< an ack id that overflows 64 bits, or junk where it belongs
    invalid_json,               ///< the payload is not valid JSON
    nesting_too_deep,           ///< the payload nests deeper than ParserLimits::max_nesting_depth
    too_many_values,            ///< the payload has more JSON values than ParserLimits::max_values
    invalid_payload,            ///< valid JSON, but not a valid payload for the packet type
    invalid_placeholder,        ///< a binary placeholder whose "num" is not a declared attachment
    attachment_count_mismatch,  ///< a declared attachment that no placeholder refers to
    unexpected_binary_frame,    ///< a binary frame while no packet awaits attachments
    unexpected_text_frame,      ///< a text frame while a packet still awaits attachments, or any
                                ///< text frame to the msgpack parser
    invalid_msgpack,            ///< not one well-formed msgpack value (msgpack parser)
};

/// The category of socketio::protocol::error (name "socketio.protocol").
const std::error_category& error_category() noexcept;

inline std::error_code make_error_code(error e) noexcept {
    return {static_cast<int>(e), error_category()};
}

}  // namespace socketio::protocol

template <>
struct std::is_error_code_enum<socketio::protocol::error> : std::true_type {};
