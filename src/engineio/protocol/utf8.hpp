#pragma once
// UTF-8 validation of Engine.IO text. A WebSocket text frame is checked by Beast (1007 when it is
// not UTF-8); a polling body is checked here, so both transports accept the same text.

#include <string_view>

namespace engineio::protocol {

/// True when `text` is well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates
/// (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequence. One pass; runs of ASCII are
/// checked eight bytes at a time.
bool is_valid_utf8(std::string_view text) noexcept;

}  // namespace engineio::protocol
