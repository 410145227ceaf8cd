#pragma once
// The chat's Socket.IO logic (see main.cpp and public/).

#include <chrono>

#include "socketio/server.hpp"

struct ChatOptions {
    /// How often the background task broadcasts "clock". Default 1 s.
    std::chrono::milliseconds clock_interval = std::chrono::seconds(1);
};

// clang-format off
/// Installs the chat on namespace "/". Client → server (every one acks {"ok": true, …} or
/// {"ok": false, "error": why}):
///   "set_nick" (nick)        1–24 characters, unique among connected users; ack {ok, nick}
///   "join"     (room)        needs a nick; ack {ok, room, users}
///   "leave"    (room)        ack {ok, room}
///   "chat"     (room, text)  to everyone in the room (the sender too): "chat" {room, nick, text,
///                            time (ms since the epoch)}; ack {ok}
///   "typing"   (room, bool)  to the room except the sender: "typing" {room, nick, typing}
/// Server → client:
///   "rooms"  [{name, users}]  every room with its number of users: on connect, and to everyone
///                             when it changes
///   "users"  {room, users}    the nicks in a room, to that room when they change
///   "clock"  {time}           every clock_interval, from a background task that ends on stop()
/// With a cluster adapter (main.cpp --redis) nicks, user lists, room lists and messages span every
/// server of the cluster: users are their sockets' session data, found with fetch_sockets().
// clang-format on
void install_chat(socketio::Server& io, ChatOptions options = {});
