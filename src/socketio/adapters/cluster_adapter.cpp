// The cluster adapter: an InMemoryAdapter for the local half, a Hub per server that owns the
// driver, the server id, the other servers' heartbeats and the requests waiting for answers.
// The messages are those of docs/cluster.md.

#include "socketio/cluster_adapter.hpp"

#include <atomic>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>
#include <unordered_map>

#include <spdlog/spdlog.h>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "socketio/adapter.hpp"
#include "socketio/error.hpp"

#include "cluster_format.hpp"
#include "cluster_messages.hpp"
#include "common/rate_limited_log.hpp"

namespace socketio {
namespace cluster {

using Clock = std::chrono::steady_clock;

// python-socketio's methods, and ours (ignored by python servers, which skip unknown methods).
namespace method {
constexpr std::string_view emit = "emit";
constexpr std::string_view callback = "callback";
constexpr std::string_view disconnect = "disconnect";
constexpr std::string_view enter_room = "enter_room";
constexpr std::string_view leave_room = "leave_room";
constexpr std::string_view close_room = "close_room";
constexpr std::string_view sockets_join = "cpp:sockets_join";
constexpr std::string_view sockets_leave = "cpp:sockets_leave";
constexpr std::string_view disconnect_sockets = "cpp:disconnect_sockets";
constexpr std::string_view fetch_sockets = "cpp:fetch_sockets";
constexpr std::string_view fetch_sockets_response = "cpp:fetch_sockets_response";
constexpr std::string_view fetch_rooms = "cpp:fetch_rooms";
constexpr std::string_view fetch_rooms_response = "cpp:fetch_rooms_response";
constexpr std::string_view broadcast_ack = "cpp:broadcast_ack";
constexpr std::string_view broadcast_ack_count = "cpp:broadcast_ack_count";
constexpr std::string_view broadcast_ack_response = "cpp:broadcast_ack_response";
constexpr std::string_view server_side_emit = "cpp:server_side_emit";
constexpr std::string_view server_side_emit_response = "cpp:server_side_emit_response";
constexpr std::string_view hello = "cpp:hello";
constexpr std::string_view heartbeat = "cpp:heartbeat";
constexpr std::string_view bye = "cpp:bye";
}  // namespace method

/// A message that does not have the fields its method needs.
struct Malformed : std::runtime_error {
    using std::runtime_error::runtime_error;
};

const std::string& string_field(const json& message, const char* key) {
    auto it = message.find(key);
    if (it == message.end() || !it->is_string()) {
        throw Malformed(std::string("\"") + key + "\" is missing or not a string");
    }
    return it->get_ref<const std::string&>();
}

/// python's room / skip_sid: null (or absent), one string, or a list of strings.
std::vector<std::string> rooms_field(const json& message, const char* key) {
    std::vector<std::string> rooms;
    auto it = message.find(key);
    if (it == message.end() || it->is_null()) return rooms;
    if (it->is_string()) {
        rooms.push_back(it->get<std::string>());
        return rooms;
    }
    if (!it->is_array()) throw Malformed(std::string("\"") + key + "\" is not a room list");
    for (const auto& room : *it) {
        if (!room.is_string()) throw Malformed(std::string("\"") + key + "\" holds a non-string");
        rooms.push_back(room.get<std::string>());
    }
    return rooms;
}

json event_array(const json& message) {
    auto it = message.find("data");
    if (it == message.end() || !it->is_array() || it->empty() || !(*it)[0].is_string()) {
        throw Malformed("\"data\" is not an event array [name, args…]");
    }
    return *it;
}

class ClusterAdapter;

/// A request waiting for the other servers' answers.
struct Request {
    enum class Kind { fetch_sockets, fetch_rooms, broadcast_ack, server_side_emit };
    Kind kind = Kind::fetch_sockets;
    std::string id;
    std::string nsp;
    boost::asio::any_io_executor executor;  // loop 0 of the namespace: timer and completion
    std::set<std::string> waiting;          // servers that have not answered (reported a count)
    // Formats that count servers by subscribers (Node's): answers carry no sender, so the
    // request waits for a number of answers, known once the broker told the count.
    bool counted = false;
    std::optional<std::size_t> servers_expected;
    std::size_t servers_answered = 0;
    bool local_pending = false;  // broadcast_ack: this server's count not in yet
    // broadcast_ack sent in python's callback form: a python server may hold the addressed sid
    // and answers without a count, so no recipient yet does not mean done.
    bool python_callback = false;
    std::size_t expected = 0;
    std::size_t answered = 0;  // broadcast_ack: answers and recipients that left
    bool started = false;      // Hub::start(): filled in, its callback set; may complete
    bool done = false;
    std::vector<SocketAck> acks;
    std::vector<SocketInfo> sockets;
    std::set<std::string> rooms;
    std::vector<json> responses;
    FetchSocketsCallback on_sockets;
    FetchRoomsCallback on_rooms;
    BroadcastAcksCallback on_acks;
    BroadcastAckCallback on_answers;
    std::chrono::milliseconds timeout{0};  // 0: the cluster's request_timeout
    std::unique_ptr<boost::asio::steady_timer> timer;

    /// One server's answer (its count, for a broadcast with acks) arrived.
    void answered_by(const std::string& server) {
        if (counted) {
            ++servers_answered;
        } else {
            waiting.erase(server);
        }
    }

    bool complete() const {
        if (!started) return false;
        if (counted) {
            if (!servers_expected || servers_answered < *servers_expected) return false;
        } else if (!waiting.empty()) {
            return false;
        }
        if (kind != Kind::broadcast_ack) return true;
        return !local_pending && answered >= expected && !(python_callback && expected == 0);
    }
};
using RequestPtr = std::shared_ptr<Request>;

/// Runs a user callback on a loop; an exception is logged, never thrown into the loop.
template <class F>
void run_guarded(const char* what, F&& f) noexcept {
    try {
        f();
    } catch (const std::exception& e) {
        if (auto log = spdlog::get("socketio")) log->error("{} threw: {}", what, e.what());
    } catch (...) {
        if (auto log = spdlog::get("socketio")) log->error("{} threw", what);
    }
}

/// A request id no other server picks: 63 random bits.
std::uint64_t random_request_number() {
    static thread_local std::mt19937_64 generator{[] {
        std::random_device device;
        return (static_cast<std::uint64_t>(device()) << 32) ^ device();
    }()};
    return generator() >> 1;
}

/// One server's membership of the cluster: shared by the adapters of its namespaces.
class Hub : public std::enable_shared_from_this<Hub> {
  public:
    Hub(DriverPtr driver, ClusterOptions options)
        : driver_(std::move(driver)),
          options_(std::move(options)),
          format_(make_wire_format(options_)),
          counted_(format_->server_count_channel("/").has_value()),
          id_(cluster::messages::random_host_id()) {}

    const std::string& id() const noexcept { return id_; }
    const ClusterOptions& options() const noexcept { return options_; }

    void attach(ClusterAdapter& adapter);
    void detach(ClusterAdapter& adapter);

    /// Publishes one message (adds host_id, this server's id, when it has none).
    void publish(json message) {
        if (!message.contains("host_id")) message["host_id"] = id_;
        std::string channel;
        std::string payload;
        // A format without a wire for this message (Node's has no heartbeat) publishes nothing.
        if (!format_->encode(message, channel, payload)) return;
        driver_->publish(std::move(channel), std::move(payload));
    }

    std::size_t server_count(const std::string& nsp) {
        std::lock_guard lock(peers_mutex_);
        if (counted_) {
            auto it = counts_.find(nsp);
            return it == counts_.end() ? 1 : it->second;
        }
        return 1 + live_peers_locked().size();
    }

    /// Formats that count servers by subscribers: asks the broker, remembers the answer for
    /// server_count(), then `done(count)` (nullopt when the broker could not tell) on the
    /// driver's executor.
    void refresh_count(const std::string& nsp,
                       std::function<void(std::optional<std::size_t>)> done = {}) {
        auto channel = format_->server_count_channel(nsp);
        if (!channel) return;
        driver_->count_subscribers(
            *channel, [weak = weak_from_this(), nsp, done = std::move(done)](auto count) {
                auto self = weak.lock();
                if (!self) return;
                if (count) {
                    std::lock_guard lock(self->peers_mutex_);
                    self->counts_[nsp] = std::max<std::size_t>(1, *count);
                }
                if (done) done(count);
            });
    }

    /// Registers a request with the live servers to wait for. Null with `ec` when the table is
    /// full. The caller fills in what the request gathers and its callback, then start()s it:
    /// nothing completes it before that (a count or an answer may come on another thread at
    /// once, while the request still lacked its callback).
    RequestPtr open(Request::Kind kind, const std::string& nsp,
                    boost::asio::any_io_executor executor, std::chrono::milliseconds timeout,
                    std::error_code& ec) {
        auto request = std::make_shared<Request>();
        request->kind = kind;
        request->nsp = nsp;
        request->executor = executor;
        request->timeout = timeout;
        request->counted = counted_;
        if (!counted_) {
            std::lock_guard lock(peers_mutex_);
            request->waiting = live_peers_locked();
        }
        {
            std::lock_guard lock(requests_mutex_);
            if (requests_.size() >= options_.max_pending_requests) {
                ec = make_error_code(error::too_many_pending_requests);
                return nullptr;
            }
            // Answers addressed to no one (Node's) are told apart by their request id alone,
            // so it must be unique across the cluster, not only here.
            // Decimal digits either way (python's callback form carries the id as a number).
            request->id = counted_ ? std::to_string(random_request_number())
                                   : std::to_string(++next_request_);
            requests_[request->id] = request;
        }
        return request;
    }

    /// Arms the timeout of a request open()ed and filled in, and (formats that count servers by
    /// subscribers) asks the broker how many answers to wait for.
    void start(const RequestPtr& request) {
        const std::string& nsp = request->nsp;
        auto timeout = request->timeout;
        if (timeout.count() <= 0) timeout = options_.request_timeout;
        // Before anything can complete the request: finish() cancels it.
        request->timer = std::make_unique<boost::asio::steady_timer>(request->executor, timeout);
        // Armed and cancelled on its executor only (a timer is not thread-safe).
        boost::asio::dispatch(request->executor, [self = shared_from_this(), request] {
            request->timer->async_wait([weak = self->weak_from_this(), request](auto ec) {
                if (ec) return;
                if (auto hub = weak.lock()) {
                    std::unique_lock lock(hub->requests_mutex_);
                    hub->finish(lock, request, make_error_code(error::ack_timeout));
                } else {
                    request->done = true;
                }
            });
        });
        if (counted_) {
            // The servers to wait for: the subscribers of the request channel but this one.
            refresh_count(nsp, [weak = weak_from_this(), request, nsp](auto count) {
                auto self = weak.lock();
                if (!self) return;
                const std::size_t servers = count ? *count : self->server_count(nsp);
                self->update(request, [servers](Request& r) {
                    r.servers_expected = servers > 0 ? servers - 1 : 0;
                });
            });
        }
        update(request, [](Request& r) { r.started = true; });
    }

    /// Runs `update(request)` under the table's lock if it is still pending, then completes it
    /// when it has everything.
    template <class F>
    void update(const std::string& id, F update) {
        std::unique_lock lock(requests_mutex_);
        auto it = requests_.find(id);
        if (it == requests_.end()) return;  // answered, timed out, or not ours
        auto request = it->second;
        update(*request);
        if (request->complete()) finish(lock, request, {});
    }
    void update(const RequestPtr& request, const std::function<void(Request&)>& f) {
        std::unique_lock lock(requests_mutex_);
        if (request->done) return;
        f(*request);
        if (request->complete()) finish(lock, request, {});
    }

    /// A failed request's callback, on `executor` (no request was registered).
    static void fail_now(const boost::asio::any_io_executor& executor, std::function<void()> f) {
        boost::asio::post(executor, [f = std::move(f)] { run_guarded("cluster callback", f); });
    }

  private:
    friend class ClusterAdapter;

    std::set<std::string> live_peers_locked() {
        std::set<std::string> live;
        const auto now = Clock::now();
        for (auto it = peers_.begin(); it != peers_.end();) {
            if (now - it->second > options_.heartbeat_timeout) {
                it = peers_.erase(it);
            } else {
                live.insert(it->first);
                ++it;
            }
        }
        return live;
    }

    /// Completes `request` once (caller holds requests_mutex_, released here): the callback runs
    /// on the request's executor.
    void finish(std::unique_lock<std::mutex>& lock, const RequestPtr& request, std::error_code ec) {
        if (request->done) return;
        request->done = true;
        requests_.erase(request->id);
        lock.unlock();
        boost::asio::post(request->executor, [request, ec] {
            if (request->timer) request->timer->cancel();
            auto& r = *request;
            switch (r.kind) {
                case Request::Kind::fetch_sockets:
                    if (r.on_sockets) {
                        run_guarded("fetch_sockets callback",
                                    [&] { r.on_sockets(ec, std::move(r.sockets)); });
                    }
                    break;
                case Request::Kind::fetch_rooms:
                    if (r.on_rooms) {
                        run_guarded("fetch_rooms callback", [&] {
                            r.on_rooms(ec,
                                       std::vector<std::string>(r.rooms.begin(), r.rooms.end()));
                        });
                    }
                    break;
                case Request::Kind::broadcast_ack:
                    if (r.on_acks) {
                        run_guarded("broadcast ack callback", [&] {
                            r.on_acks(BroadcastAcks{
                                .ec = ec, .expected = r.expected, .acks = std::move(r.acks)});
                        });
                    }
                    break;
                case Request::Kind::server_side_emit:
                    if (r.on_answers) {
                        run_guarded("server_side_emit callback",
                                    [&] { r.on_answers(ec, std::move(r.responses)); });
                    }
                    break;
            }
            // Callbacks may hold handles of the server: drop them on this loop, now.
            r.on_sockets = {};
            r.on_rooms = {};
            r.on_acks = {};
            r.on_answers = {};
        });
    }

    void on_message(std::string_view channel, std::string_view payload);
    void handle(json& message);
    void touch_peer(const std::string& id) {
        std::lock_guard lock(peers_mutex_);
        peers_[id] = Clock::now();
    }
    void drop_peer(const std::string& id) {
        {
            std::lock_guard lock(peers_mutex_);
            peers_.erase(id);
        }
        // A server that left answers nothing more: stop waiting for it.
        std::vector<RequestPtr> pending;
        {
            std::lock_guard lock(requests_mutex_);
            for (auto& [rid, request] : requests_) pending.push_back(request);
        }
        for (auto& request : pending) {
            update(request, [&](Request& r) { r.waiting.erase(id); });
        }
    }
    void arm_heartbeat() {
        heartbeat_timer_->expires_after(options_.heartbeat_interval);
        heartbeat_timer_->async_wait([weak = weak_from_this()](auto ec) {
            if (ec) return;
            auto self = weak.lock();
            if (!self || self->stopped_) return;
            self->publish({{"method", method::heartbeat}});
            if (self->counted_) {
                std::vector<std::string> namespaces;
                {
                    std::lock_guard lock(self->routing_mutex_);
                    for (const auto& entry : self->adapters_) namespaces.push_back(entry.first);
                }
                for (const auto& nsp : namespaces) self->refresh_count(nsp);
            }
            self->arm_heartbeat();
        });
    }

    const DriverPtr driver_;
    const ClusterOptions options_;
    const std::unique_ptr<WireFormat> format_;
    const bool counted_;  // servers counted by subscribers (Node), not by heartbeats
    const std::string id_;

    // Attached adapters by namespace. Held (recursively: a handler may close the server) while a
    // message is applied, so that close() waits for it.
    std::recursive_mutex routing_mutex_;
    std::unordered_map<std::string, std::vector<ClusterAdapter*>> adapters_;
    std::size_t attached_ = 0;
    bool started_ = false;
    std::atomic<bool> stopped_{false};
    std::unique_ptr<sio::detail::RateLimitedLog> invalid_log_;
    std::shared_ptr<spdlog::logger> log_;
    boost::asio::any_io_executor heartbeat_executor_;
    std::shared_ptr<boost::asio::steady_timer> heartbeat_timer_;
    bool was_disconnected_ = false;  // on the driver's executor

    std::mutex peers_mutex_;
    std::unordered_map<std::string, Clock::time_point> peers_;
    std::unordered_map<std::string, std::size_t> counts_;  // counted_: servers per namespace

    std::mutex requests_mutex_;
    std::unordered_map<std::string, RequestPtr> requests_;
    std::uint64_t next_request_ = 0;
};

/// One namespace's cluster adapter.
class ClusterAdapter final : public Adapter {
  public:
    ClusterAdapter(AdapterHost& host, std::shared_ptr<Hub> hub)
        : host_(host), local_(host), hub_(std::move(hub)) {}
    ~ClusterAdapter() override { close(); }

    AdapterHost& host() const noexcept { return host_; }

    void init() override {
        if (initialised_.exchange(true)) return;
        hub_->attach(*this);
    }
    void close() override {
        if (!initialised_ || closed_.exchange(true)) return;
        hub_->detach(*this);
    }
    const std::string& server_id() const noexcept override { return hub_->id(); }
    std::size_t server_count() const override { return hub_->server_count(host_.name()); }

    void add_all(const std::string& sid, const std::vector<std::string>& rooms) override {
        local_.add_all(sid, rooms);
    }
    void del(const std::string& sid, const std::string& room) override { local_.del(sid, room); }
    void del_all(const std::string& sid) override { local_.del_all(sid); }
    std::vector<std::string> sockets(const BroadcastOptions& options) const override {
        return local_.sockets(options);
    }
    std::vector<std::string> socket_rooms(const std::string& sid) const override {
        return local_.socket_rooms(sid);
    }
    std::vector<std::string> rooms() const override { return local_.rooms(); }

    void broadcast(const json& data, const BroadcastOptions& options,
                   QueuedCallback on_queued) override {
        local_.broadcast(data, options, std::move(on_queued));  // never waits for the broker
        if (!options.local) hub_->publish(emit_message(data, options));
    }

    void broadcast_with_ack(const json& data, const BroadcastOptions& options,
                            std::chrono::milliseconds timeout,
                            BroadcastAcksCallback on_acks) override {
        if (options.local) {
            local_.broadcast_with_ack(data, options, timeout, std::move(on_acks));
            return;
        }
        std::error_code ec;
        auto request =
            hub_->open(Request::Kind::broadcast_ack, host_.name(), host_.executor(0), timeout, ec);
        if (!request) {
            Hub::fail_now(host_.executor(0), [on_acks = std::move(on_acks), ec] {
                if (on_acks) on_acks(BroadcastAcks{.ec = ec});
            });
            return;
        }
        request->local_pending = true;
        request->on_acks = std::move(on_acks);
        json message;
        if (one_room_only(options)) {
            // One room (a sid, typically): python's emit with a callback, which python servers
            // answer with "callback" messages and ours with counts and answers (cpp_request_id).
            request->python_callback = true;
            message = emit_message(data, options);
            message["callback"] = {options.rooms.front(), host_.name(), std::stoull(request->id)};
            message["cpp_request_id"] = request->id;
        } else {
            message = {{"method", method::broadcast_ack},
                       {"namespace", host_.name()},
                       {"data", data},
                       {"rooms", options.rooms},
                       {"except", options.except},
                       {"request_id", request->id}};
        }
        hub_->start(request);
        hub_->publish(std::move(message));
        auto hub = hub_;
        local_.broadcast_with_ack_local(
            data, options,
            [hub, request](std::size_t count) {
                hub->update(request, [count](Request& r) {
                    r.local_pending = false;
                    r.expected += count;
                });
            },
            [hub, request](const std::string& sid, std::error_code ec, json args) {
                hub->update(request, [&](Request& r) {
                    ++r.answered;
                    if (!ec) r.acks.push_back(SocketAck{sid, std::move(args)});
                });
            });
    }

    void fetch_sockets(const BroadcastOptions& options, std::chrono::milliseconds timeout,
                       FetchSocketsCallback done) override {
        auto sockets = local_.describe_sockets(options);
        for (auto& info : sockets) {
            info.server_id = hub_->id();
            info.local = true;
        }
        if (options.local) {
            if (done) done({}, std::move(sockets));
            return;
        }
        std::error_code ec;
        auto request =
            hub_->open(Request::Kind::fetch_sockets, host_.name(), host_.executor(0), timeout, ec);
        if (!request) {
            Hub::fail_now(host_.executor(0), [done = std::move(done), ec] {
                if (done) done(ec, {});
            });
            return;
        }
        request->sockets = std::move(sockets);
        request->on_sockets = std::move(done);
        hub_->start(request);
        hub_->publish({{"method", method::fetch_sockets},
                       {"namespace", host_.name()},
                       {"rooms", options.rooms},
                       {"except", options.except},
                       {"request_id", request->id}});
    }

    void fetch_rooms(std::chrono::milliseconds timeout, FetchRoomsCallback done) override {
        std::error_code ec;
        auto request =
            hub_->open(Request::Kind::fetch_rooms, host_.name(), host_.executor(0), timeout, ec);
        if (!request) {
            Hub::fail_now(host_.executor(0), [done = std::move(done), ec] {
                if (done) done(ec, {});
            });
            return;
        }
        for (auto& room : local_.rooms()) request->rooms.insert(std::move(room));
        request->on_rooms = std::move(done);
        hub_->start(request);
        hub_->publish({{"method", method::fetch_rooms},
                       {"namespace", host_.name()},
                       {"request_id", request->id}});
    }

    void add_sockets(const BroadcastOptions& options,
                     const std::vector<std::string>& rooms) override {
        local_.add_sockets(options, rooms);
        if (options.local) return;
        if (one_room_only(options) && rooms.size() == 1) {
            // python-socketio's enter_room (a sid and a room): python servers act on it too.
            hub_->publish({{"method", method::enter_room},
                           {"sid", options.rooms.front()},
                           {"room", rooms.front()},
                           {"namespace", host_.name()}});
            return;
        }
        hub_->publish({{"method", method::sockets_join},
                       {"namespace", host_.name()},
                       {"rooms", options.rooms},
                       {"except", options.except},
                       {"join", rooms}});
    }

    void del_sockets(const BroadcastOptions& options,
                     const std::vector<std::string>& rooms) override {
        local_.del_sockets(options, rooms);
        if (options.local) return;
        if (one_room_only(options) && rooms.size() == 1) {
            hub_->publish({{"method", method::leave_room},
                           {"sid", options.rooms.front()},
                           {"room", rooms.front()},
                           {"namespace", host_.name()}});
            return;
        }
        hub_->publish({{"method", method::sockets_leave},
                       {"namespace", host_.name()},
                       {"rooms", options.rooms},
                       {"except", options.except},
                       {"leave", rooms}});
    }

    void disconnect_sockets(const BroadcastOptions& options, bool close) override {
        local_.disconnect_sockets(options, close);
        if (options.local) return;
        if (one_room_only(options) && !close) {
            hub_->publish({{"method", method::disconnect},
                           {"sid", options.rooms.front()},
                           {"namespace", host_.name()}});
            return;
        }
        hub_->publish({{"method", method::disconnect_sockets},
                       {"namespace", host_.name()},
                       {"rooms", options.rooms},
                       {"except", options.except},
                       {"close", close}});
    }

    void close_room(const std::string& room) override {
        local_.close_room(room);
        hub_->publish(
            {{"method", method::close_room}, {"room", room}, {"namespace", host_.name()}});
    }

    void server_side_emit(const json& data, std::chrono::milliseconds timeout,
                          BroadcastAckCallback on_acks) override {
        json message = {{"method", method::server_side_emit},
                        {"namespace", host_.name()},
                        {"data", data},
                        {"request_id", nullptr}};
        if (!on_acks) {
            hub_->publish(std::move(message));
            return;
        }
        std::error_code ec;
        auto request = hub_->open(Request::Kind::server_side_emit, host_.name(), host_.executor(0),
                                  timeout, ec);
        if (!request) {
            Hub::fail_now(host_.executor(0),
                          [on_acks = std::move(on_acks), ec] { on_acks(ec, {}); });
            return;
        }
        request->on_answers = std::move(on_acks);
        message["request_id"] = request->id;
        hub_->start(request);
        hub_->publish(std::move(message));
    }

    /// A message of another server for this namespace (on the driver's executor).
    void handle(std::string_view name, const json& message, const std::string& sender);

  private:
    /// Addresses one room (a sid, for python's per-socket messages) and excludes nothing.
    static bool one_room_only(const BroadcastOptions& options) {
        return options.rooms.size() == 1 && options.except.empty();
    }

    /// python-socketio's emit message for EVENT `data` ([name, args…]).
    json emit_message(const json& data, const BroadcastOptions& options) const {
        return messages::emit(data, host_.name(), options, hub_->id());  // the Emitter's too
    }

    /// A broadcast with acks asked by `sender`: counted, then answered per local recipient.
    void answer_broadcast_ack(const json& data, const BroadcastOptions& options,
                              const std::string& sender, const std::string& request_id) {
        auto hub = hub_;
        std::string nsp = host_.name();
        local_.broadcast_with_ack_local(
            data, options,
            [hub, sender, request_id, nsp](std::size_t count) {
                hub->publish({{"method", method::broadcast_ack_count},
                              {"namespace", nsp},
                              {"to", sender},
                              {"request_id", request_id},
                              {"count", count}});
            },
            [hub, sender, request_id, nsp](const std::string& sid, std::error_code ec, json args) {
                json response = {{"method", method::broadcast_ack_response},
                                 {"namespace", nsp},
                                 {"to", sender},
                                 {"request_id", request_id},
                                 {"sid", sid}};
                if (ec) {
                    response["failed"] = true;  // it left before answering
                } else {
                    response["args"] = std::move(args);
                }
                hub->publish(std::move(response));
            });
    }

    void respond(json message, const std::string& to, const std::string& request_id) {
        message["namespace"] = host_.name();
        message["to"] = to;
        message["request_id"] = request_id;
        hub_->publish(std::move(message));
    }

    AdapterHost& host_;
    InMemoryAdapter local_;
    const std::shared_ptr<Hub> hub_;
    std::atomic<bool> initialised_{false};
    std::atomic<bool> closed_{false};
};

void ClusterAdapter::handle(std::string_view name, const json& message, const std::string& sender) {
    if (name == method::emit) {
        const std::string& event = string_field(message, "event");
        json data = json::array({event});
        auto it = message.find("data");
        if (it != message.end() && !it->is_null()) {
            const bool several = message.value("cpp_args", false) && it->is_array();
            if (several) {
                for (const auto& arg : *it) data.push_back(arg);
            } else {
                data.push_back(*it);
            }
        }
        BroadcastOptions options{.rooms = rooms_field(message, "room"),
                                 .except = rooms_field(message, "skip_sid"),
                                 .local = true};
        auto callback = message.find("callback");
        if (callback == message.end() || callback->is_null()) {
            local_.broadcast(data, options, {});
            return;
        }
        // python's [room, namespace, id]: each answer goes back to the sender as a "callback"
        // message, which its host matches by (sid, id).
        if (!callback->is_array() || callback->size() != 3 || !(*callback)[0].is_string() ||
            !(*callback)[1].is_string() || !(*callback)[2].is_number_integer()) {
            throw Malformed("\"callback\" is not [room, namespace, id]");
        }
        if (auto request = message.find("cpp_request_id"); request != message.end()) {
            // One of ours asking: it wants the count and each answer with its sid.
            if (!request->is_string()) throw Malformed("\"cpp_request_id\" is not a string");
            answer_broadcast_ack(data, options, sender, request->get<std::string>());
            return;
        }
        auto hub = hub_;
        json cb = *callback;
        local_.broadcast_with_ack_local(
            data, options, [](std::size_t) {},
            [hub, sender, cb](const std::string&, std::error_code ec, json args) {
                if (ec) return;
                hub->publish({{"method", method::callback},
                              {"host_id", sender},
                              {"sid", cb[0]},
                              {"namespace", cb[1]},
                              {"id", cb[2]},
                              {"args", std::move(args)}});
            });
    } else if (name == method::disconnect) {
        local_.disconnect_sockets(BroadcastOptions{.rooms = {string_field(message, "sid")}}, false);
    } else if (name == method::enter_room) {
        local_.add_sockets(BroadcastOptions{.rooms = {string_field(message, "sid")}},
                           {string_field(message, "room")});
    } else if (name == method::leave_room) {
        local_.del_sockets(BroadcastOptions{.rooms = {string_field(message, "sid")}},
                           {string_field(message, "room")});
    } else if (name == method::close_room) {
        local_.close_room(string_field(message, "room"));
    } else if (name == method::sockets_join || name == method::sockets_leave) {
        const bool join = name == method::sockets_join;
        BroadcastOptions options{.rooms = rooms_field(message, "rooms"),
                                 .except = rooms_field(message, "except")};
        auto rooms = rooms_field(message, join ? "join" : "leave");
        if (join) {
            local_.add_sockets(options, rooms);
        } else {
            local_.del_sockets(options, rooms);
        }
    } else if (name == method::disconnect_sockets) {
        auto close = message.find("close");
        if (close != message.end() && !close->is_boolean())
            throw Malformed("\"close\" is not a boolean");
        local_.disconnect_sockets(BroadcastOptions{.rooms = rooms_field(message, "rooms"),
                                                   .except = rooms_field(message, "except")},
                                  close != message.end() && close->get<bool>());
    } else if (name == method::fetch_sockets) {
        const std::string& request_id = string_field(message, "request_id");
        auto sockets = local_.describe_sockets(BroadcastOptions{
            .rooms = rooms_field(message, "rooms"), .except = rooms_field(message, "except")});
        json list = json::array();
        for (auto& info : sockets) {
            list.push_back({{"sid", std::move(info.sid)},
                            {"rooms", std::move(info.rooms)},
                            {"handshake", std::move(info.handshake)},
                            {"data", std::move(info.data)}});
        }
        respond({{"method", method::fetch_sockets_response}, {"sockets", std::move(list)}}, sender,
                request_id);
    } else if (name == method::fetch_rooms) {
        const std::string& request_id = string_field(message, "request_id");
        respond({{"method", method::fetch_rooms_response}, {"rooms", local_.rooms()}}, sender,
                request_id);
    } else if (name == method::broadcast_ack) {
        std::string request_id = string_field(message, "request_id");
        json data = event_array(message);
        answer_broadcast_ack(data,
                             BroadcastOptions{.rooms = rooms_field(message, "rooms"),
                                              .except = rooms_field(message, "except")},
                             sender, request_id);
    } else if (name == method::server_side_emit) {
        json data = event_array(message);
        auto id = message.find("request_id");
        std::function<void(json)> respond_fn;
        if (id != message.end() && !id->is_null()) {
            if (!id->is_string()) throw Malformed("\"request_id\" is not a string");
            respond_fn = [hub = hub_, sender, request_id = id->get<std::string>(),
                          nsp = host_.name()](json args) {
                hub->publish({{"method", method::server_side_emit_response},
                              {"namespace", nsp},
                              {"to", sender},
                              {"request_id", request_id},
                              {"args", std::move(args)}});
            };
        }
        // The application's handler runs on a loop, never on the driver's executor.
        host_.dispatch(0, [&host = host_, data = std::move(data),
                           respond_fn = std::move(respond_fn)]() mutable {
            run_guarded("server-side handler",
                        [&] { host.on_server_side_event(std::move(data), std::move(respond_fn)); });
        });
    }
    // Anything else: a method of a newer version or another implementation, skipped as python
    // skips what it does not know.
}

void Hub::attach(ClusterAdapter& adapter) {
    std::lock_guard lock(routing_mutex_);
    if (stopped_) return;
    auto& list = adapters_[adapter.host().name()];
    list.push_back(&adapter);
    ++attached_;
    if (list.size() == 1) {
        // Channels of this namespace (Node's format): subscribed before the driver starts for
        // the first namespace, and on top of the running ones for a namespace made later.
        auto subscriptions = format_->namespace_subscriptions(adapter.host().name(), id_);
        if (!subscriptions.channels.empty()) driver_->subscribe(subscriptions.channels);
        if (!subscriptions.patterns.empty()) driver_->psubscribe(subscriptions.patterns);
        if (started_) refresh_count(adapter.host().name());
    }
    if (started_) return;
    started_ = true;
    log_ = spdlog::get("socketio");
    invalid_log_ = std::make_unique<sio::detail::RateLimitedLog>(log_, "invalid cluster message");
    heartbeat_executor_ = adapter.host().executor(0);
    heartbeat_timer_ = std::make_shared<boost::asio::steady_timer>(heartbeat_executor_);
    if (auto channels = format_->channels(); !channels.empty()) driver_->subscribe(channels);
    if (auto patterns = format_->patterns(); !patterns.empty()) driver_->psubscribe(patterns);
    std::weak_ptr<Hub> weak = shared_from_this();
    driver_->start(
        [weak](std::string_view channel, std::string_view payload) {
            if (auto self = weak.lock()) self->on_message(channel, payload);
        },
        [weak](DriverState state) {
            auto self = weak.lock();
            if (!self || self->stopped_) return;
            if (state == DriverState::disconnected) {
                self->was_disconnected_ = true;
            } else if (state == DriverState::connected && self->was_disconnected_) {
                // Back after an outage: the others may have forgotten us, and we them.
                self->was_disconnected_ = false;
                self->publish({{"method", method::hello}});
            }
        });
    publish({{"method", method::hello}});  // the others answer with a heartbeat
    refresh_count(adapter.host().name());
    boost::asio::dispatch(heartbeat_executor_, [self = shared_from_this()] {
        if (!self->stopped_) self->arm_heartbeat();
    });
}

void Hub::detach(ClusterAdapter& adapter) {
    bool last = false;
    {
        std::lock_guard lock(routing_mutex_);
        auto it = adapters_.find(adapter.host().name());
        if (it == adapters_.end()) return;
        auto& list = it->second;
        auto pos = std::find(list.begin(), list.end(), &adapter);
        if (pos == list.end()) return;
        list.erase(pos);
        if (list.empty()) adapters_.erase(it);
        last = --attached_ == 0;
        if (last) stopped_ = true;
    }
    if (!last) return;
    publish({{"method", method::bye}});
    // The timers go to their loop with their cancel: the server destroys its loops before its
    // namespaces (and this hub), and a timer must not outlive its loop.
    if (heartbeat_timer_) {
        boost::asio::post(heartbeat_executor_,
                          [timer = std::move(heartbeat_timer_)] { timer->cancel(); });
    }
    std::vector<RequestPtr> pending;
    {
        std::lock_guard lock(requests_mutex_);
        for (auto& [id, request] : requests_) pending.push_back(request);
    }
    for (auto& request : pending) {
        std::unique_lock lock(requests_mutex_);
        finish(lock, request, make_error_code(std::errc::operation_canceled));
    }
    driver_->close();
}

void Hub::on_message(std::string_view channel, std::string_view payload) {
    if (stopped_) return;
    if (payload.size() > options_.max_message_bytes) {
        invalid_log_->warn(
            "cluster message of {} bytes on {} skipped (over max_message_bytes = {})",
            payload.size(), sio::detail::printable(channel, 100), options_.max_message_bytes);
        return;
    }
    std::string error;
    auto message = format_->decode(channel, payload, error);
    if (!message || !message->is_object()) {
        invalid_log_->warn("cluster message on {} skipped: {}",
                           sio::detail::printable(channel, 100),
                           message ? std::string("not an object") : error);
        return;
    }
    auto method_name = [&]() -> std::string {
        auto it = message->find("method");
        return it != message->end() && it->is_string()
                   ? sio::detail::printable(it->get_ref<const std::string&>(), 60)
                   : std::string("without a method");
    };
    // Nothing a peer sends may throw out of the driver's handler.
    try {
        handle(*message);
    } catch (const Malformed& e) {
        invalid_log_->warn("cluster message {} skipped: {}", method_name(), e.what());
    } catch (const std::exception& e) {
        invalid_log_->warn("cluster message {} skipped: {}", method_name(), e.what());
    } catch (...) {
        invalid_log_->warn("cluster message {} skipped", method_name());
    }
}

void Hub::handle(json& message) {
    const std::string& name = string_field(message, "method");
    if (name == method::callback) {
        // python's answer to an emit with a callback, addressed (host_id) to the server that
        // asked: a python server's socket answered one of our broadcasts with acks to one room.
        auto to = message.find("host_id");
        if (to == message.end() || !to->is_string() || *to != id_) return;
        auto id = message.find("id");
        auto args = message.find("args");
        // JSON reads it as unsigned, a pickle as a signed integer.
        if (id == message.end() || !id->is_number_integer() || id->get<std::int64_t>() < 0)
            throw Malformed("\"id\" is not a request id");
        if (args == message.end() || !args->is_array()) throw Malformed("\"args\" is not a list");
        SocketAck ack{.sid = string_field(message, "sid"), .args = *args};
        update(std::to_string(id->get<std::uint64_t>()), [&](Request& r) {
            if (r.kind != Request::Kind::broadcast_ack) return;
            ++r.expected;  // python servers count no recipients: each answer is one
            ++r.answered;
            r.acks.push_back(std::move(ack));
        });
        return;
    }
    std::string sender;
    if (auto it = message.find("host_id"); it != message.end() && !it->is_null()) {
        if (!it->is_string()) throw Malformed("\"host_id\" is not a string");
        sender = it->get<std::string>();
    }
    if (sender == id_) return;  // our own, back from the broker

    if (name == method::hello) {
        if (sender.empty()) throw Malformed("\"host_id\" is missing");
        touch_peer(sender);
        publish({{"method", method::heartbeat}});
        return;
    }
    if (name == method::heartbeat) {
        if (sender.empty()) throw Malformed("\"host_id\" is missing");
        touch_peer(sender);
        return;
    }
    if (name == method::bye) {
        drop_peer(sender);
        return;
    }
    if (name == method::fetch_sockets_response || name == method::fetch_rooms_response ||
        name == method::broadcast_ack_count || name == method::broadcast_ack_response ||
        name == method::server_side_emit_response) {
        auto to = message.find("to");
        if (to != message.end() && !to->is_null()) {
            if (!to->is_string()) throw Malformed("\"to\" is not a string");
            if (to->get_ref<const std::string&>() != id_) return;  // another server's answer
        } else if (!counted_) {
            throw Malformed("\"to\" is missing");
        }  // else Node's answers, addressed by their request id
        const std::string& request_id = string_field(message, "request_id");
        const std::string nsp = message.value("namespace", std::string("/"));
        if (name == method::fetch_sockets_response) {
            auto list = message.find("sockets");
            if (list == message.end() || !list->is_array())
                throw Malformed("\"sockets\" is not a list");
            std::vector<SocketInfo> found;
            for (const auto& s : *list) {
                if (!s.is_object()) throw Malformed("a socket is not an object");
                SocketInfo info{.sid = string_field(s, "sid"), .nsp = nsp};
                info.rooms = rooms_field(s, "rooms");
                if (auto h = s.find("handshake"); h != s.end()) info.handshake = *h;
                if (auto d = s.find("data"); d != s.end()) info.data = *d;
                info.server_id = sender;
                found.push_back(std::move(info));
            }
            update(request_id, [&](Request& r) {
                r.answered_by(sender);
                for (auto& info : found) r.sockets.push_back(std::move(info));
            });
        } else if (name == method::fetch_rooms_response) {
            auto rooms = rooms_field(message, "rooms");
            update(request_id, [&](Request& r) {
                r.answered_by(sender);
                r.rooms.insert(rooms.begin(), rooms.end());
            });
        } else if (name == method::broadcast_ack_count) {
            auto count = message.find("count");
            if (count == message.end() || !count->is_number_unsigned()) {
                throw Malformed("\"count\" is not a count");
            }
            const auto n = count->get<std::size_t>();
            update(request_id, [&](Request& r) {
                r.answered_by(sender);
                r.expected += n;
            });
        } else if (name == method::broadcast_ack_response) {
            SocketAck ack{.sid = string_field(message, "sid")};
            const bool failed = message.value("failed", false);
            if (!failed) {
                auto args = message.find("args");
                if (args == message.end() || !args->is_array())
                    throw Malformed("\"args\" is not a list");
                ack.args = *args;
            }
            update(request_id, [&](Request& r) {
                ++r.answered;
                if (!failed) r.acks.push_back(std::move(ack));
            });
        } else {
            auto args = message.find("args");
            if (args == message.end() || !args->is_array())
                throw Malformed("\"args\" is not a list");
            json answer = *args;
            update(request_id, [&](Request& r) {
                r.answered_by(sender);
                r.responses.push_back(std::move(answer));
            });
        }
        return;
    }

    // Everything else is for one namespace ("/" when python left it out).
    std::string nsp = "/";
    if (auto it = message.find("namespace"); it != message.end() && !it->is_null()) {
        if (!it->is_string()) throw Malformed("\"namespace\" is not a string");
        nsp = it->get<std::string>();
    }
    std::lock_guard lock(routing_mutex_);
    auto it = adapters_.find(nsp);
    if (it == adapters_.end()) return;  // a namespace this server does not have
    auto adapters = it->second;         // a handler may close one meanwhile (same thread)
    for (auto* adapter : adapters) adapter->handle(name, message, sender);
}

}  // namespace cluster

AdapterFactory cluster_adapter(DriverPtr driver, ClusterOptions options) {
    if (!driver) throw std::invalid_argument("socketio::cluster_adapter: no driver");
    if (options.channel.empty()) options.channel = cluster::default_channel(options.format);
    if (options.max_pending_requests == 0) options.max_pending_requests = 1;
    auto hub = std::make_shared<cluster::Hub>(std::move(driver), std::move(options));
    return [hub](AdapterHost& host) -> std::unique_ptr<Adapter> {
        return std::make_unique<cluster::ClusterAdapter>(host, hub);
    };
}

}  // namespace socketio
