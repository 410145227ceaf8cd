#pragma once
// Base64 (RFC 4648 §4, with padding) for binary packets on the polling transport, and base64url
// (§5, no padding) for session ids.

#include <optional>
#include <string>
#include <string_view>

namespace engineio::protocol {

/// Appends the standard base64 encoding (with '=' padding) of `bytes` to `out`.
void base64_encode(std::string_view bytes, std::string& out);
std::string base64_encode(std::string_view bytes);
/// Appends the base64url encoding (no padding) of `bytes` to `out`.
void base64url_encode(std::string_view bytes, std::string& out);
/// Decodes standard base64. Padding is optional; whitespace and any other character outside the
/// alphabet make the input invalid (nullopt), as do impossible lengths and non-zero pad bits.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace engineio::protocol
