#pragma once
// Session ids: 15 characters of the base64url alphabet, each 6 random bits from the OS CSPRNG (90
// bits: beyond guessing from other ids or by trying). engine.io's base64id makes 20; 15 is what
// std::string keeps inline, so the Engine.IO session's sid and every socket's cost no allocation
// (a sid is opaque to clients and to the protocols).

#include <string>

namespace engineio::protocol {

inline constexpr std::size_t kSidLength = 15;

/// A new session id. Uses getrandom(2) (falls back to /dev/urandom), drawn a kilobyte at a time
/// into a per-thread buffer that a fork empties; throws std::system_error if the OS has no
/// randomness to give, rather than handing out a guessable id.
std::string generate_sid();

}  // namespace engineio::protocol
