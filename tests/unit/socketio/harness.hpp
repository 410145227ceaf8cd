#pragma once
// A Socket.IO server driven in-process through fake Engine.IO sessions: no sockets, two event
// loops polled by the test thread (or run on threads for the threading tests).

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "engineio/session.hpp"
#include "socketio/protocol/parser.hpp"
#include "socketio/socketio.hpp"

namespace sio_test {

using socketio::json;
using socketio::protocol::Packet;
using socketio::protocol::PacketType;
using namespace std::chrono_literals;

/// An Engine.IO session that records what the server sends and how it closes it.
class FakeSession : public engineio::Session {
  public:
    FakeSession(std::string sid, boost::asio::io_context& loop, std::size_t loop_index,
                std::weak_ptr<engineio::Handler> handler)
        : sid_(std::move(sid)),
          executor_(loop.get_executor()),
          loop_index_(loop_index),
          handler_(std::move(handler)) {
        edit_request([](engineio::RequestData& r) {
            r.method = "GET";
            r.target = "/socket.io/?EIO=4&transport=polling";
            r.path = "/socket.io/";
            r.query = {{"EIO", "4"}, {"transport", "polling"}};
            r.remote_address = "127.0.0.1";
            r.remote_port = 40000;
        });
    }

    const std::string& sid() const noexcept override { return sid_; }
    std::string_view transport() const noexcept override { return "websocket"; }
    const engineio::Request& request() const noexcept override { return request_; }
    const boost::asio::any_io_executor& executor() const noexcept override { return executor_; }
    std::size_t loop_index() const noexcept override { return loop_index_; }

    void send(engineio::Message message) override {
        on_loop([this, message = std::move(message)]() mutable {
            std::lock_guard lock(mutex_);
            if (!closed_) sent_.push_back(std::move(message));
        });
    }
    void send(std::vector<engineio::Message> messages) override {
        on_loop([this, messages = std::move(messages)]() mutable {
            std::lock_guard lock(mutex_);
            if (closed_) return;
            for (auto& m : messages) sent_.push_back(std::move(m));
        });
    }
    /// Like the engine: the handler's on_disconnect(server_close) follows.
    void close() override { end(engineio::DisconnectReason::server_close); }

    /// The transport ended (as the engine would report it).
    void end(engineio::DisconnectReason reason) {
        on_loop([this, reason] {
            {
                std::lock_guard lock(mutex_);
                if (closed_) return;
                closed_ = true;
                close_reason_ = reason;
            }
            if (auto h = handler_.lock()) h->on_disconnect(shared_self(), reason);
        });
    }

    bool closed() const {
        std::lock_guard lock(mutex_);
        return closed_;
    }
    std::vector<engineio::Message> sent() const {
        std::lock_guard lock(mutex_);
        return sent_;
    }
    void clear_sent() {
        std::lock_guard lock(mutex_);
        sent_.clear();
    }

    /// Changes the handshake request (before the handler sees the session).
    void edit_request(const std::function<void(engineio::RequestData&)>& edit) {
        edit(request_data_);
        request_ = engineio::Request(request_data_);
    }
    std::shared_ptr<FakeSession> shared_self() { return self_.lock(); }
    std::weak_ptr<FakeSession> self_;

  private:
    template <class F>
    void on_loop(F&& f) {
        if (executor_.target<boost::asio::io_context::executor_type>()->running_in_this_thread()) {
            f();
        } else {
            boost::asio::post(executor_, std::forward<F>(f));
        }
    }

    std::string sid_;
    boost::asio::any_io_executor executor_;
    std::size_t loop_index_;
    std::weak_ptr<engineio::Handler> handler_;
    engineio::RequestData request_data_;
    engineio::Request request_;
    mutable std::mutex mutex_;
    std::vector<engineio::Message> sent_;
    bool closed_ = false;
    std::optional<engineio::DisconnectReason> close_reason_;
};

/// One client: a fake session plus a decoder of what the server sent it.
struct FakeClient {
    std::shared_ptr<FakeSession> session;
    std::shared_ptr<engineio::Handler> handler;
    std::unique_ptr<socketio::protocol::Decoder> decoder =
        socketio::protocol::json_parser()->make_decoder();
    std::size_t consumed = 0;
    std::vector<Packet> received;

    /// Sends one packet to the server (encoded like a client would), on the session's loop.
    void send(const Packet& packet) {
        auto frames = socketio::protocol::json_parser()->encode(packet);
        for (auto& f : frames) raw(f.data, f.binary);
    }
    void raw(std::string data, bool binary = false) {
        boost::asio::post(session->executor(), [h = handler, s = session, data = std::move(data),
                                                binary] { h->on_message(s, data, binary); });
    }
    void connect(const std::string& nsp = "/", json auth = nullptr) {
        Packet p;
        p.type = PacketType::connect;
        p.nsp = nsp;
        p.data = std::move(auth);
        send(p);
    }
    void emit(const std::string& event, json args = json::array(), const std::string& nsp = "/",
              std::optional<std::uint64_t> id = std::nullopt) {
        Packet p;
        p.type = PacketType::event;
        p.nsp = nsp;
        p.id = id;
        args.insert(args.begin(), event);
        p.data = std::move(args);
        send(p);
    }
    void ack(std::uint64_t id, json args, const std::string& nsp = "/") {
        Packet p;
        p.type = PacketType::ack;
        p.nsp = nsp;
        p.id = id;
        p.data = std::move(args);
        send(p);
    }
    void disconnect(const std::string& nsp = "/") {
        Packet p;
        p.type = PacketType::disconnect;
        p.nsp = nsp;
        p.data = nullptr;
        send(p);
    }

    /// Decodes everything the server sent since the last call; returns all packets so far.
    const std::vector<Packet>& packets() {
        auto sent = session->sent();
        for (; consumed < sent.size(); ++consumed) {
            std::error_code ec;
            auto p = decoder->feed(sent[consumed].data(), sent[consumed].is_binary(), ec);
            EXPECT_FALSE(ec) << ec.message();
            if (p) received.push_back(std::move(*p));
        }
        return received;
    }
    /// Packets of one type (optionally one namespace).
    std::vector<Packet> of_type(PacketType type, std::optional<std::string> nsp = std::nullopt) {
        std::vector<Packet> result;
        for (const auto& p : packets()) {
            if (p.type == type && (!nsp || p.nsp == *nsp)) result.push_back(p);
        }
        return result;
    }
    /// EVENT packets named `event`, as their argument arrays.
    std::vector<json> events(const std::string& event, const std::string& nsp = "/") {
        std::vector<json> result;
        for (const auto& p : packets()) {
            if (p.type == PacketType::event && p.nsp == nsp && p.data.at(0) == event) {
                json args = p.data;
                args.erase(args.begin());
                result.push_back(args);
            }
        }
        return result;
    }
    /// The sid the server gave this client in `nsp` (empty when not connected).
    std::string sid(const std::string& nsp = "/") {
        for (const auto& p : packets()) {
            if (p.type == PacketType::connect && p.nsp == nsp) return p.data.at("sid");
        }
        return {};
    }
};

/// A detached socketio::Server on two loops, polled by the test thread.
class Harness {
  public:
    explicit Harness(socketio::ServerOptions options = {}, std::size_t loop_count = 2) {
        for (std::size_t i = 0; i < loop_count; ++i)
            loops_.push_back(std::make_unique<boost::asio::io_context>());
        std::vector<boost::asio::any_io_executor> executors;
        for (auto& l : loops_) executors.push_back(l->get_executor());
        io = std::make_unique<socketio::Server>(std::move(options), executors);
    }
    /// Test locals declared after the harness are gone by now: nothing may run any more, so the
    /// loops' pending work is dropped, not run (tests of shutdown call io->stop() themselves).
    ~Harness() {
        stop_threads();
        // Without the shutdown, a session and its Socket.IO client keep each other alive
        // (Session::user_data); break that as the engine does on disconnect.
        for (auto& session : sessions_) session->user_data.reset();
        io.reset();
        // Dropped tasks may own objects with timers on loop 0 (broadcast ack collectors): destroy
        // the other loops first, while loop 0 still exists.
        while (!loops_.empty()) loops_.pop_back();
    }

    /// A new connection on loop `loop` (as if the engine accepted it).
    FakeClient accept(std::size_t loop = 0,
                      std::function<void(engineio::RequestData&)> edit_request = {}) {
        auto handler = io->engine_handler();
        auto session = std::make_shared<FakeSession>("eio" + std::to_string(next_++), *loops_[loop],
                                                     loop, handler);
        session->self_ = session;
        sessions_.push_back(session);
        if (edit_request) session->edit_request(edit_request);
        FakeClient client;
        client.session = session;
        client.handler = handler;
        std::promise<bool> accepted;
        boost::asio::post(*loops_[loop], [&] { accepted.set_value(handler->on_connect(session)); });
        auto result = accepted.get_future();
        if (threads_.empty()) {
            poll();
        } else {
            result.wait();  // the loop's thread runs it (poll() here could return before)
        }
        const bool ran = result.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
        EXPECT_TRUE(ran && result.get());
        return client;
    }
    /// accept() + CONNECT to `nsp`, polled.
    FakeClient connected(const std::string& nsp = "/", std::size_t loop = 0) {
        auto client = accept(loop);
        client.connect(nsp);
        poll();
        EXPECT_FALSE(client.sid(nsp).empty());
        return client;
    }

    /// Runs every ready handler of every loop until none is left.
    void poll() {
        for (int round = 0; round < 100; ++round) {
            std::size_t ran = 0;
            for (auto& l : loops_) {
                ran += l->poll();
                l->restart();
            }
            if (ran == 0) return;
        }
    }
    /// Polls until `done()` or the deadline (for timers).
    bool poll_until(const std::function<bool()>& done, std::chrono::milliseconds limit = 5s) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            poll();
            if (done()) return true;
            std::this_thread::sleep_for(2ms);
        }
        poll();
        return done();
    }

    /// Runs each loop on its own thread (for the threading tests) until stop_threads().
    void run_threads() {
        for (auto& l : loops_) {
            guards_.emplace_back(l->get_executor());
            threads_.emplace_back([&ctx = *l] { ctx.run(); });
        }
    }
    void stop_threads() {
        guards_.clear();
        for (auto& t : threads_) t.join();
        threads_.clear();
        for (auto& l : loops_) l->restart();
    }

    boost::asio::io_context& loop(std::size_t i) { return *loops_[i]; }

    std::unique_ptr<socketio::Server> io;

  private:
    std::vector<std::unique_ptr<boost::asio::io_context>> loops_;
    std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guards_;
    std::vector<std::thread> threads_;
    std::vector<std::shared_ptr<FakeSession>> sessions_;
    int next_ = 0;
};

}  // namespace sio_test
