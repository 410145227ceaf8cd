#pragma once
// Session ids: 15 bytes from the OS CSPRNG, base64url-encoded (20 characters, like engine.io's
// base64id), so they cannot be guessed from other ids.

#include <string>

namespace engineio::protocol {

inline constexpr std::size_t kSidRandomBytes = 15;
inline constexpr std::size_t kSidLength = 20;

/// A new session id. Uses getrandom(2) (falls back to /dev/urandom), drawn a kilobyte at a time
/// into a per-thread buffer that a fork empties; throws std::system_error if the OS has no
/// randomness to give, rather than handing out a guessable id.
std::string generate_sid();

}  // namespace engineio::protocol
