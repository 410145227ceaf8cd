#include "auth.hpp"

#include <map>
#include <string>

using socketio::json;

void install_auth(socketio::Server& io) {
    // The connect handler sees the CONNECT packet's auth payload (the client's `auth` option).
    // Throwing ConnectionRefused sends CONNECT_ERROR: the client's connect_error event gets an
    // Error whose message is the first argument and whose `data` is the second.
    io.on_connect([](socketio::Socket& s, const json& auth) {
        static const std::map<std::string, std::string> users = {{"ann-token", "ann"},
                                                                 {"bob-token", "bob"}};
        if (!auth.is_object() || !auth.contains("token")) {
            throw socketio::ConnectionRefused("missing token",
                                              {{"hint", "connect with auth {token: ...}"}});
        }
        const std::string token = auth["token"].is_string() ? auth["token"].get<std::string>() : "";
        auto user = users.find(token);
        if (user == users.end())
            throw socketio::ConnectionRefused("invalid token", {{"token", token}});
        s.save_session({{"user", user->second}});  // what later handlers know of the client
        s.emit("welcome", user->second);
    });
    io.on("whoami", [](socketio::Socket& s) { return s.get_session().value("user", ""); });
}
