#pragma once
// The handlers of the auth example (see main.cpp).

#include "socketio/server.hpp"

/// Connecting needs auth {"token": …} naming a known user ("ann-token" → ann, "bob-token" → bob).
/// Without a token the client is refused with message "missing token" and data {"hint": …};
/// with an unknown one, "invalid token" and data {"token": the token}. An accepted client gets
/// "welcome" (user); "whoami" acks the user name kept in the socket's session.
void install_auth(socketio::Server& io);
