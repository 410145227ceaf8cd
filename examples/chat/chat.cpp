#include "chat.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

using socketio::json;

namespace {

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

/// Who is who and where. Handlers run on several loops at once, so every access holds `mutex`;
/// emits happen after the lock is released (they only queue).
struct Chat {
    struct User {
        std::string nick;
        std::set<std::string> rooms;
    };
    std::mutex mutex;
    std::map<std::string, User> users;                   // by sid
    std::set<std::string> nicks;                         // taken
    std::map<std::string, std::set<std::string>> rooms;  // room → sids

    json users_of(const std::string& room) const {  // under mutex
        json list = json::array();
        auto it = rooms.find(room);
        if (it == rooms.end()) return list;
        std::vector<std::string> names;
        for (const auto& sid : it->second) names.push_back(users.at(sid).nick);
        std::sort(names.begin(), names.end());
        for (auto& n : names) list.push_back(std::move(n));
        return list;
    }
    json room_list() const {  // under mutex
        json list = json::array();
        for (const auto& [name, sids] : rooms)
            list.push_back({{"name", name}, {"users", sids.size()}});
        return list;
    }
};

}  // namespace

void install_chat(socketio::Server& io, ChatOptions options) {
    auto chat = std::make_shared<Chat>();

    // Tells a room who is in it now.
    auto announce_users = [chat](socketio::Server& server, const std::string& room) {
        json users;
        {
            std::lock_guard lock(chat->mutex);
            users = chat->users_of(room);
        }
        server.to(room).emit("users", json{{"room", room}, {"users", users}});
    };
    auto announce_rooms = [chat](socketio::Server& server) {
        json rooms;
        {
            std::lock_guard lock(chat->mutex);
            rooms = chat->room_list();
        }
        server.emit("rooms", rooms);
    };

    io.on_connect([chat](socketio::Socket& s) {
        json rooms;
        {
            std::lock_guard lock(chat->mutex);
            chat->users[s.sid()] = {};
            rooms = chat->room_list();
        }
        s.emit("rooms", rooms);
    });

    io.on("set_nick", [chat, announce_users](socketio::Socket& s, const json& nick) {
        if (!valid_name(nick, 24)) return fail("a nick is 1 to 24 characters");
        const std::string name = nick.get<std::string>();
        std::set<std::string> rooms;
        {
            std::lock_guard lock(chat->mutex);
            auto& user = chat->users[s.sid()];
            if (user.nick == name) return json{{"ok", true}, {"nick", name}};
            if (chat->nicks.count(name)) return fail("nick taken");
            if (!user.nick.empty()) chat->nicks.erase(user.nick);
            chat->nicks.insert(name);
            user.nick = name;
            rooms = user.rooms;
        }
        for (const auto& room : rooms) announce_users(s.server(), room);  // a renamed user
        return json{{"ok", true}, {"nick", name}};
    });

    io.on("join", [chat, announce_users, announce_rooms](socketio::Socket& s, const json& room) {
        if (!valid_name(room, 32)) return fail("a room name is 1 to 32 characters");
        const std::string name = room.get<std::string>();
        {
            std::lock_guard lock(chat->mutex);
            auto& user = chat->users[s.sid()];
            if (user.nick.empty()) return fail("set a nick first");
            user.rooms.insert(name);
            chat->rooms[name].insert(s.sid());
        }
        s.join(name);  // in a handler: at once, so the announcements below reach s too
        announce_users(s.server(), name);
        announce_rooms(s.server());
        std::lock_guard lock(chat->mutex);
        return json{{"ok", true}, {"room", name}, {"users", chat->users_of(name)}};
    });

    io.on("leave", [chat, announce_users, announce_rooms](socketio::Socket& s, const json& room) {
        if (!room.is_string()) return fail("no such room");
        const std::string name = room.get<std::string>();
        {
            std::lock_guard lock(chat->mutex);
            auto& user = chat->users[s.sid()];
            if (!user.rooms.erase(name)) return fail("not in that room");
            auto& members = chat->rooms[name];
            members.erase(s.sid());
            if (members.empty()) chat->rooms.erase(name);
        }
        s.leave(name);
        announce_users(s.server(), name);
        announce_rooms(s.server());
        return json{{"ok", true}, {"room", name}};
    });

    io.on("chat", [chat](socketio::Socket& s, const json& room, const json& text) {
        if (!room.is_string() || !text.is_string() || text.get_ref<const std::string&>().empty())
            return fail("a message is a room and some text");
        const std::string name = room.get<std::string>();
        std::string nick;
        {
            std::lock_guard lock(chat->mutex);
            const auto& user = chat->users[s.sid()];
            if (!user.rooms.count(name)) return fail("not in that room");
            nick = user.nick;
        }
        s.server().to(name).emit(
            "chat", json{{"room", name}, {"nick", nick}, {"text", text}, {"time", now_ms()}});
        return json{{"ok", true}};
    });

    io.on("typing", [chat](socketio::Socket& s, const json& room, const json& typing) {
        if (!room.is_string()) return;
        const std::string name = room.get<std::string>();
        std::string nick;
        {
            std::lock_guard lock(chat->mutex);
            const auto& user = chat->users[s.sid()];
            if (!user.rooms.count(name)) return;
            nick = user.nick;
        }
        s.to(name).emit("typing", json{{"room", name}, {"nick", nick}, {"typing", typing == true}});
    });

    io.on_disconnect(
        [chat, announce_users, announce_rooms](socketio::Socket& s, socketio::DisconnectReason) {
            std::set<std::string> rooms;
            {
                std::lock_guard lock(chat->mutex);
                auto it = chat->users.find(s.sid());
                if (it == chat->users.end()) return;
                rooms = std::move(it->second.rooms);
                chat->nicks.erase(it->second.nick);
                chat->users.erase(it);
                for (const auto& room : rooms) {
                    auto& members = chat->rooms[room];
                    members.erase(s.sid());
                    if (members.empty()) chat->rooms.erase(room);
                }
            }
            for (const auto& room : rooms) announce_users(s.server(), room);
            if (!rooms.empty()) announce_rooms(s.server());
        });

    // The clock: its own thread; io.sleep() returns false once the server stops, ending it.
    io.start_background_task([&io, interval = options.clock_interval] {
        while (io.sleep(interval)) io.emit("clock", json{{"time", now_ms()}});
    });
}
