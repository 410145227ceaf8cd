#pragma once
// The messages of the adapter schema (docs/cluster.md) that a sender builds from an operation:
// shared by the cluster adapter and the write-only Emitter, so that both publish exactly the
// same thing and every wire format maps one schema.

#include <string>
#include <vector>

#include "socketio/adapter.hpp"
#include "socketio/json.hpp"

namespace socketio::cluster::messages {

/// A new member id: 32 hex digits, as python-socketio's uuid.uuid4().hex (its host_id). Every
/// server and emitter of a cluster has its own, so each can tell its own messages apart.
std::string random_host_id();

/// python-socketio's `emit` for EVENT `data` ([name, args…]) to `options` in `nsp`: `data` is
/// one argument as it is, none as null, several as a list marked `"cpp_args": true` (python
/// servers deliver that list as one argument: JSON has no tuple).
json emit(const json& data, const std::string& nsp, const BroadcastOptions& options,
          const std::string& host_id);

/// The addressed sockets join `rooms`: python's `enter_room` when one sid-like room and one room
/// (python servers act on it too), else `cpp:sockets_join`.
json sockets_join(const std::string& nsp, const BroadcastOptions& options,
                  const std::vector<std::string>& rooms);
/// The same for leaving: `leave_room` or `cpp:sockets_leave`.
json sockets_leave(const std::string& nsp, const BroadcastOptions& options,
                   const std::vector<std::string>& rooms);
/// python's `disconnect` (one room, no except, not closing), else `cpp:disconnect_sockets`.
json disconnect_sockets(const std::string& nsp, const BroadcastOptions& options, bool close);
/// python's `close_room`.
json close_room(const std::string& nsp, const std::string& room);
/// `cpp:server_side_emit` without an ack (request_id null).
json server_side_emit(const std::string& nsp, const json& data);

/// python's room / skip_sid from a room list: null, one string, or a list.
json rooms_value(const std::vector<std::string>& rooms);

}  // namespace socketio::cluster::messages
