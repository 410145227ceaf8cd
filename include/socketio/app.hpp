#pragma once
// socketio::App — HTTP routes, static files and the signed session cookie, served by the same
// server as the Socket.IO connections (Flask-SocketIO's one program, one run()).

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "engineio/http.hpp"
#include "socketio/json.hpp"

namespace socketio {

class Server;

namespace detail {
class AppCore;
struct AppExchange;
}  // namespace detail

/// AppOptions::session — the signed session cookie (Flask's session).
struct SessionOptions {
    /// Name of the cookie (Flask's SESSION_COOKIE_NAME). Default "session".
    std::string cookie_name = "session";
    /// How long a session stays valid after it was last written: the cookie's Max-Age, and the
    /// expiry signed into it, so an old cookie replayed after it is refused (Flask's
    /// PERMANENT_SESSION_LIFETIME). Default 31 days.
    std::chrono::seconds max_age{31 * 24 * 3600};
    /// Path attribute. Default "/".
    std::string path = "/";
    /// HttpOnly attribute: page scripts cannot read it. Default true.
    bool http_only = true;
    /// Secure attribute: sent over https only. Default false (set it when you serve https).
    bool secure = false;
    /// SameSite attribute: "Strict", "Lax" or "None"; empty = none. Default "Lax".
    std::string same_site = "Lax";
};

/// Options of socketio::App.
///
///   socketio::App app{io, {.secret_key = std::getenv("SECRET_KEY")}};
struct AppOptions {
    /// The key that signs session cookies with HMAC-SHA256 (Flask's SECRET_KEY): long and random,
    /// kept secret, the same in every process that must read the sessions. Default empty:
    /// sessions are off (Request::session() throws; Socket.IO sockets start with {}).
    std::string secret_key = {};
    /// cookie_name, max_age, path, http_only, secure, same_site.
    SessionOptions session = {};
    /// Static files (or the byte range asked for) up to this size are read whole into memory per
    /// request; larger ones are streamed from the file, 64 KiB at a time. Default 64 KiB.
    std::size_t static_read_whole_max = 64 * 1024;
    /// Cache-Control of static files. Default "no-cache": the browser revalidates each time, and
    /// the ETag / Last-Modified answer 304 when the file did not change.
    std::string static_cache_control = "no-cache";
};

/// Attributes of a cookie set by Response::set_cookie.
struct CookieOptions {
    /// Max-Age in seconds; none = a browser-session cookie; 0 deletes the cookie. Default none.
    std::optional<std::chrono::seconds> max_age = std::nullopt;
    std::string path = "/";         ///< Path; default "/"; empty = none
    std::string domain = {};        ///< Domain; default none
    bool secure = false;            ///< Secure; default false
    bool http_only = true;          ///< HttpOnly; default true
    std::string same_site = "Lax";  ///< SameSite: "Strict", "Lax" (default), "None"; empty = none
};

/// An HTTP request handed to a route. It lives until its response is sent: an asynchronous
/// route may keep using it as long as it holds the HttpResponder.
///
/// Thread safety: one thread at a time.
class Request {
  public:
    explicit Request(detail::AppExchange& exchange) : exchange_(&exchange) {}

    std::string_view method() const;  ///< "GET", "POST", …
    std::string_view path() const;    ///< the target without its query, as sent (not decoded)
    std::string_view target() const;  ///< path and query, as sent
    /// A route parameter ("{id}" in "/users/{id}"), percent-decoded; empty if there is none.
    std::string_view param(std::string_view name) const;
    const std::map<std::string, std::string, std::less<>>& params() const;
    /// The first query parameter with this name ('+' and %XX decoded).
    std::optional<std::string_view> query(std::string_view name) const;
    const std::vector<std::pair<std::string, std::string>>& query() const;
    /// The first header with this name (case-insensitive).
    std::optional<std::string_view> header(std::string_view name) const;
    std::optional<std::string_view> cookie(std::string_view name) const;
    const std::string& body() const;
    /// The body parsed as JSON. Throws HttpError(400) when it is not JSON (the client gets 400).
    json json_body() const;
    const std::string& remote_address() const;
    /// The request as Beast read it.
    const engineio::HttpRequest& raw() const;

    /// The signed session (Flask's session): a JSON object, {} when the request carried no valid
    /// session cookie. Changes are written to the cookie of this request's response; an empty
    /// object deletes it. Throws std::logic_error without AppOptions::secret_key.
    json& session();

  private:
    detail::AppExchange* exchange_;
};

/// An HTTP response built by a route. Defaults: 200, no body.
///
///   return socketio::Response::json_body({{"id", id}}).set_cookie("seen", "1");
///
/// Thread safety: a value.
class Response {
  public:
    Response() = default;
    explicit Response(unsigned status, std::string body = {},
                      std::string content_type = "text/plain; charset=utf-8");

    /// A JSON response (application/json).
    static Response json_body(const json& value, unsigned status = 200);
    /// A redirect (302 by default; 301, 303, 307, 308) to `location`.
    static Response redirect(std::string location, unsigned status = 302);

    Response& status(unsigned code);
    unsigned status() const noexcept { return status_; }
    /// Sets a header (replacing one of the same name).
    Response& header(std::string name, std::string value);
    Response& body(std::string body, std::string content_type = "text/plain; charset=utf-8");
    const std::string& body() const noexcept { return body_; }
    /// Adds a Set-Cookie header. Name and value must be cookie-safe (no ';', ',', space, control
    /// characters): std::invalid_argument otherwise.
    Response& set_cookie(std::string_view name, std::string_view value, const CookieOptions& = {});

    const std::vector<std::pair<std::string, std::string>>& headers() const noexcept {
        return headers_;
    }

  private:
    unsigned status_ = 200;
    std::string body_;
    std::vector<std::pair<std::string, std::string>> headers_;
};

/// Thrown by a route (or Request::json_body) to answer with this status and message.
class HttpError : public std::runtime_error {
  public:
    HttpError(unsigned status, std::string message)
        : std::runtime_error(std::move(message)), status_(status) {}
    unsigned status() const noexcept { return status_; }

  private:
    unsigned status_;
};

/// The answer of an asynchronous route: send() once, now or later, from any thread. Dropped
/// unsent, the client gets 500.
///
/// Thread safety: one thread at a time (move it where the answer will come from).
class HttpResponder {
  public:
    HttpResponder(std::shared_ptr<detail::AppExchange> exchange, engineio::HttpReply reply);
    /// Answers with `response` (and the session cookie, when Request::session() changed). A
    /// second call does nothing.
    void send(Response response);
    /// Answers with what an exception stands for: HttpError's status and message; otherwise 500,
    /// and the exception is logged.
    void fail(std::exception_ptr error);
    /// The loop of the request's connection.
    boost::asio::any_io_executor executor() const { return reply_.executor(); }

  private:
    friend class detail::AppCore;
    void send_generated(boost::beast::http::message_generator response);

    std::shared_ptr<detail::AppExchange> exchange_;
    engineio::HttpReply reply_;
};

// clang-format off
/// HTTP routes, static files and signed sessions on a socketio::Server: requests whose path is not
/// the Socket.IO path come here (the server answers 404 to them without an App).
///
///   socketio::Server io;
///   socketio::App app{io, {.secret_key = key}};
///   app.get("/users/{id}", [](socketio::Request& req) {
///       return socketio::Response::json_body({{"id", req.param("id")}});
///   });
///   app.post("/login", [](socketio::Request& req) {
///       req.session()["user"] = req.json_body().at("user");
///       return socketio::Response(204);
///   });
///   app.static_files("/", "./public");         // index.html, app.js, …
///   io.on_connect([](socketio::Socket& s) {    // the login's session, from the cookie
///       return s.get_session().contains("user");
///   });
///   io.run("127.0.0.1", 5000);                 // serves both
///
/// Routes: "/users/{id}" matches one path segment per parameter, a last "{rest...}" the rest of
/// the path (slashes too). Routes are tried in the order added, then the static mounts (longest
/// prefix first); a path some route matches with another method gets 405 with Allow, anything
/// else 404. A GET route answers HEAD too.
///
/// Handlers, called on the connection's loop (never block it; hand slow work on):
///   Response(Request&)                           — answers at once;
///   void(Request&, HttpResponder)                — answers later, from anywhere;
///   boost::asio::awaitable<Response>(Request&)   — a coroutine on the connection's loop.
/// An exception from a handler answers 500 and is logged (HttpError: its status and message).
///
/// Sessions (AppOptions::secret_key): Request::session() reads and writes a JSON object kept in a
/// cookie signed with HMAC-SHA256; a tampered, foreign-key or expired cookie is no session. A
/// Socket.IO connection whose handshake carries the cookie starts each of its sockets' session
/// (Socket::get_session) with it; changes made there stay with that socket and are not written
/// back to the cookie (Flask-SocketIO's manage_session=True).
///
/// Thread safety: add routes and static mounts before the server starts; nothing after.
// clang-format on
class App {
  public:
    /// Installs itself as `io`'s HTTP handler (engineio::Server::set_http_handler) and, with a
    /// secret_key, its session loader (Server::set_session_loader). `io` must not run yet. Throws
    /// std::system_error(error::not_listening) for a detached server (it has no HTTP).
    explicit App(Server& io, AppOptions options = {});
    ~App();
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    const AppOptions& options() const noexcept;

    /// A route for `method` ("GET", "POST", …) and `pattern`. Throws std::invalid_argument for a
    /// pattern that does not start with '/', or a "{name...}" not at its end.
    template <class F>
    App& route(std::string_view method, std::string_view pattern, F&& handler) {
        add_route(method, pattern, wrap(std::forward<F>(handler)));
        return *this;
    }
    template <class F>
    App& get(std::string_view pattern, F&& handler) {
        return route("GET", pattern, std::forward<F>(handler));
    }
    template <class F>
    App& post(std::string_view pattern, F&& handler) {
        return route("POST", pattern, std::forward<F>(handler));
    }
    template <class F>
    App& put(std::string_view pattern, F&& handler) {
        return route("PUT", pattern, std::forward<F>(handler));
    }
    template <class F>
    App& patch(std::string_view pattern, F&& handler) {
        return route("PATCH", pattern, std::forward<F>(handler));
    }
    template <class F>
    App& del(std::string_view pattern, F&& handler) {
        return route("DELETE", pattern, std::forward<F>(handler));
    }

    /// Serves the files under `folder` at `prefix` ("/static" → /static/app.js is
    /// folder/app.js): GET and HEAD, content type by extension, ETag and Last-Modified with 304,
    /// a folder's index.html (no listings). Paths are checked before any file is opened: a path
    /// with "..", ".", a dot-file, a backslash, a NUL, invalid UTF-8, or over 1024 bytes gets
    /// 403; percent-escapes are decoded once; a symlink that resolves outside `folder` gets 403.
    /// Throws std::invalid_argument if `folder` is not a directory.
    App& static_files(std::string_view prefix, const std::string& folder);

    /// A route's signature, as stored.
    using Handler = std::function<void(Request&, HttpResponder)>;

  private:
    template <class F>
    static Handler wrap(F&& f) {
        using Fn = std::decay_t<F>;
        if constexpr (std::is_invocable_r_v<Response, Fn&, Request&>) {
            return [f = Fn(std::forward<F>(f))](Request& req, HttpResponder responder) mutable {
                try {
                    responder.send(f(req));
                } catch (...) {
                    responder.fail(std::current_exception());
                }
            };
        } else if constexpr (std::is_invocable_v<Fn&, Request&, HttpResponder>) {
            return Handler(std::forward<F>(f));
        } else if constexpr (std::is_invocable_r_v<boost::asio::awaitable<Response>, Fn&,
                                                   Request&>) {
            return [f = Fn(std::forward<F>(f))](Request& req, HttpResponder responder) mutable {
                spawn(std::move(responder), f(req));
            };
        } else {
            static_assert(std::is_invocable_v<Fn&, Request&, HttpResponder>,
                          "a route handler is Response(Request&), void(Request&, HttpResponder) or "
                          "boost::asio::awaitable<Response>(Request&)");
        }
    }
    /// Runs a coroutine route on the connection's loop; its result (or exception) answers.
    static void spawn(HttpResponder responder, boost::asio::awaitable<Response> task);
    void add_route(std::string_view method, std::string_view pattern, Handler handler);

    std::shared_ptr<detail::AppCore> core_;
};

}  // namespace socketio
