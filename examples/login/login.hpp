#pragma once
// The handlers of the login example (see main.cpp): HTTP routes and Socket.IO events sharing one
// signed session, as Flask-SocketIO applications do.

#include "socketio/app.hpp"
#include "socketio/server.hpp"

/// Routes: POST /login {"user": name} signs the user in (the session cookie); POST /logout signs
/// out; GET /me answers {"user": name}, or 401 without a session. Socket.IO: a client without a
/// signed-in session is refused ("login first"); "whoami" acks the session's user; "nickname"
/// (name) changes the user for this socket only: the socket's session is its own copy, not
/// written back to the cookie (Flask-SocketIO's manage_session).
void install_login(socketio::Server& io, socketio::App& app);
