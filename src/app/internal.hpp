#pragma once
// Internals of the application layer shared by its translation units (not installed).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <spdlog/logger.h>
#include <boost/beast/http/message_generator.hpp>

#include "engineio/http.hpp"
#include "socketio/app.hpp"

namespace socketio::detail {

// --- text of HTTP (http_text.cpp) -------------------------------------------------------------

/// Decodes %XX escapes once ('+' too when `plus_is_space`, as in a query). nullopt for a '%' not
/// followed by two hex digits.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);
/// A query string ("a=1&b=%20x") as decoded pairs; a pair that does not decode is skipped.
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query);
/// The cookies of a Cookie header ("a=1; b=2"); a quoted value loses its quotes.
std::map<std::string, std::string, std::less<>> parse_cookies(std::string_view header);
/// A cookie name or value may be written as is (RFC 6265 cookie-octets; a name: a token).
bool cookie_safe(std::string_view text, bool name);
/// "name=value; Max-Age=…; Path=…; Domain=…; Secure; HttpOnly; SameSite=…"
std::string format_set_cookie(std::string_view name, std::string_view value,
                              const CookieOptions& options);
/// Well-formed UTF-8: no overlong form, surrogate or code point over U+10FFFF.
bool valid_utf8(std::string_view text);
/// An IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") and back; nullopt for anything else.
std::string format_http_date(std::int64_t unix_seconds);
std::optional<std::int64_t> parse_http_date(std::string_view text);
/// base64url without padding (RFC 4648 §5), and back (nullopt for a character outside it).
std::string base64url_encode(std::string_view data);
std::optional<std::string> base64url_decode(std::string_view text);

// --- the session cookie (session_cookie.cpp) ----------------------------------------------------

/// Signs and checks session cookies: base64url(JSON {"d": data, "e": expiry}) "." base64url(
/// HMAC-SHA256(key, "socketio-cpp.session." + payload)).
class SessionCodec {
  public:
    SessionCodec(std::string key, std::chrono::seconds max_age);
    bool enabled() const noexcept { return !key_.empty(); }
    std::string encode(const json& data) const;
    /// The session of a cookie value; nullopt when the signature, the format or the expiry is
    /// wrong (logged at debug on `log`).
    std::optional<json> decode(std::string_view cookie, spdlog::logger& log) const;

  private:
    std::string sign(std::string_view payload) const;

    std::string key_;
    std::chrono::seconds max_age_;
};

// --- the exchange of one request
// ------------------------------------------------------------------

class AppCore;

/// One request and what routes learned of it; lives until its response is sent.
struct AppExchange {
    AppExchange(std::shared_ptr<AppCore> core, engineio::HttpRequest&& request,
                const engineio::HttpPeer& peer);

    std::shared_ptr<AppCore> core;
    engineio::HttpRequest request;
    std::string remote_address;
    std::string_view path;  // into request.target()
    std::vector<std::pair<std::string, std::string>> query;
    std::map<std::string, std::string, std::less<>> params;
    std::optional<std::map<std::string, std::string, std::less<>>> cookies;  // parsed on demand
    std::optional<json> session;                                             // read on demand
    json session_as_read;
    Request handle{*this};

    const std::map<std::string, std::string, std::less<>>& cookie_map();
};

// --- static files (static_files.cpp) ------------------------------------------------------------

struct StaticMount {
    std::string prefix;          // "/static", or "" for the root
    std::filesystem::path root;  // canonical
};

/// The response of a request under a mount; `rest` is the path after the prefix ("/app.js").
boost::beast::http::message_generator serve_static(const StaticMount& mount, std::string_view rest,
                                                   const AppExchange& exchange,
                                                   const AppOptions& options);
/// The content type of a file name by its extension (application/octet-stream if unknown).
std::string_view content_type_of(std::string_view file_name);

// --- routing (app.cpp)
// ----------------------------------------------------------------------------

class AppCore : public std::enable_shared_from_this<AppCore> {
  public:
    explicit AppCore(AppOptions options);

    struct Segment {
        std::string text;  // a literal, or the parameter's name
        bool parameter = false;
    };
    struct Route {
        std::string method;
        std::string pattern;
        std::vector<Segment> segments;
        bool rest = false;  // the last segment is "{name...}"
        App::Handler handler;
    };

    void handle(engineio::HttpRequest&& request, const engineio::HttpPeer& peer,
                engineio::HttpReply reply);
    /// The Beast response of a route's Response, with the session cookie when it changed.
    boost::beast::http::message_generator finish(AppExchange& exchange, Response response);
    /// The response for an exception from a route (HttpError: its status; else 500, logged).
    Response failure(const AppExchange& exchange, std::exception_ptr error);

    const AppOptions options;
    const SessionCodec sessions;
    std::shared_ptr<spdlog::logger> log;
    std::vector<Route> routes;
    std::vector<StaticMount> mounts;  // longest prefix first
};

}  // namespace socketio::detail
