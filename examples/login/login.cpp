#include "login.hpp"

#include <string>

using socketio::json;

namespace {

bool valid_user(const json& user) {
    return user.is_string() && !user.get_ref<const std::string&>().empty() &&
           user.get_ref<const std::string&>().size() <= 32;
}

}  // namespace

void install_login(socketio::Server& io, socketio::App& app) {
    app.post("/login", [](socketio::Request& req) {
        const json body = req.json_body();  // 400 when the body is not JSON
        const json user = body.value("user", json());
        if (!valid_user(user)) throw socketio::HttpError(400, "user: 1 to 32 characters");
        req.session()["user"] = user;  // signed, sent back as the session cookie
        return socketio::Response::json_body({{"ok", true}, {"user", user}});
    });
    app.post("/logout", [](socketio::Request& req) {
        req.session() = json::object();  // an empty session deletes the cookie
        return socketio::Response::json_body({{"ok", true}});
    });
    app.get("/me", [](socketio::Request& req) {
        const json& session = req.session();
        if (!session.contains("user")) throw socketio::HttpError(401, "not signed in");
        return socketio::Response::json_body({{"user", session["user"]}});
    });

    // The socket's session starts as the cookie's (App installs the loader): the HTTP login is
    // known here.
    io.on_connect([](socketio::Socket& s) {
        if (!s.get_session().contains("user")) throw socketio::ConnectionRefused{"login first"};
    });
    io.on("whoami", [](socketio::Socket& s) { return s.get_session().value("user", ""); });
    io.on("nickname", [](socketio::Socket& s, const json& name) {
        if (!valid_user(name)) return json{{"ok", false}};
        json session = s.get_session();
        session["user"] = name;
        s.save_session(session);  // this socket's copy only
        return json{{"ok", true}};
    });
}
