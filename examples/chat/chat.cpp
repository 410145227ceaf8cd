#include "chat.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

using socketio::json;

// Who is who lives where every server of a cluster can see it, not in a map of this process: a
// user's nick in its socket's session data, the rooms it joined as its socket's rooms (and, for
// its disconnect handler, in its session too). The lists are asked for with fetch_sockets(),
// which with a cluster adapter (main.cpp --redis) asks every server, and with the in-memory
// adapter only this one: one code path for one process and for three behind nginx.

namespace {

using Sockets = std::vector<socketio::RemoteSocket>;

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// 1–max characters of text without control characters (bytes < 0x20).
bool valid_name(const json& value, std::size_t max) {
    if (!value.is_string()) return false;
    const auto& s = value.get_ref<const std::string&>();
    if (s.empty() || s.size() > max) return false;
    for (const unsigned char c : s) {
        if (c < 0x20) return false;
    }
    return true;
}

json fail(std::string why) {
    return {{"ok", false}, {"error", std::move(why)}};
}

std::string nick_of(const json& session) {
    return session.is_object() ? session.value("nick", std::string{}) : std::string{};
}

/// The chat rooms of a socket: its rooms minus its personal one (its sid).
std::vector<std::string> chat_rooms(const std::string& sid, const std::vector<std::string>& rooms) {
    std::vector<std::string> result;
    for (const auto& room : rooms) {
        if (room != sid) result.push_back(room);
    }
    return result;
}

/// The sorted nicks of `sockets`, leaving out `gone` (a socket that is disconnecting).
json nicks_of(const Sockets& sockets, const std::string& gone = {}) {
    std::vector<std::string> names;
    for (const auto& socket : sockets) {
        if (socket.sid() == gone) continue;
        if (auto nick = nick_of(socket.data()); !nick.empty()) names.push_back(std::move(nick));
    }
    std::sort(names.begin(), names.end());
    return names;
}

/// [{name, users}] for every chat room any of `sockets` is in.
json room_list_of(const Sockets& sockets, const std::string& gone = {}) {
    std::map<std::string, std::size_t> counts;
    for (const auto& socket : sockets) {
        if (socket.sid() == gone) continue;
        for (const auto& room : chat_rooms(socket.sid(), socket.rooms())) ++counts[room];
    }
    json list = json::array();
    for (const auto& [name, users] : counts) list.push_back({{"name", name}, {"users", users}});
    return list;
}

/// fetch_sockets() for coroutine handlers, never throwing: a server that did not answer in time
/// is left out (its users are missing from one list), which beats failing the user's request.
/// Not a coroutine itself (it returns the operation's awaitable): GCC 12 destroys a by-value
/// parameter of a coroutine twice when it was initialised from a temporary.
boost::asio::awaitable<Sockets> fetch(socketio::Broadcast who) {
    return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(Sockets)>(
        [](auto handler, socketio::Broadcast who) {
            auto shared = std::make_shared<decltype(handler)>(std::move(handler));
            who.fetch_sockets([shared](std::error_code, Sockets sockets) {
                // The coroutine resumes on its own executor (the socket's loop), and never inside
                // fetch_sockets(), which may call back at once (the in-memory adapter does).
                auto executor = boost::asio::get_associated_executor(*shared);
                boost::asio::post(executor, [shared, sockets = std::move(sockets)]() mutable {
                    (*shared)(std::move(sockets));
                });
            });
        },
        boost::asio::use_awaitable, std::move(who));
}

/// Tells a room who is in it now.
boost::asio::awaitable<json> announce_users(socketio::Namespace nsp, std::string room) {
    // co_await alone in its statement: GCC 12 mishandles temporaries around a co_await nested in
    // a call's arguments.
    const Sockets members = co_await fetch(nsp.to(room));
    json users = nicks_of(members);
    nsp.to(room).emit("users", json{{"room", room}, {"users", users}});
    co_return users;
}

/// Tells everyone which rooms there are.
boost::asio::awaitable<void> announce_rooms(socketio::Namespace nsp) {
    const Sockets everyone = co_await fetch(nsp.broadcast());
    nsp.emit("rooms", room_list_of(everyone));
}

// The coroutines below get their arguments as named objects (nsp, not s.nsp()): GCC 12
// destroys a by-value coroutine parameter twice when it was initialised from a temporary.

boost::asio::awaitable<json> set_nick(socketio::Socket s, json nick) {
    const socketio::Namespace nsp = s.nsp();
    if (!valid_name(nick, 24)) co_return fail("a nick is 1 to 24 characters");
    const std::string name = nick.get<std::string>();
    if (nick_of(s.get_session()) == name) co_return json{{"ok", true}, {"nick", name}};
    // Unique across the cluster as far as fetch_sockets can tell: two users taking the same nick
    // on two servers at the same instant may both get it (good enough for a chat; a real one
    // would ask a shared store).
    const Sockets everyone = co_await fetch(nsp.broadcast());
    for (const auto& other : everyone) {
        if (other.sid() != s.sid() && nick_of(other.data()) == name) co_return fail("nick taken");
    }
    s.update_session([&](json& session) { session["nick"] = name; });
    for (const auto& room : chat_rooms(s.sid(), s.rooms()))
        co_await announce_users(nsp, room);  // a renamed user
    co_return json{{"ok", true}, {"nick", name}};
}

boost::asio::awaitable<json> join(socketio::Socket s, json room) {
    const socketio::Namespace nsp = s.nsp();
    if (!valid_name(room, 32)) co_return fail("a room name is 1 to 32 characters");
    const std::string name = room.get<std::string>();
    if (nick_of(s.get_session()).empty()) co_return fail("set a nick first");
    s.join(name);  // in a handler, on the socket's loop: at once, so the announcements reach s
    s.update_session([&](json& session) { session["rooms"][name] = true; });
    const json users = co_await announce_users(nsp, name);
    co_await announce_rooms(nsp);
    co_return json{{"ok", true}, {"room", name}, {"users", users}};
}

boost::asio::awaitable<json> leave(socketio::Socket s, json room) {
    const socketio::Namespace nsp = s.nsp();
    if (!room.is_string()) co_return fail("no such room");
    const std::string name = room.get<std::string>();
    const auto rooms = chat_rooms(s.sid(), s.rooms());
    if (std::find(rooms.begin(), rooms.end(), name) == rooms.end())
        co_return fail("not in that room");
    s.leave(name);
    s.update_session([&](json& session) {
        if (session.contains("rooms")) session["rooms"].erase(name);
    });
    co_await announce_users(nsp, name);
    co_await announce_rooms(nsp);
    co_return json{{"ok", true}, {"room", name}};
}

bool in_room(const socketio::Socket& s, const std::string& room) {
    const auto rooms = chat_rooms(s.sid(), s.rooms());
    return std::find(rooms.begin(), rooms.end(), room) != rooms.end();
}

}  // namespace

void install_chat(socketio::Server& io, ChatOptions options) {
    io.on_connect([](socketio::Socket& s) {
        s.nsp().broadcast().fetch_sockets(
            [s](std::error_code, Sockets sockets) { s.emit("rooms", room_list_of(sockets)); });
    });

    io.on("set_nick", [](socketio::Socket& s, const json& nick) { return set_nick(s, nick); });
    io.on("join", [](socketio::Socket& s, const json& room) { return join(s, room); });
    io.on("leave", [](socketio::Socket& s, const json& room) { return leave(s, room); });

    io.on("chat", [](socketio::Socket& s, const json& room, const json& text) {
        if (!room.is_string() || !text.is_string() || text.get_ref<const std::string&>().empty())
            return fail("a message is a room and some text");
        const std::string name = room.get<std::string>();
        if (!in_room(s, name)) return fail("not in that room");
        s.nsp().to(name).emit("chat", json{{"room", name},
                                           {"nick", nick_of(s.get_session())},
                                           {"text", text},
                                           {"time", now_ms()}});
        return json{{"ok", true}};
    });

    io.on("typing", [](socketio::Socket& s, const json& room, const json& typing) {
        if (!room.is_string()) return;
        const std::string name = room.get<std::string>();
        if (!in_room(s, name)) return;
        s.to(name).emit(
            "typing",
            json{{"room", name}, {"nick", nick_of(s.get_session())}, {"typing", typing == true}});
    });

    // The rooms it was in come from its session (its socket rooms may be gone by now); the lists
    // leave it out, in case another server's answer still counts it.
    io.on_disconnect([](socketio::Socket& s, socketio::DisconnectReason) {
        const json session = s.get_session();
        if (!session.is_object() || !session.contains("rooms") || session["rooms"].empty()) return;
        auto nsp = s.nsp();
        const std::string gone = s.sid();
        for (const auto& [room, _] : session["rooms"].items()) {
            nsp.to(room).fetch_sockets([nsp, room, gone](std::error_code, Sockets sockets) {
                nsp.to(room).emit("users",
                                  json{{"room", room}, {"users", nicks_of(sockets, gone)}});
            });
        }
        nsp.broadcast().fetch_sockets([nsp, gone](std::error_code, Sockets sockets) {
            nsp.emit("rooms", room_list_of(sockets, gone));
        });
    });

    // The clock: its own thread; io.sleep() returns false once the server stops, ending it. Each
    // server of a cluster ticks for its own clients (local()): one tick per second per client,
    // not one per server.
    io.start_background_task([&io, interval = options.clock_interval] {
        while (io.sleep(interval)) io.local().emit("clock", json{{"time", now_ms()}});
    });
}
