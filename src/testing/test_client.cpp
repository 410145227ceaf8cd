// socketio::testing::TestClient: an Engine.IO session of our own (TestSession) handed to the
// server's engine handler, the server's parser on both sides, and a driver that runs the loops
// (and waits for the worker pool) until nothing is left to do.

#include "socketio/test_client.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <stdexcept>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include "engineio/session.hpp"
#include "socketio/protocol/parser.hpp"
#include "socketio/server_core.hpp"  // ServerAccess: the worker pool to wait for, stopping()

namespace socketio::testing {

namespace {

class Category final : public std::error_category {
  public:
    const char* name() const noexcept override { return "socketio.testing"; }
    std::string message(int value) const override {
        switch (static_cast<error>(value)) {
            case error::no_response:
                return "the server did not answer before it went idle";
            case error::not_connected:
                return "the test client is not connected to this namespace";
            case error::connect_refused:
                return "the server refused the connection";
        }
        return "unknown socketio.testing error";
    }
};

using protocol::Packet;
using protocol::PacketType;

/// What the client knows of one namespace.
struct NamespaceState {
    bool connecting = false;  // CONNECT sent, no answer yet
    bool connected = false;
    std::string sid;
    std::string reason;  // why it left (socket.io-client's words)
    bool refused = false;
    std::string refused_message;
    json refused_data;
};

/// An ack the server asked for, answered on the test thread (TestClient::on).
struct AckRequest {
    std::string nsp;
    std::string event;
    json args;
    std::uint64_t id = 0;
};

/// What the server sent, shared by the client and its sessions (server threads write it).
struct Inbox {
    std::mutex mutex;
    std::condition_variable changed;
    std::uint64_t activity = 0;  // packets received so far: "did anything happen" for Drive::wait
    std::map<std::string, NamespaceState, std::less<>> namespaces;
    std::deque<ReceivedEvent> received;
    std::map<std::uint64_t, json> acks;  // by the client's ack id
    std::deque<AckRequest> ack_requests;
    bool server_left =
        false;  // a server DISCONNECT arrived: close the connection when none is left
    std::error_code decode_error;
};

std::string normalize(std::string_view nsp) {
    if (nsp.empty() || nsp.front() != '/') return "/" + std::string(nsp);
    return std::string(nsp);
}

std::string percent_encode(std::string_view s) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (const unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

/// One connection as the server sees it: an engineio::Session whose sends are decoded into the
/// Inbox at once (on whatever thread sends), and whose messages to the server are posted to its
/// loop as the engine would deliver them.
class TestSession final : public engineio::Session,
                          public std::enable_shared_from_this<TestSession> {
  public:
    TestSession(std::string sid, std::shared_ptr<const engineio::Request> request,
                boost::asio::any_io_executor executor, std::size_t loop_index,
                std::weak_ptr<engineio::Handler> handler, std::shared_ptr<Inbox> inbox,
                std::unique_ptr<protocol::Decoder> decoder)
        : sid_(std::move(sid)),
          request_(std::move(request)),
          executor_(std::move(executor)),
          loop_index_(loop_index),
          handler_(std::move(handler)),
          inbox_(std::move(inbox)),
          decoder_(std::move(decoder)) {}

    const std::string& sid() const noexcept override { return sid_; }
    std::string_view transport() const noexcept override { return "websocket"; }
    const engineio::Request& request() const noexcept override { return *request_; }
    std::shared_ptr<const engineio::Request> shared_request() const override { return request_; }
    const boost::asio::any_io_executor& executor() const noexcept override { return executor_; }
    std::size_t loop_index() const noexcept override { return loop_index_; }

    void send(engineio::Message message) override {
        std::lock_guard lock(inbox_->mutex);
        if (ended_) return;
        receive(message);
        inbox_->changed.notify_all();
    }
    void send(std::vector<engineio::Message> messages) override {
        std::lock_guard lock(inbox_->mutex);
        if (ended_) return;
        for (const auto& m : messages) receive(m);
        inbox_->changed.notify_all();
    }
    /// The server closes the connection: the client sees "transport close".
    void close() override { end(engineio::DisconnectReason::server_close, "transport close"); }

    /// Ends the connection: its namespaces are left with `client_reason`; the server's
    /// on_disconnect(`reason`) follows on the loop, as the engine reports a closed transport.
    void end(engineio::DisconnectReason reason, const char* client_reason) {
        {
            std::lock_guard lock(inbox_->mutex);
            if (ended_) return;
            ended_ = true;
            for (auto& [name, ns] : inbox_->namespaces) {
                if (ns.connected || ns.connecting) {
                    ns.connected = ns.connecting = false;
                    ns.reason = client_reason;
                }
            }
            ++inbox_->activity;
            inbox_->changed.notify_all();
        }
        boost::asio::post(executor_, [self = shared_from_this(), reason] {
            self->gone_ = true;
            if (auto handler = self->handler_.lock()) handler->on_disconnect(self, reason);
            self->user_data.reset();  // as the engine does: the Socket.IO client lets go of us
        });
    }
    bool ended() const {
        std::lock_guard lock(inbox_->mutex);
        return ended_;
    }

    /// Hands the frames of one packet to the server, on the session's loop.
    void deliver(std::vector<protocol::Frame> frames) {
        boost::asio::post(executor_, [self = shared_from_this(), frames = std::move(frames)] {
            if (self->gone_) return;  // the server has seen the end of this connection
            auto handler = self->handler_.lock();
            if (!handler) return;
            for (const auto& f : frames) handler->on_message(self, f.data, f.binary);
        });
    }

  private:
    void receive(const engineio::Message& message) {  // under inbox_->mutex
        std::error_code ec;
        auto packet = decoder_->feed(message.data(), message.is_binary(), ec);
        if (ec) {
            inbox_->decode_error = ec;
            return;
        }
        if (!packet) return;  // waits for attachments
        ++inbox_->activity;
        auto& ns = inbox_->namespaces[packet->nsp];
        switch (packet->type) {
            case PacketType::connect:
                ns.connecting = false;
                ns.connected = true;
                ns.refused = false;
                ns.reason.clear();
                ns.sid = packet->data.is_object() ? packet->data.value("sid", "") : "";
                break;
            case PacketType::connect_error:
                ns.connecting = ns.connected = false;
                ns.refused = true;
                ns.refused_message =
                    packet->data.is_object() ? packet->data.value("message", "") : "";
                ns.refused_data = packet->data.is_object() && packet->data.contains("data")
                                      ? packet->data["data"]
                                      : json(nullptr);
                break;
            case PacketType::disconnect:
                if (ns.connected) {
                    ns.connected = false;
                    ns.reason = "io server disconnect";
                    inbox_->server_left = true;
                }
                break;
            case PacketType::event:
            case PacketType::binary_event: {
                if (!packet->data.is_array() || packet->data.empty()) break;
                auto& elements = packet->data.get_ref<json::array_t&>();
                ReceivedEvent event;
                event.name =
                    elements[0].is_string() ? elements[0].get<std::string>() : elements[0].dump();
                event.args = json(json::array_t(std::make_move_iterator(elements.begin() + 1),
                                                std::make_move_iterator(elements.end())));
                event.nsp = packet->nsp;
                if (packet->id) {
                    inbox_->ack_requests.push_back(
                        {event.nsp, event.name, event.args, *packet->id});
                }
                inbox_->received.push_back(std::move(event));
                break;
            }
            case PacketType::ack:
            case PacketType::binary_ack:
                if (packet->id) inbox_->acks[*packet->id] = std::move(packet->data);
                break;
        }
    }

    std::string sid_;
    std::shared_ptr<const engineio::Request> request_;
    boost::asio::any_io_executor executor_;
    std::size_t loop_index_;
    std::weak_ptr<engineio::Handler> handler_;
    std::shared_ptr<Inbox> inbox_;
    std::unique_ptr<protocol::Decoder> decoder_;  // under inbox_->mutex
    bool ended_ = false;                          // under inbox_->mutex
    bool gone_ = false;                           // on the loop: on_disconnect was called
};

std::atomic<std::size_t> clients_made{0};

/// Makes a bounded number of rounds: a server that never goes idle (a handler that posts itself
/// again and again) ends in an exception instead of a hung test.
constexpr int max_rounds = 100'000;

}  // namespace

const std::error_category& error_category() noexcept {
    static const Category category;
    return category;
}

struct TestClient::State {
    State(Server& s, TestClientOptions o) : server(s), options(std::move(o)) {}

    Server& server;
    TestClientOptions options;
    std::shared_ptr<engineio::Handler> handler;  // what the engine would call: the core
    std::shared_ptr<const protocol::Parser> parser;
    socketio::detail::ServerCore* core = nullptr;
    boost::asio::thread_pool* workers = nullptr;  // handlers.async's pool, or null
    unsigned worker_threads = 0;
    std::shared_ptr<Inbox> inbox = std::make_shared<Inbox>();
    std::shared_ptr<TestSession> session;  // the open connection (or the last one)
    engineio::RequestData request;         // its handshake request
    std::uint64_t next_ack_id = 0;
    std::map<std::pair<std::string, std::string>, std::function<Ack(const json&)>> handlers;

    bool polling() const {
        switch (options.drive) {
            case Drive::poll:
                return true;
            case Drive::wait:
                return false;
            case Drive::automatic:
                break;
        }
        return !server.running();
    }

    boost::asio::io_context& context(std::size_t i) const {
        auto executor = server.loop(i);
        auto* target = executor.target<boost::asio::io_context::executor_type>();
        if (!target) {
            throw std::invalid_argument(
                "socketio::testing::TestClient: Drive::poll needs io_context loops");
        }
        return target->context();
    }

    /// Runs every ready handler of every loop until none is left; returns how many ran.
    std::size_t poll_loops() const {
        std::size_t total = 0;
        for (int round = 0; round < max_rounds; ++round) {
            std::size_t ran = 0;
            for (std::size_t i = 0; i < server.loop_count(); ++i) {
                auto& ctx = context(i);
                ctx.restart();  // a loop without work guard stopped when it ran out of work
                ran += ctx.poll();
            }
            if (ran == 0) return total;
            total += ran;
        }
        throw std::runtime_error("socketio::testing::TestClient: the server never went idle");
    }

    /// Returns once every handler queued on the worker pool before the call has finished: one
    /// task per pool thread, each holding its thread until all of them hold one (the pool takes
    /// tasks in order, so every earlier task then ran to its end). Meanwhile it answers the
    /// server's ack requests and, when `poll`, runs the loops (a handler may block on either);
    /// returns how much of that it did.
    std::size_t drain_workers(bool poll) {
        struct Barrier {
            std::mutex mutex;
            std::condition_variable cv;
            unsigned arrived = 0;
            bool released = false;
        };
        auto barrier = std::make_shared<Barrier>();
        const unsigned n = worker_threads;
        for (unsigned i = 0; i < n; ++i) {
            boost::asio::post(*workers, [barrier] {
                std::unique_lock lock(barrier->mutex);
                ++barrier->arrived;
                barrier->cv.notify_all();
                barrier->cv.wait(lock, [&] { return barrier->released; });
            });
        }
        std::size_t polled = 0;
        struct Release {
            Barrier& b;
            ~Release() {
                std::lock_guard lock(b.mutex);
                b.released = true;
                b.cv.notify_all();
            }
        } release{*barrier};
        std::unique_lock lock(barrier->mutex);
        while (barrier->arrived < n) {
            lock.unlock();
            if (poll) polled += poll_loops();
            polled += answer_ack_requests();
            lock.lock();
            barrier->cv.wait_for(lock, std::chrono::milliseconds(1),
                                 [&] { return barrier->arrived >= n; });
        }
        return polled;
    }

    /// Drive::wait: a marker posted to every loop; returns when each ran (or the server stopped).
    void barrier_loops() const {
        struct Count {
            std::mutex mutex;
            std::condition_variable cv;
            std::size_t left;
        };
        auto count = std::make_shared<Count>();
        count->left = server.loop_count();
        for (std::size_t i = 0; i < server.loop_count(); ++i) {
            boost::asio::post(server.loop(i), [count] {
                std::lock_guard lock(count->mutex);
                --count->left;
                count->cv.notify_all();
            });
        }
        std::unique_lock lock(count->mutex);
        while (!count->cv.wait_for(lock, std::chrono::milliseconds(20),
                                   [&] { return count->left == 0; })) {
            if (!server.running()) return;  // stopped loops run no marker
        }
    }

    /// Calls the on() handlers for the acks the server asked for; returns how many answered.
    std::size_t answer_ack_requests() {
        std::deque<AckRequest> requests;
        {
            std::lock_guard lock(inbox->mutex);
            requests.swap(inbox->ack_requests);
        }
        std::size_t answered = 0;
        for (auto& request : requests) {
            auto it = handlers.find({request.nsp, request.event});
            if (it == handlers.end()) continue;
            Ack ack = it->second(request.args);
            Packet packet;
            packet.type = PacketType::ack;
            packet.nsp = request.nsp;
            packet.id = request.id;
            packet.data = std::move(ack.args);
            send_packet(packet);
            ++answered;
        }
        return answered;
    }

    /// socket.io-client closes its connection when the server disconnected its last namespace.
    std::size_t close_if_abandoned() {
        {
            std::lock_guard lock(inbox->mutex);
            if (!inbox->server_left) return 0;
            inbox->server_left = false;
            for (const auto& [name, ns] : inbox->namespaces) {
                if (ns.connected || ns.connecting) return 0;
            }
        }
        if (!session || session->ended()) return 0;
        session->end(engineio::DisconnectReason::client_close, "io server disconnect");
        return 1;
    }

    void run_until_idle() {
        // Server::stop() closes the engine's sessions; this one the engine does not know.
        if (core && core->stopping() && session && !session->ended()) {
            session->end(engineio::DisconnectReason::server_shutdown, "transport close");
        }
        const bool poll = polling();
        if (poll) {
            for (int round = 0;; ++round) {
                if (round == max_rounds) {
                    throw std::runtime_error(
                        "socketio::testing::TestClient: the server never went idle");
                }
                std::size_t work = 0;
                if (workers) work += drain_workers(true);
                work += poll_loops();
                work += answer_ack_requests();
                work += close_if_abandoned();
                if (work == 0) break;
            }
        } else {
            // Work may hop loop → pool → another loop; nothing counts the hops, so rounds go on
            // until two in a row changed nothing the client can see (and at least three ran).
            std::uint64_t seen = activity();
            int quiet = 0;
            for (int round = 0; (round < 3 || quiet < 2) && round < max_rounds; ++round) {
                barrier_loops();
                if (workers) drain_workers(false);
                barrier_loops();
                const std::size_t work = answer_ack_requests() + close_if_abandoned();
                const std::uint64_t now = activity();
                if (work > 0 || now != seen) {
                    quiet = 0;
                    seen = now;
                } else {
                    ++quiet;
                }
            }
        }
        std::lock_guard lock(inbox->mutex);
        if (inbox->decode_error) {
            auto ec = std::exchange(inbox->decode_error, {});
            throw std::system_error(ec, "socketio::testing::TestClient: undecodable server packet");
        }
    }

    std::uint64_t activity() const {
        std::lock_guard lock(inbox->mutex);
        return inbox->activity;
    }

    void send_packet(const Packet& packet) {
        if (!session || session->ended()) {
            throw std::system_error(make_error_code(error::not_connected),
                                    "socketio::testing::TestClient");
        }
        session->deliver(parser->encode(packet));
    }

    /// Opens a connection (a new Engine.IO session); false when the server refuses it.
    bool open(const ConnectOptions& options) {
        const std::size_t n = clients_made.fetch_add(1);
        engineio::RequestData r;
        r.method = "GET";
        r.path = server.options().engine.path;
        r.query = {{"EIO", "4"}, {"transport", "websocket"}};
        r.query.insert(r.query.end(), options.query.begin(), options.query.end());
        r.target = r.path;
        for (std::size_t i = 0; i < r.query.size(); ++i) {
            r.target += (i == 0 ? "?" : "&") + percent_encode(r.query[i].first) + "=" +
                        percent_encode(r.query[i].second);
        }
        for (const auto& [name, value] : options.headers)
            r.headers.emplace_back(lower(name), value);
        r.remote_address = this->options.remote_address;
        r.remote_port = static_cast<std::uint16_t>(40000 + n % 20000);
        request = r;

        const std::size_t loop = this->options.loop.value_or(n % server.loop_count());
        if (loop >= server.loop_count()) {
            throw std::invalid_argument("socketio::testing::TestClient: no loop " +
                                        std::to_string(loop));
        }
        session = std::make_shared<TestSession>(
            "testclient" + std::to_string(n), std::make_shared<const engineio::Request>(r),
            server.loop(loop), loop, handler, inbox, parser->make_decoder());
        auto accepted = std::make_shared<std::atomic<bool>>(false);
        boost::asio::post(server.loop(loop), [h = handler, s = session, accepted] {
            accepted->store(h->on_connect(s));
        });
        run_until_idle();
        if (!accepted->load()) {
            // The engine answers HTTP 403 and creates no session: nothing to end.
            session.reset();
            return false;
        }
        return true;
    }
};

TestClient::TestClient(Server& server, TestClientOptions options)
    : state_(std::make_shared<State>(server, std::move(options))) {
    state_->handler = server.engine_handler();
    state_->parser = server.options().parser == Parser::msgpack ? protocol::msgpack_parser()
                                                                : protocol::json_parser();
    auto& core = *socketio::detail::ServerAccess::core(server);
    state_->core = &core;
    state_->workers = core.workers.get();
    state_->worker_threads = core.worker_threads;
}

TestClient::~TestClient() {
    try {
        if (state_->session && !state_->session->ended()) {
            state_->session->end(engineio::DisconnectReason::transport_close, "transport close");
            state_->run_until_idle();
        }
    } catch (...) {  // a destructor: the test already failed elsewhere, or the server is gone
    }
}

ConnectResult TestClient::connect(std::string_view nsp_name, ConnectOptions options) {
    const std::string nsp = normalize(nsp_name);
    auto& s = *state_;
    s.run_until_idle();
    {
        std::lock_guard lock(s.inbox->mutex);
        auto& ns = s.inbox->namespaces[nsp];
        if (ns.connected) return {.sid = ns.sid};
    }
    if (!s.session || s.session->ended()) {
        if (!s.open(options)) {
            return {.ec = make_error_code(error::connect_refused), .message = "Forbidden"};
        }
    } else {
        std::vector<std::pair<std::string, std::string>> headers;
        for (const auto& [name, value] : options.headers) headers.emplace_back(lower(name), value);
        auto query = s.request.query;
        query.erase(query.begin(), query.begin() + 2);  // EIO, transport
        if ((!options.query.empty() && options.query != query) ||
            (!headers.empty() && headers != s.request.headers)) {
            throw std::invalid_argument(
                "socketio::testing::TestClient::connect: the connection is open; its query and "
                "headers were set by the first connect()");
        }
    }
    {
        std::lock_guard lock(s.inbox->mutex);
        auto& ns = s.inbox->namespaces[nsp];
        ns = NamespaceState{};
        ns.connecting = true;
    }
    Packet packet;
    packet.type = PacketType::connect;
    packet.nsp = nsp;
    packet.data = std::move(options.auth);
    s.send_packet(packet);
    s.run_until_idle();

    std::lock_guard lock(s.inbox->mutex);
    auto& ns = s.inbox->namespaces[nsp];
    if (ns.connected) return {.sid = ns.sid};
    if (ns.refused) {
        return {.ec = make_error_code(error::connect_refused),
                .message = ns.refused_message,
                .data = ns.refused_data};
    }
    ns.connecting = false;
    return {.ec = make_error_code(error::no_response)};
}

bool TestClient::is_connected(std::string_view nsp) {
    state_->run_until_idle();
    std::lock_guard lock(state_->inbox->mutex);
    auto it = state_->inbox->namespaces.find(normalize(nsp));
    return it != state_->inbox->namespaces.end() && it->second.connected;
}

std::string TestClient::sid(std::string_view nsp) {
    state_->run_until_idle();
    std::lock_guard lock(state_->inbox->mutex);
    auto it = state_->inbox->namespaces.find(normalize(nsp));
    return it != state_->inbox->namespaces.end() && it->second.connected ? it->second.sid : "";
}

std::string TestClient::disconnect_reason(std::string_view nsp) {
    state_->run_until_idle();
    std::lock_guard lock(state_->inbox->mutex);
    auto it = state_->inbox->namespaces.find(normalize(nsp));
    return it != state_->inbox->namespaces.end() && !it->second.connected ? it->second.reason : "";
}

void TestClient::disconnect(std::string_view nsp_name) {
    const std::string nsp = normalize(nsp_name);
    auto& s = *state_;
    s.run_until_idle();
    bool last = true;
    {
        std::lock_guard lock(s.inbox->mutex);
        auto it = s.inbox->namespaces.find(nsp);
        if (it == s.inbox->namespaces.end() || !it->second.connected) return;
        it->second.connected = false;
        it->second.reason = "io client disconnect";
        for (const auto& [name, ns] : s.inbox->namespaces) {
            if (ns.connected || ns.connecting) last = false;
        }
    }
    Packet packet;
    packet.type = PacketType::disconnect;
    packet.nsp = nsp;
    s.send_packet(packet);
    if (last) s.session->end(engineio::DisconnectReason::client_close, "io client disconnect");
    s.run_until_idle();
}

void TestClient::emit_args(std::string_view event, json args, std::string_view nsp_name) {
    const std::string nsp = normalize(nsp_name);
    {
        std::lock_guard lock(state_->inbox->mutex);
        auto it = state_->inbox->namespaces.find(nsp);
        if (it == state_->inbox->namespaces.end() || !it->second.connected) {
            throw std::system_error(make_error_code(error::not_connected),
                                    "socketio::testing::TestClient::emit to " + nsp);
        }
    }
    if (!args.is_array()) args = json::array({std::move(args)});
    args.insert(args.begin(), std::string(event));
    Packet packet;
    packet.type = PacketType::event;
    packet.nsp = nsp;
    packet.data = std::move(args);
    state_->send_packet(packet);
    state_->run_until_idle();
}

AckResult TestClient::emit_args_with_ack(std::string_view event, json args,
                                         std::string_view nsp_name) {
    const std::string nsp = normalize(nsp_name);
    {
        std::lock_guard lock(state_->inbox->mutex);
        auto it = state_->inbox->namespaces.find(nsp);
        if (it == state_->inbox->namespaces.end() || !it->second.connected) {
            throw std::system_error(make_error_code(error::not_connected),
                                    "socketio::testing::TestClient::emit_with_ack to " + nsp);
        }
    }
    if (!args.is_array()) args = json::array({std::move(args)});
    args.insert(args.begin(), std::string(event));
    const std::uint64_t id = state_->next_ack_id++;
    Packet packet;
    packet.type = PacketType::event;
    packet.nsp = nsp;
    packet.id = id;
    packet.data = std::move(args);
    state_->send_packet(packet);
    state_->run_until_idle();

    std::lock_guard lock(state_->inbox->mutex);
    auto it = state_->inbox->acks.find(id);
    AckResult result;
    if (it == state_->inbox->acks.end()) {
        result.ec = make_error_code(error::no_response);
        return result;
    }
    result.args = std::move(it->second);
    state_->inbox->acks.erase(it);
    if (!result.args.is_array()) result.args = json::array();
    return result;
}

std::vector<ReceivedEvent> TestClient::get_received(std::string_view nsp_name) {
    const std::string nsp = normalize(nsp_name);
    state_->run_until_idle();
    std::lock_guard lock(state_->inbox->mutex);
    auto& received = state_->inbox->received;
    std::vector<ReceivedEvent> result;
    std::deque<ReceivedEvent> rest;
    for (auto& event : received) {
        (event.nsp == nsp ? result.emplace_back(std::move(event))
                          : rest.emplace_back(std::move(event)));
    }
    received.swap(rest);
    return result;
}

void TestClient::on(std::string event, std::function<Ack(const json& args)> handler,
                    std::string nsp) {
    state_->handlers[{normalize(nsp), std::move(event)}] = std::move(handler);
}

void TestClient::run_until_idle() {
    state_->run_until_idle();
}

bool TestClient::wait_for(std::string_view event, std::chrono::milliseconds limit,
                          std::string_view nsp_name) {
    const std::string nsp = normalize(nsp_name);
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
        state_->run_until_idle();
        std::unique_lock lock(state_->inbox->mutex);
        auto& received = state_->inbox->received;
        auto found = [&] {
            return std::any_of(received.begin(), received.end(), [&](const ReceivedEvent& e) {
                return e.nsp == nsp && e.name == event;
            });
        };
        if (found()) return true;
        if (std::chrono::steady_clock::now() >= deadline) return false;
        // Until something arrives, or a slice passes: with Drive::poll, timers and work posted by
        // other threads run only when this thread polls again.
        const std::uint64_t seen = state_->inbox->activity;
        state_->inbox->changed.wait_for(lock, std::chrono::milliseconds(2),
                                        [&] { return state_->inbox->activity != seen; });
    }
}

}  // namespace socketio::testing
