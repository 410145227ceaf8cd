// socketio::App: routes (method + pattern), the dispatch of a request to a route or a static
// mount, the Request / Response / HttpResponder values, and the session cookie on both sides.
#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/beast/http/string_body.hpp>

#include "engineio/server.hpp"
#include "internal.hpp"
#include "socketio/server.hpp"

namespace socketio {
namespace detail {
namespace {

namespace http = boost::beast::http;

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

/// The path's segments, percent-decoded; nullopt if one does not decode.
std::optional<std::vector<std::string>> decoded_segments(std::string_view path) {
    std::vector<std::string> segments;
    if (path.starts_with('/')) path.remove_prefix(1);
    if (path.empty()) return segments;
    for (;;) {
        const auto slash = path.find('/');
        auto segment = percent_decode(path.substr(0, slash), false);
        if (!segment) return std::nullopt;
        segments.push_back(std::move(*segment));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return segments;
}

/// The route's pattern matches these segments; its parameters go to `params`.
bool matches(const AppCore::Route& route, const std::vector<std::string>& segments,
             std::map<std::string, std::string, std::less<>>& params) {
    const std::size_t fixed = route.segments.size() - (route.rest ? 1 : 0);
    if (route.rest ? segments.size() < fixed : segments.size() != fixed) return false;
    std::map<std::string, std::string, std::less<>> found;
    for (std::size_t i = 0; i < fixed; ++i) {
        const auto& pattern = route.segments[i];
        if (pattern.parameter) {
            if (segments[i].empty()) return false;
            found[pattern.text] = segments[i];
        } else if (pattern.text != segments[i]) {
            return false;
        }
    }
    if (route.rest) {
        std::string rest;
        for (std::size_t i = fixed; i < segments.size(); ++i) {
            if (i > fixed) rest.push_back('/');
            rest += segments[i];
        }
        found[route.segments.back().text] = std::move(rest);
    }
    params = std::move(found);
    return true;
}

}  // namespace

AppExchange::AppExchange(std::shared_ptr<AppCore> core_, engineio::HttpRequest&& request_,
                         const engineio::HttpPeer& peer)
    : core(std::move(core_)), request(std::move(request_)), remote_address(peer.address) {
    const std::string_view target(request.target().data(), request.target().size());
    const auto question = target.find('?');
    path = target.substr(0, question);
    if (question != std::string_view::npos) query = parse_query(target.substr(question + 1));
}

const std::map<std::string, std::string, std::less<>>& AppExchange::cookie_map() {
    if (!cookies) {
        cookies.emplace();
        for (const auto& field : request) {
            if (field.name() != http::field::cookie) continue;
            for (auto& [name, value] : parse_cookies(field.value())) cookies->emplace(name, value);
        }
    }
    return *cookies;
}

AppCore::AppCore(AppOptions options_)
    : options(std::move(options_)),
      sessions(options.secret_key, options.session.max_age),
      log(spdlog::get("socketio")) {
    if (!log) log = spdlog::default_logger();
}

void AppCore::handle(engineio::HttpRequest&& request, const engineio::HttpPeer& peer,
                     engineio::HttpReply reply) {
    auto exchange = std::make_shared<AppExchange>(shared_from_this(), std::move(request), peer);
    HttpResponder responder(exchange, std::move(reply));
    const auto segments = decoded_segments(exchange->path);
    if (!segments) return responder.send(Response(400, "Bad Request"));
    const std::string_view method(exchange->request.method_string().data(),
                                  exchange->request.method_string().size());
    std::string allowed;
    for (const auto& route : routes) {
        if (!matches(route, *segments, exchange->params)) continue;
        if (route.method == method || (method == "HEAD" && route.method == "GET")) {
            try {
                route.handler(exchange->handle, std::move(responder));
            } catch (...) {
                // An asynchronous route threw after taking its HttpResponder: that one, destroyed
                // unsent, answered 500.
                failure(*exchange, std::current_exception());
            }
            return;
        }
        if (allowed.find(route.method) == std::string::npos) {
            if (!allowed.empty()) allowed += ", ";
            allowed += route.method;
            if (route.method == "GET") allowed += ", HEAD";
        }
    }
    if (!allowed.empty()) {
        return responder.send(Response(405, "Method Not Allowed").header("Allow", allowed));
    }
    for (const auto& mount : mounts) {
        const std::string_view path = exchange->path;
        if (!path.starts_with(mount.prefix)) continue;
        const std::string_view rest = path.substr(mount.prefix.size());
        if (!rest.empty() && rest.front() != '/') continue;  // "/staticx" is not under "/static"
        responder.send_generated(serve_static(mount, rest, *exchange, options));
        return;
    }
    responder.send(Response(404, "Not Found"));
}

http::message_generator AppCore::finish(AppExchange& exchange, Response response) {
    const auto& req = exchange.request;
    http::response<http::string_body> res{static_cast<http::status>(response.status()),
                                          req.version()};
    res.keep_alive(req.keep_alive());
    bool typed = false;
    for (const auto& [name, value] : response.headers()) {
        if (iequals(name, "set-cookie")) {
            res.insert(http::field::set_cookie, value);
        } else {
            res.set(name, value);
            typed = typed || iequals(name, "content-type");
        }
    }
    if (exchange.session && *exchange.session != exchange.session_as_read) {
        const auto& o = options.session;
        CookieOptions cookie{.max_age = o.max_age,
                             .path = o.path,
                             .secure = o.secure,
                             .http_only = o.http_only,
                             .same_site = o.same_site};
        std::string value;
        if (exchange.session->empty()) {
            cookie.max_age = std::chrono::seconds(0);  // logged out: the browser drops it
        } else {
            value = sessions.encode(*exchange.session);
            if (value.size() > 4000) {
                log->warn("session cookie of {} bytes: browsers drop cookies over 4 KB",
                          value.size());
            }
        }
        res.insert(http::field::set_cookie, format_set_cookie(o.cookie_name, value, cookie));
    }
    const std::size_t length = response.body().size();
    if (!typed && length > 0) res.set(http::field::content_type, "text/plain; charset=utf-8");
    const unsigned status = response.status();
    const bool bodiless = status / 100 == 1 || status == 204 || status == 304;
    if (!bodiless) res.body() = std::move(const_cast<std::string&>(response.body()));
    res.prepare_payload();
    if (req.method() == http::verb::head) {
        res.body().clear();  // HEAD: the GET's headers, Content-Length included, and no body
        res.content_length(length);
    }
    return res;
}

Response AppCore::failure(const AppExchange& exchange, std::exception_ptr error) {
    try {
        std::rethrow_exception(error);
    } catch (const HttpError& e) {
        return Response(e.status(), e.what());
    } catch (const std::exception& e) {
        log->error("route {} {} threw: {}", std::string_view(exchange.request.method_string()),
                   exchange.path, e.what());
    } catch (...) {
        log->error("route {} {} threw a non-standard exception",
                   std::string_view(exchange.request.method_string()), exchange.path);
    }
    return Response(500, "Internal Server Error");
}

}  // namespace detail

// --- Request ------------------------------------------------------------------------------------

std::string_view Request::method() const {
    const auto m = exchange_->request.method_string();
    return {m.data(), m.size()};
}
std::string_view Request::path() const {
    return exchange_->path;
}
std::string_view Request::target() const {
    const auto t = exchange_->request.target();
    return {t.data(), t.size()};
}
std::string_view Request::param(std::string_view name) const {
    const auto it = exchange_->params.find(name);
    return it == exchange_->params.end() ? std::string_view{} : std::string_view(it->second);
}
const std::map<std::string, std::string, std::less<>>& Request::params() const {
    return exchange_->params;
}
std::optional<std::string_view> Request::query(std::string_view name) const {
    for (const auto& [key, value] : exchange_->query) {
        if (key == name) return value;
    }
    return std::nullopt;
}
const std::vector<std::pair<std::string, std::string>>& Request::query() const {
    return exchange_->query;
}
std::optional<std::string_view> Request::header(std::string_view name) const {
    const auto it = exchange_->request.find(name);
    if (it == exchange_->request.end()) return std::nullopt;
    return std::string_view(it->value().data(), it->value().size());
}
std::optional<std::string_view> Request::cookie(std::string_view name) const {
    const auto& cookies = exchange_->cookie_map();
    const auto it = cookies.find(name);
    if (it == cookies.end()) return std::nullopt;
    return it->second;
}
const std::string& Request::body() const {
    return exchange_->request.body();
}
json Request::json_body() const {
    json parsed = json::parse(exchange_->request.body(), nullptr, false);
    if (parsed.is_discarded()) throw HttpError(400, "Bad Request: the body is not JSON");
    return parsed;
}
const std::string& Request::remote_address() const {
    return exchange_->remote_address;
}
const engineio::HttpRequest& Request::raw() const {
    return exchange_->request;
}
json& Request::session() {
    auto& exchange = *exchange_;
    if (!exchange.session) {
        const auto& core = *exchange.core;
        if (!core.sessions.enabled()) {
            throw std::logic_error("socketio::App: set AppOptions::secret_key to use sessions");
        }
        json read = json::object();
        if (const auto value = cookie(core.options.session.cookie_name)) {
            if (auto decoded = core.sessions.decode(*value, *core.log)) read = std::move(*decoded);
        }
        exchange.session_as_read = read;
        exchange.session = std::move(read);
    }
    return *exchange.session;
}

// --- Response -----------------------------------------------------------------------------------

Response::Response(unsigned status, std::string body, std::string content_type)
    : status_(status), body_(std::move(body)) {
    if (!body_.empty()) headers_.emplace_back("Content-Type", std::move(content_type));
}

Response Response::json_body(const json& value, unsigned status) {
    return Response(status, value.dump(), "application/json");
}

Response Response::redirect(std::string location, unsigned status) {
    Response response(status);
    response.header("Location", std::move(location));
    return response;
}

Response& Response::status(unsigned code) {
    status_ = code;
    return *this;
}

Response& Response::header(std::string name, std::string value) {
    for (auto& [existing, old] : headers_) {
        if (detail::iequals(existing, name) && !detail::iequals(name, "set-cookie")) {
            old = std::move(value);
            return *this;
        }
    }
    headers_.emplace_back(std::move(name), std::move(value));
    return *this;
}

Response& Response::body(std::string body, std::string content_type) {
    body_ = std::move(body);
    return header("Content-Type", std::move(content_type));
}

Response& Response::set_cookie(std::string_view name, std::string_view value,
                               const CookieOptions& options) {
    if (!detail::cookie_safe(name, true) || !detail::cookie_safe(value, false)) {
        throw std::invalid_argument(
            "socketio::Response::set_cookie: name or value not cookie-safe");
    }
    headers_.emplace_back("Set-Cookie", detail::format_set_cookie(name, value, options));
    return *this;
}

// --- HttpResponder
// ----------------------------------------------------------------------------------

HttpResponder::HttpResponder(std::shared_ptr<detail::AppExchange> exchange,
                             engineio::HttpReply reply)
    : exchange_(std::move(exchange)), reply_(std::move(reply)) {}

void HttpResponder::send(Response response) {
    if (!exchange_) return;
    auto exchange = std::move(exchange_);
    exchange_.reset();
    try {
        reply_.send(exchange->core->finish(*exchange, std::move(response)));
    } catch (...) {
        reply_.send(exchange->core->finish(
            *exchange, exchange->core->failure(*exchange, std::current_exception())));
    }
}

void HttpResponder::fail(std::exception_ptr error) {
    if (!exchange_) return;
    send(exchange_->core->failure(*exchange_, std::move(error)));
}

void HttpResponder::send_generated(boost::beast::http::message_generator response) {
    exchange_.reset();
    reply_.send(std::move(response));
}

// --- App ----------------------------------------------------------------------------------------

App::App(Server& io, AppOptions options)
    : core_(std::make_shared<detail::AppCore>(std::move(options))) {
    io.engine().set_http_handler([core = core_](engineio::HttpRequest&& request,
                                                const engineio::HttpPeer& peer,
                                                engineio::HttpReply reply) {
        core->handle(std::move(request), peer, std::move(reply));
    });
    if (core_->sessions.enabled()) {
        io.set_session_loader([core = core_](const Handshake& handshake) -> json {
            const auto value = handshake.cookie(core->options.session.cookie_name);
            if (!value) return json::object();
            auto session = core->sessions.decode(*value, *core->log);
            return session ? std::move(*session) : json::object();
        });
    }
}

App::~App() = default;

const AppOptions& App::options() const noexcept {
    return core_->options;
}

void App::add_route(std::string_view method, std::string_view pattern, Handler handler) {
    if (!pattern.starts_with('/')) {
        throw std::invalid_argument("socketio::App: route pattern must start with '/': " +
                                    std::string(pattern));
    }
    detail::AppCore::Route route;
    route.method = std::string(method);
    route.pattern = std::string(pattern);
    route.handler = std::move(handler);
    std::string_view rest = pattern.substr(1);
    while (!rest.empty()) {
        const auto slash = rest.find('/');
        const std::string_view segment = rest.substr(0, slash);
        rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
        if (route.rest) {
            throw std::invalid_argument("socketio::App: \"{name...}\" must end the pattern: " +
                                        std::string(pattern));
        }
        detail::AppCore::Segment parsed;
        if (segment.size() > 2 && segment.front() == '{' && segment.back() == '}') {
            std::string_view name = segment.substr(1, segment.size() - 2);
            if (name.ends_with("...")) {
                name.remove_suffix(3);
                route.rest = true;
            }
            parsed.text = std::string(name);
            parsed.parameter = true;
        } else {
            parsed.text = std::string(segment);
        }
        route.segments.push_back(std::move(parsed));
        if (slash == std::string_view::npos) break;
        if (rest.empty()) route.segments.push_back({});  // a trailing slash: an empty segment
    }
    core_->routes.push_back(std::move(route));
}

App& App::static_files(std::string_view prefix, const std::string& folder) {
    std::error_code ec;
    auto root = std::filesystem::canonical(folder, ec);
    if (ec || !std::filesystem::is_directory(root, ec)) {
        throw std::invalid_argument("socketio::App::static_files: not a directory: " + folder);
    }
    std::string normalized(prefix);
    while (!normalized.empty() && normalized.back() == '/') normalized.pop_back();
    if (!normalized.empty() && normalized.front() != '/') normalized.insert(0, "/");
    core_->mounts.push_back({std::move(normalized), std::move(root)});
    std::stable_sort(core_->mounts.begin(), core_->mounts.end(), [](const auto& a, const auto& b) {
        return a.prefix.size() > b.prefix.size();
    });
    return *this;
}

void App::spawn(HttpResponder responder, boost::asio::awaitable<Response> task) {
    auto executor = responder.executor();
    boost::asio::co_spawn(
        executor, std::move(task),
        [responder = std::move(responder)](std::exception_ptr error, Response response) mutable {
            if (error) return responder.fail(error);
            responder.send(std::move(response));
        });
}

}  // namespace socketio
