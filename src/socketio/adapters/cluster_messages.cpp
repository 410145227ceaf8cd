// The messages of the adapter schema that a sender builds (docs/cluster.md).

#include "cluster_messages.hpp"

#include <cstdint>
#include <random>

namespace socketio::cluster::messages {

namespace {

/// One room (a sid, for python's per-socket messages) and no exception.
bool one_room_only(const BroadcastOptions& options) {
    return options.rooms.size() == 1 && options.except.empty();
}

json room_change(const char* python_method, const char* cpp_method, const char* cpp_field,
                 const std::string& nsp, const BroadcastOptions& options,
                 const std::vector<std::string>& rooms) {
    if (one_room_only(options) && rooms.size() == 1) {
        return {{"method", python_method},
                {"sid", options.rooms.front()},
                {"room", rooms.front()},
                {"namespace", nsp}};
    }
    return {{"method", cpp_method},
            {"namespace", nsp},
            {"rooms", options.rooms},
            {"except", options.except},
            {cpp_field, rooms}};
}

}  // namespace

std::string random_host_id() {
    std::random_device device;
    std::mt19937_64 generator((static_cast<std::uint64_t>(device()) << 32) ^ device());
    static constexpr char digits[] = "0123456789abcdef";
    std::string id(32, '0');
    for (auto& c : id) c = digits[generator() & 15];
    return id;
}

json rooms_value(const std::vector<std::string>& rooms) {
    if (rooms.empty()) return nullptr;
    if (rooms.size() == 1) return rooms.front();
    return json(rooms);
}

json emit(const json& data, const std::string& nsp, const BroadcastOptions& options,
          const std::string& host_id) {
    const std::size_t argc = data.size() - 1;
    json message = {{"method", "emit"}, {"event", data[0]}};
    // python's `data`: one argument as it is, none as null; several as a list, which python
    // servers deliver as one list argument (JSON has no tuple), so ours mark it.
    if (argc == 0) {
        message["data"] = nullptr;
    } else if (argc == 1) {
        message["data"] = data[1];
    } else {
        message["data"] = json(data.begin() + 1, data.end());
    }
    message["namespace"] = nsp;
    message["room"] = rooms_value(options.rooms);
    // python compares skip_sid with sids only; ours read each as a room (a sid is one).
    message["skip_sid"] = rooms_value(options.except);
    message["callback"] = nullptr;
    message["host_id"] = host_id;
    if (argc > 1) message["cpp_args"] = true;
    return message;
}

json sockets_join(const std::string& nsp, const BroadcastOptions& options,
                  const std::vector<std::string>& rooms) {
    return room_change("enter_room", "cpp:sockets_join", "join", nsp, options, rooms);
}

json sockets_leave(const std::string& nsp, const BroadcastOptions& options,
                   const std::vector<std::string>& rooms) {
    return room_change("leave_room", "cpp:sockets_leave", "leave", nsp, options, rooms);
}

json disconnect_sockets(const std::string& nsp, const BroadcastOptions& options, bool close) {
    if (one_room_only(options) && !close) {
        return {{"method", "disconnect"}, {"sid", options.rooms.front()}, {"namespace", nsp}};
    }
    return {{"method", "cpp:disconnect_sockets"},
            {"namespace", nsp},
            {"rooms", options.rooms},
            {"except", options.except},
            {"close", close}};
}

json close_room(const std::string& nsp, const std::string& room) {
    return {{"method", "close_room"}, {"room", room}, {"namespace", nsp}};
}

json server_side_emit(const std::string& nsp, const json& data) {
    return {{"method", "cpp:server_side_emit"},
            {"namespace", nsp},
            {"data", data},
            {"request_id", nullptr}};
}

}  // namespace socketio::cluster::messages
