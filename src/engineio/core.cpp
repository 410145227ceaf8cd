// The engine's request handling: the checks of an Engine.IO request (engine.io's verify()), the
// polling requests of a session, the handshake, and the logger.
#include <algorithm>
#include <thread>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include "engineio/protocol/sid.hpp"
#include "internal.hpp"

namespace engineio::detail {

std::shared_ptr<spdlog::logger> logger() {
    static const std::shared_ptr<spdlog::logger> instance = [] {
        if (auto existing = spdlog::get("engineio")) return existing;
        try {
            auto created = spdlog::stderr_color_mt("engineio");
            created->set_level(spdlog::level::warn);
            return created;
        } catch (const spdlog::spdlog_ex&) {
            return spdlog::get("engineio");  // created by another thread meanwhile
        }
    }();
    return instance;
}

namespace {

ServerOptions normalize(ServerOptions options) {
    if (options.path.empty() || options.path.front() != '/') options.path.insert(0, "/");
    if (options.path.back() != '/') options.path.push_back('/');
    if (options.threads == 0) options.threads = std::max(1u, std::thread::hardware_concurrency());
    return options;
}

bool accepts(std::string_view accept_encoding, std::string_view coding) {
    // "gzip, deflate;q=0.5, br" — a coding listed with q=0 is refused.
    while (!accept_encoding.empty()) {
        const auto comma = accept_encoding.find(',');
        std::string_view item = accept_encoding.substr(0, comma);
        accept_encoding = comma == std::string_view::npos ? std::string_view{}
                                                          : accept_encoding.substr(comma + 1);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        const auto semi = item.find(';');
        std::string_view name = item.substr(0, semi);
        while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
        if (name != coding) continue;
        if (semi != std::string_view::npos) {
            std::string_view params = item.substr(semi + 1);
            const auto q = params.find("q=");
            if (q != std::string_view::npos) {
                const std::string_view value = params.substr(q + 2);
                if (value.starts_with("0") &&
                    value.find_first_of("123456789") == std::string_view::npos)
                    return false;
            }
        }
        return true;
    }
    return false;
}

}  // namespace

Core::Core(ServerOptions opts) : options(normalize(std::move(opts))) {
    session_config =
        std::make_shared<const protocol::SessionCore::Config>(protocol::SessionCore::Config{
            .machine = {.ping_interval = options.heartbeat.ping_interval,
                        .ping_timeout = options.heartbeat.ping_timeout,
                        .upgrade_timeout = options.transports.upgrade_timeout,
                        .max_payload = options.limits.max_payload},
            .max_queue_bytes = options.limits.max_send_queue_bytes,
            .max_queue_packets = options.limits.max_send_queue_messages,
            // A polling client re-polls within a round trip of each response; a client that has not
            // come back within this bound is gone, and its session need not be kept.
            .close_linger = std::min<std::chrono::milliseconds>(
                options.heartbeat.ping_interval + options.heartbeat.ping_timeout,
                std::chrono::seconds(5)),
        });
    handler = std::make_shared<Handler>();
}

void Core::track(std::size_t loop, std::weak_ptr<Closable> connection) {
    auto& list = loop_states[loop]->connections;
    if (list.size() >= 64 && (list.size() & (list.size() - 1)) == 0) prune_connections(loop);
    list.push_back(std::move(connection));
}

void Core::prune_connections(std::size_t loop) {
    auto& list = loop_states[loop]->connections;
    std::erase_if(list, [](const auto& weak) { return weak.expired(); });
    if (list.capacity() > 2 * list.size() + 64) list.shrink_to_fit();
}

bool Core::host_allowed(const StringRequest& req) const {
    if (options.cors.allowed_hosts.empty()) return true;
    // Host is "name", "name:port", "[v6]" or "[v6]:port"; names compare case-insensitively.
    std::string_view host = req[http::field::host];
    const auto colon = host.rfind(':');
    if (colon != std::string_view::npos && host.find(']', colon) == std::string_view::npos)
        host = host.substr(0, colon);
    if (host.empty()) return false;
    std::string name(host);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (name.back() == '.') name.pop_back();  // "example.com." is "example.com"
    for (std::string allowed : options.cors.allowed_hosts) {
        std::transform(allowed.begin(), allowed.end(), allowed.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (allowed == "*" || allowed == name) return true;
        if (allowed.starts_with('.') &&
            (name == std::string_view(allowed).substr(1) || name.ends_with(allowed)))
            return true;
    }
    return false;
}

bool Core::sessions_full() const {
    return options.limits.max_sessions != 0 && open_sessions.load() >= options.limits.max_sessions;
}

namespace {
/// Runs `then` after `hops` trips through `loop`'s queue. Each trip lets the loop poll its
/// sockets once (Asio's scheduler runs its reactor between two handlers posted one after the
/// other), so what had arrived is read and handed on before `then`.
void after_hops(const Executor& loop, int hops, std::function<void()> then) {
    if (hops == 0) return then();
    boost::asio::post(loop, [loop, hops, then = std::move(then)]() mutable {
        after_hops(loop, hops - 1, std::move(then));
    });
}

struct FenceState {
    Executor home;
    std::function<void()> done;
    std::vector<Executor> loops;
    std::size_t waiting = 0;  // loops of this round not yet through; touched only on `home`
    int rounds_left = 2;
};

void fence_round(const std::shared_ptr<FenceState>& state) {
    state->waiting = state->loops.size();
    for (const Executor& loop : state->loops) {
        after_hops(loop, 3, [state] {
            boost::asio::post(state->home, [state] {
                if (--state->waiting > 0) return;
                if (--state->rounds_left > 0) return fence_round(state);
                state->done();
            });
        });
    }
}
}  // namespace

void Core::fence(const Executor& home, std::function<void()> done) {
    auto state = std::make_shared<FenceState>();
    state->home = home;
    state->done = std::move(done);
    state->loops = loop_executors;
    fence_round(state);
}

bool Core::is_engine_path(std::string_view path) const {
    return path == options.path ||
           (path.size() + 1 == options.path.size() && options.path.starts_with(path));
}

Core::Verdict Core::verify(const StringRequest& req, const Target& target, bool upgrade,
                           const Peer& peer) {
    const bool secure = peer.secure;
    Verdict v;
    v.ctx.version = req.version();
    v.ctx.keep_alive = req.keep_alive();
    v.ctx.compress = options.http.compression;
    v.ctx.compression_threshold = options.http.compression_threshold;
    if (const auto it = req.find(http::field::accept_encoding); it != req.end()) {
        v.ctx.accepts_gzip = accepts(it->value(), "gzip");
        v.ctx.accepts_deflate = accepts(it->value(), "deflate");
    }
    if (!host_allowed(req)) {
        refused_host_log.info("refused request for host '{}' (not in cors.allowed_hosts)",
                              sio::detail::printable(req[http::field::host]));
        v.failure = error::bad_request;
        return v;
    }
    CorsVerdict cors = check_cors(options, req, secure);
    v.ctx.cors_headers = std::move(cors.headers);
    if (!cors.allowed) {
        refused_origin_log.info(
            "refused request from origin '{}' (allowed: {})",
            sio::detail::printable(req[http::field::origin]),
            options.cors.allowed_origins.empty()
                ? std::string("same origin only")
                : fmt::format("{}", fmt::join(options.cors.allowed_origins, ", ")));
        v.failure = error::forbidden;
        return v;
    }

    const auto param = [&](std::string_view name) { return target.param(name); };

    const std::string transport(param("transport").value_or(""));
    if (std::find(options.transports.allowed.begin(), options.transports.allowed.end(),
                  transport) == options.transports.allowed.end() ||
        (transport != "polling" && transport != "websocket")) {
        v.failure = error::transport_unknown;
        return v;
    }
    v.websocket = transport == "websocket";

    const std::string_view sid = param("sid").value_or("");
    if (!sid.empty()) {
        v.session = sessions.find(sid);
        if (!v.session) {
            // Several server processes behind a load balancer that spreads one client's requests
            // over them: the session lives in the process that made it, so every other one sees
            // an unknown sid. Say so, since the client only sees "Session ID unknown".
            const auto forwarded = req[http::field::forwarded].empty()
                                       ? req["X-Forwarded-For"]
                                       : req[http::field::forwarded];
            unknown_sid_log.warn(
                "engine.io: {} request for unknown sid '{}' from {}{}{} — behind a load balancer? "
                "Socket.IO needs sticky sessions (nginx ip_hash); see docs/cluster.md",
                transport, sio::detail::printable(sid), peer.address,
                forwarded.empty() ? "" : " forwarded for ", sio::detail::printable(forwarded));
            v.failure = error::unknown_sid;
            return v;
        }
        // Whether a polling request fits the session's transport is for the session to say, on
        // its loop, in order with the upgrade (SessionCore::on_get / on_post).
        if (upgrade ? !v.websocket || !options.transports.allow_upgrades : v.websocket) {
            v.failure = error::bad_request;
            return v;
        }
        return v;
    }
    if (req.method() != http::verb::get) {
        v.failure = error::bad_handshake_method;
        return v;
    }
    if (v.websocket != upgrade) {
        v.failure = error::bad_request;
        return v;
    }
    if (param("EIO") != std::optional<std::string_view>("4")) {
        v.failure = error::unsupported_protocol_version;
        return v;
    }
    return v;
}

void Core::handle_http(StringRequest&& req, Target&& target, const Peer& peer,
                       std::shared_ptr<HttpResponder> responder,
                       std::shared_ptr<SessionImpl>& polled) {
    if (req.method() == http::verb::options) {
        // CORS preflight.
        if (!host_allowed(req)) {
            refused_host_log.info("refused preflight for host '{}' (not in cors.allowed_hosts)",
                                  sio::detail::printable(req[http::field::host]));
            ResponseContext ctx;
            ctx.version = req.version();
            ctx.keep_alive = req.keep_alive();
            return responder->respond(make_error_response(ctx, error::bad_request));
        }
        CorsVerdict cors = check_cors(options, req, peer.secure);
        ResponseContext ctx;
        ctx.version = req.version();
        ctx.keep_alive = req.keep_alive();
        ctx.cors_headers = std::move(cors.headers);
        if (!cors.allowed) {
            refused_origin_log.info("refused preflight from origin '{}'",
                                    sio::detail::printable(req[http::field::origin]));
            return responder->respond(make_error_response(ctx, error::forbidden));
        }
        ctx.cors_headers.emplace_back("Access-Control-Allow-Methods",
                                      "GET,HEAD,PUT,PATCH,POST,DELETE");
        if (const auto it = req.find(http::field::access_control_request_headers);
            it != req.end()) {
            ctx.cors_headers.emplace_back("Access-Control-Allow-Headers", std::string(it->value()));
            ctx.cors_headers.emplace_back("Vary", "Access-Control-Request-Headers");
        }
        return responder->respond(make_response(ctx, http::status::no_content, {}, {}));
    }

    Verdict verdict = verify(req, target, false, peer);
    if (verdict.failure)
        return responder->respond(make_error_response(verdict.ctx, *verdict.failure));

    if (auto session = verdict.session) {
        if (req.method() == http::verb::get) {
            polled = session;
            boost::asio::dispatch(session->executor(), [session, responder = std::move(responder),
                                                        ctx = std::move(verdict.ctx),
                                                        arrived = target.arrived]() mutable {
                session->on_get(std::move(responder), std::move(ctx), arrived);
            });
        } else if (req.method() == http::verb::post) {
            boost::asio::dispatch(session->executor(), [session, body = std::move(req.body()),
                                                        responder = std::move(responder),
                                                        ctx = std::move(verdict.ctx)]() mutable {
                session->on_post(std::move(body), std::move(responder), std::move(ctx));
            });
        } else {
            responder->respond(make_error_response(verdict.ctx, error::bad_request));
        }
        return;
    }

    if (sessions_full()) {
        return responder->respond(make_error_response(verdict.ctx, error::too_many_sessions));
    }
    auto session = open_session(req, std::move(target), peer, false);
    if (!session) return responder->respond(make_error_response(verdict.ctx, error::forbidden));
    std::string body(1, protocol::type_char(protocol::PacketType::open));
    body += session->open_packet_data();
    StringResponse res =
        make_response(verdict.ctx, http::status::ok, "text/plain; charset=UTF-8", std::move(body));
    if (options.http.cookie)
        res.set(http::field::set_cookie, make_cookie(*options.http.cookie, session->sid()));
    responder->respond(std::move(res));
}

bool Core::call_on_connect(const SessionPtr& session) {
    try {
        return handler->on_connect(session);
    } catch (const std::exception& e) {
        logger()->error("on_connect threw: {}; refusing the session", e.what());
    } catch (...) {
        logger()->error("on_connect threw; refusing the session");
    }
    return false;
}

std::shared_ptr<SessionImpl> Core::open_session(const StringRequest& req, Target&& target,
                                                const Peer& peer, bool websocket) {
    if (stopping) return nullptr;
    auto session = std::make_shared<SessionImpl>(
        shared_from_this(), protocol::generate_sid(),
        make_request(req, std::move(target), peer.address, peer.port, peer.secure), peer.loop_index,
        websocket);
    sessions.insert(session);
    if (!call_on_connect(session)) {
        session->abandon();
        return nullptr;
    }
    session->start();
    return session;
}

}  // namespace engineio::detail
