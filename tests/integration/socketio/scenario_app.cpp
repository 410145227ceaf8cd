#include "scenario_app.hpp"

#include <algorithm>
#include <stdexcept>
#include <tuple>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "support/environment.hpp"
#include "support/json_lines.hpp"

namespace siotest {

namespace {

/// A typed argument: the "point-sum" handler takes it converted by from_json.
struct Point {
    int x = 0;
    int y = 0;
};
void from_json(const json& j, Point& p) {
    j.at("x").get_to(p.x);
    j.at("y").get_to(p.y);
}

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

std::string what_of(std::exception_ptr error) {
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        return e.what();
    } catch (...) {
        return "unknown exception";
    }
}

}  // namespace

std::string to_string(Mode mode) {
    switch (mode) {
        case Mode::polling:
            return "polling";
        case Mode::websocket:
            return "websocket";
        case Mode::upgrade:
            return "upgrade";
    }
    return "?";
}

socketio::ServerOptions scenario_options() {
    socketio::ServerOptions options;
    options.engine.heartbeat.ping_interval = 2s;
    options.engine.heartbeat.ping_timeout = 2s;
    options.engine.cors.allowed_origins = {"*"};
    options.engine.threads = 2;
    return options;
}

ScenarioServer::ScenarioServer(Options options)
    : io_(std::make_unique<socketio::Server>(options.server)) {
    for (const char* nsp : {"/", "/admin", "/chat", "/errors"}) install(nsp);
    install_middleware_namespaces();
    io_->of("/errors").on_error([this](socketio::Socket& s, const std::string& event,
                                       const json& args, std::exception_ptr error) {
        std::string what = what_of(error);
        {
            std::lock_guard lock(mutex_);
            errors_.push_back({"namespace", s.nsp_name(), s.sid(), event, args, what});
        }
        changed_.notify_all();
        s.emit("error-handled", json{{"event", event}, {"what", what}, {"args", args}});
    });
    io_->on_error_default([this](socketio::Socket& s, const std::string& event, const json& args,
                                 std::exception_ptr error) {
        std::string what = what_of(error);
        {
            std::lock_guard lock(mutex_);
            errors_.push_back({"default", s.nsp_name(), s.sid(), event, args, what});
        }
        changed_.notify_all();
        s.emit("default-error-handled", json{{"event", event}, {"what", what}});
    });
    io_->listen("127.0.0.1", 0);
    io_->start();
    if (options.ticks > 0) ticker_ = std::thread([this, n = options.ticks] { ticker(n); });
}

ScenarioServer::~ScenarioServer() {
    {
        std::lock_guard lock(mutex_);
        quitting_ = true;
    }
    changed_.notify_all();
    if (ticker_.joinable()) ticker_.join();
    io_->stop();
}

// Not a handler: a thread of the test, emitting while clients are connected.
void ScenarioServer::ticker(int ticks) {
    auto deadline = std::chrono::steady_clock::now() + 8s;
    while (io_->of("/").sockets().size() < 2) {
        std::unique_lock lock(mutex_);
        if (changed_.wait_for(lock, 10ms, [&] { return quitting_; })) return;
        if (std::chrono::steady_clock::now() > deadline) return;
    }
    for (int i = 0; i < ticks; ++i) io_->emit("tick", i);
    io_->emit("tick-done", ticks);
}

void ScenarioServer::record_event(const socketio::Socket& s, const std::string& event, json args) {
    {
        std::lock_guard lock(mutex_);
        events_.push_back({s.nsp_name(), s.sid(), event, std::move(args)});
    }
    changed_.notify_all();
}

// "/guarded": a middleware refuses clients without auth.key (message and data) and stores the
// user in the socket's data, which "guard-data" reads. "/slow": a coroutine middleware takes
// 200 ms and refuses auth.token != "good"; the coroutine connect handler emits "welcome".
void ScenarioServer::install_middleware_namespaces() {
    using socketio::Socket;
    struct Guard {
        std::string user;
        int checks = 0;
    };
    auto guarded = io_->of("/guarded");
    guarded.use([](Socket& s, const json& auth) {
        if (!auth.contains("key")) throw socketio::ConnectionRefused("no key", json{{"code", 401}});
        s.data<Guard>().user = auth.value("user", "");
    });
    guarded.on("guard-data", [](Socket& s) {
        auto& guard = s.data<Guard>();
        ++guard.checks;
        return json{{"user", guard.user}, {"checks", guard.checks}};
    });
    auto slow = io_->of("/slow");
    slow.use([](Socket& s, const json& auth) -> boost::asio::awaitable<void> {
        boost::asio::steady_timer lookup(s.executor(), 200ms);
        co_await lookup.async_wait(boost::asio::use_awaitable);
        if (auth.value("token", "") != "good") throw socketio::ConnectionRefused("bad token");
    });
    slow.on_connect([](Socket& s, const json& auth) -> boost::asio::awaitable<void> {
        s.emit("welcome", auth.value("token", ""));
        co_return;
    });
}

void ScenarioServer::install(const std::string& name) {
    using socketio::Ack;
    using socketio::Socket;
    socketio::Namespace ns = io_->of(name);
    socketio::Server& io = *io_;

    ns.on("connect", [this](Socket& s, const json& auth) {
        std::string refuse = auth.is_object() ? auth.value("refuse", "") : "";
        if (refuse == "false" || refuse == "throw") {
            {
                std::lock_guard lock(mutex_);
                refused_.push_back(auth);
            }
            changed_.notify_all();
            if (refuse == "false") return false;
            throw socketio::ConnectionRefused("not authorized",
                                              json{{"code", 4001}, {"hint", "bad token"}});
        }
        {
            std::lock_guard lock(mutex_);
            connects_.push_back({s.nsp_name(), s.sid(), s.engine_sid(), s.handshake(), auth,
                                 std::string(s.transport())});
        }
        changed_.notify_all();
        return true;
    });
    ns.on("disconnect", [this](Socket& s, socketio::DisconnectReason reason) {
        {
            std::lock_guard lock(mutex_);
            disconnects_.push_back({s.nsp_name(), s.sid(), reason});
        }
        changed_.notify_all();
    });

    ns.on("whoami", [](Socket& s) {
        const auto& h = s.handshake();
        auto opt = [](std::optional<std::string_view> v) {
            return v ? json(std::string(*v)) : json(nullptr);
        };
        return json{{"sid", s.sid()},
                    {"nsp", s.nsp_name()},
                    {"auth", h.auth},
                    {"token", opt(h.query_param("token"))},
                    {"custom", opt(h.header("x-custom"))},
                    {"flavor", opt(h.cookie("flavor"))},
                    {"address", h.address},
                    {"transport", std::string(s.transport())}};
    });
    // Variadic events and unknown names go to the catch-all.
    // Every argument, whatever their number and types, acked back as they came.
    ns.on("echo", [this](Socket& s, socketio::Args args) {
        record_event(s, "echo", args.array());
        return args;
    });
    ns.on("echo-emit", [this](Socket& s, socketio::Args args) {
        record_event(s, "echo-emit", args.array());
        s.emit("echo-back", args);
        return Ack{};
    });
    ns.on_catch_all([this](Socket& s, const std::string& event, socketio::Args args) {
        record_event(s, event, args.array());
        json caught = json::array({"caught", event});
        for (const auto& a : args) caught.push_back(a);
        return Ack::from_array(std::move(caught));
    });
    // A typed json parameter emitted again and acked: its keys keep their order.
    ns.on("relay-object", [](Socket& s, const json& message) {
        s.emit("relayed", message);
        return message;
    });
    // Emits `size`-byte strings, a loop turn apart, until one is refused by the send-queue bound
    // (the client stopped reading); "flood-report" acks what happened.
    struct FloodStats {
        int queued = 0;
        bool refused = false;
    };
    ns.on("flood", [](Socket& s, std::size_t size) -> boost::asio::awaitable<void> {
        const std::string blob(size, 'x');
        for (int i = 0; i < 10'000; ++i) {
            const auto result = s.emit("blob", blob);
            if (result != socketio::EmitResult::queued) {
                s.data<FloodStats>().refused = result == socketio::EmitResult::refused;
                break;
            }
            ++s.data<FloodStats>().queued;
            co_await boost::asio::post(s.executor(), boost::asio::use_awaitable);
        }
    });
    ns.on("flood-report", [](Socket& s) {
        const auto& stats = s.data<FloodStats>();
        return json{{"queued", stats.queued}, {"refused", stats.refused}};
    });
    ns.on("message", [this](Socket& s, const json& data) {
        record_event(s, "message", json::array({data}));
        s.send(data);
    });
    ns.on("ack-none", [](Socket&) {});
    ns.on("ack-one", [](Socket&) { return std::string("one"); });
    ns.on("ack-tuple", [](Socket&) { return std::tuple<int, std::string>{7, "seven"}; });
    ns.on("ack-many", [](Socket&) {
        return Ack{1, "two", json{{"three", 3}}, json::array({4}), nullptr, true};
    });
    ns.on("ack-binary", [](Socket&) {
        return Ack{socketio::binary("\x01\x02\x03"),
                   json{{"nested",
                         {{"buf", socketio::binary("\x04\x05")},
                          {"list", json::array({socketio::binary("\x06")})}}}}};
    });
    ns.on("sum", [this](Socket& s, int a, int b) {
        record_event(s, "sum", json::array({a, b}));
        return a + b;
    });
    ns.on("greet", [this](Socket& s, const std::string& who) {
        record_event(s, "greet", json::array({who}));
        return "hello " + who;
    });
    ns.on("point-sum", [this](Socket& s, Point p) {
        record_event(s, "point-sum", json::array({p.x, p.y}));
        return p.x + p.y;
    });

    ns.on("ask", [this](Socket& s, const std::string& event, const json& payload) {
        s.emit_with_ack(event, payload, [this, s](std::error_code ec, json args) {
            record_event(s, "ask-result", json::array({ec.value(), args}));
            s.emit("ask-result", ec ? json{{"ok", false}, {"error", ec.message()}}
                                    : json{{"ok", true}, {"args", args}});
        });
    });
    ns.on("ask-timeout", [this](Socket& s, const std::string& event, int ms) {
        s.timeout(std::chrono::milliseconds(ms))
            .emit_with_ack(event, "please ack", [this, s](std::error_code ec, json args) {
                record_event(s, "ask-result", json::array({ec.value(), args}));
                if (ec == socketio::error::ack_timeout) {
                    s.emit("ask-result", json{{"ok", false}, {"error", "timeout"}});
                } else {
                    s.emit("ask-result",
                           json{{"ok", !ec}, {"error", ec.message()}, {"args", args}});
                }
            });
    });
    ns.on("ask-co", [](Socket& s, std::string event, json payload) -> boost::asio::awaitable<json> {
        socketio::AckResult r = co_await s.emit_with_ack(event, payload);
        if (r.ec) co_return json{{"ok", false}, {"error", r.ec.message()}};
        co_return json{{"ok", true}, {"args", r.args}};
    });

    ns.on("join", [](Socket& s, const std::string& room) {
        s.join(room);
        return sorted(s.rooms());
    });
    ns.on("leave", [](Socket& s, const std::string& room) {
        s.leave(room);
        return sorted(s.rooms());
    });
    ns.on("my-rooms", [](Socket& s) { return sorted(s.rooms()); });
    ns.on("room-members",
          [ns](Socket&, const std::string& room) { return sorted(ns.sockets(room)); });
    ns.on("to-rooms", [ns](Socket&, const std::vector<std::string>& rooms, const json& payload) {
        ns.to(rooms).emit("room-msg", payload);
    });
    ns.on("to-rooms-except", [ns](Socket&, const std::vector<std::string>& rooms,
                                  const std::vector<std::string>& except, const json& payload) {
        ns.to(rooms).except(except).emit("room-msg", payload);
    });
    ns.on("to-room-from-me", [](Socket& s, const std::string& room, const json& payload) {
        s.to(room).emit("room-msg", payload);
    });
    ns.on("to-all", [ns](Socket&, const json& payload) { ns.emit("room-msg", payload); });
    ns.on("broadcast",
          [](Socket& s, const json& payload) { s.broadcast().emit("room-msg", payload); });
    ns.on("close-room", [ns](Socket&, const std::string& room) { ns.close_room(room); });
    ns.on("disconnect-me", [](Socket& s) { s.disconnect(); });
    ns.on("close-me", [](Socket& s) { s.disconnect(true); });
    ns.on("throw", [](Socket&) { throw std::runtime_error("boom"); });

    ns.on("session-set", [](Socket& s, const std::string& key, const json& value) {
        json session = s.get_session();
        session[key] = value;
        s.save_session(std::move(session));
    });
    ns.on("session-get", [](Socket& s) { return s.get_session(); });
    ns.on("transport", [&io](Socket& s) { return io.transport(s.sid(), s.nsp_name()); });
    ns.on("burst", [&io](Socket& s, int n) {
        io.start_background_task([s, n] {
            for (int i = 0; i < n; ++i) s.emit("seq", i);
            s.emit("seq-done", n);
        });
    });
    ns.on("slow", [this](Socket& s, int ms) {
        record_event(s, "slow", json::array({ms}));
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));  // blocks its thread on purpose
        return std::string("slow-done");
    });
    ns.on("fast", [this](Socket& s) {
        record_event(s, "fast", json::array());
        return std::string("fast-done");
    });
}

std::string ScenarioServer::url() const {
    return "http://127.0.0.1:" + std::to_string(io_->port());
}

ProcessResult ScenarioServer::node(const std::string& script, const std::string& scenario,
                                   Mode mode, const std::vector<std::string>& params,
                                   std::chrono::milliseconds timeout) const {
    std::vector<std::string> args{url(), scenario, "transport=" + to_string(mode)};
    args.insert(args.end(), params.begin(), params.end());
    return run_node_script("socketio/scenarios/" + script + ".mjs", args, timeout);
}

ProcessResult ScenarioServer::python(const std::string& scenario, Mode mode,
                                     std::chrono::milliseconds timeout) const {
    std::string script = js_dir() + "/../py/client.py";
    return run_process(
        {.argv = {python_executable(), script, url(), scenario, "transport=" + to_string(mode)}},
        timeout);
}

std::vector<ConnectRecord> ScenarioServer::connects() const {
    std::lock_guard lock(mutex_);
    return connects_;
}
std::vector<json> ScenarioServer::refused() const {
    std::lock_guard lock(mutex_);
    return refused_;
}
std::vector<DisconnectRecord> ScenarioServer::disconnects() const {
    std::lock_guard lock(mutex_);
    return disconnects_;
}
std::vector<ErrorRecord> ScenarioServer::errors() const {
    std::lock_guard lock(mutex_);
    return errors_;
}
std::vector<EventRecord> ScenarioServer::events() const {
    std::lock_guard lock(mutex_);
    return events_;
}

std::optional<ConnectRecord> ScenarioServer::connect_of(const std::string& sid,
                                                        std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    std::optional<ConnectRecord> found;
    changed_.wait_for(lock, timeout, [&] {
        for (const auto& c : connects_) {
            if (c.sid == sid) found = c;
        }
        return found.has_value();
    });
    return found;
}

std::optional<socketio::DisconnectReason> ScenarioServer::wait_for_disconnect(
    const std::string& sid, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    std::optional<socketio::DisconnectReason> reason;
    changed_.wait_for(lock, timeout, [&] {
        for (const auto& d : disconnects_) {
            if (d.sid == sid) reason = d.reason;
        }
        return reason.has_value();
    });
    return reason;
}

std::vector<ErrorRecord> ScenarioServer::wait_for_errors(std::size_t count,
                                                         std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] { return errors_.size() >= count; });
    return errors_;
}

std::vector<json> reported(const ProcessResult& result, const std::string& event) {
    return json_events(result.out, event);
}

}  // namespace siotest
