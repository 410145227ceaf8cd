#pragma once
// An Engine.IO v4 session without I/O: the heartbeat/upgrade machine (SessionMachine) plus every
// rule about the send queue and the transports — what a long-polling GET or a POST is answered,
// when the queue goes out, CLOSE sent alone after the queue, the linger of a closed session, the
// overlap rules, the NOOPs of an upgrade, and the fences that keep requests of one session in
// arrival order. The server (src/engineio/session.cpp) feeds it events and a clock and carries
// out the effects it yields; it decides nothing itself.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engineio/error.hpp"
#include "engineio/protocol/packet.hpp"
#include "engineio/protocol/session_machine.hpp"

namespace engineio::protocol {

/// One packet on its way out. The bytes are shared: a broadcast is not copied per recipient.
struct OutPacket {
    PacketType type = PacketType::message;
    std::shared_ptr<const std::string> data;
    bool binary = false;
};

/// The HTTP requests of a session an answer can be for. The I/O layer keeps one responder per
/// slot: the GET being handled, the GET held as the long poll, the POST being handled, the POST
/// held until a fence passes.
enum class HttpSlot { incoming_get, held_get, incoming_post, held_post };

/// What the I/O layer must do, in order.
struct Effect {
    enum class Kind {
        answer,            ///< answer the request in `slot`: `error` if set, else 200 with `body`
                           ///< (a polling payload; for a POST the body is "ok")
        hold_get,          ///< the incoming GET becomes the held long poll
        hold_post,         ///< the incoming POST waits (for a fence) in HttpSlot::held_post
        write_ws,          ///< write `packets` on the WebSocket of `channel`; for the primary,
                           ///< report on_ws_write_done() when they are written
        deliver,           ///< hand `packet` (a MESSAGE) to the user, unless closed() by then
        upgrade_complete,  ///< the probe WebSocket becomes the primary transport
        close_ws,          ///< close the WebSocket of `channel` (1001 if `going_away`, else 1000)
        fence,             ///< call on_fence_passed() once every request that reached the server
                           ///< before now has been handed to this session (see on_fence_passed)
        closed,            ///< the session ended with `reason`: tell the user, once
        forget,            ///< drop the sid: nothing more will be answered for this session
    };
    Kind kind;
    HttpSlot slot = HttpSlot::incoming_get;
    std::optional<engineio::error> error{};
    std::string body{};
    Channel channel = Channel::primary;
    std::vector<OutPacket> packets{};
    Packet packet{};
    CloseReason reason = CloseReason::server_close;
    bool going_away = false;
};

class SessionCore {
  public:
    using Clock = SessionMachine::Clock;
    using TimePoint = SessionMachine::TimePoint;

    struct Config {
        SessionMachine::Config machine{};
        /// Bounds of the send queue (bytes and packets not yet handed to a transport); over
        /// either the session closes with send_queue_full.
        std::size_t max_queue_bytes = 16 * 1024 * 1024;
        std::size_t max_queue_packets = 65'536;
        /// How long a polling session closed by the server stays known so that the client's next
        /// GET collects what was queued and then the CLOSE.
        std::chrono::milliseconds close_linger{5'000};
    };

    /// A session opened at `now`; `websocket`: opened directly over WebSocket (its OPEN packet goes
    /// out in on_ws_opened()), else over polling (the handshake response carried the OPEN).
    SessionCore(std::shared_ptr<const Config> config, TimePoint now, bool websocket);
    SessionCore(Config config, TimePoint now, bool websocket)
        : SessionCore(std::make_shared<const Config>(std::move(config)), now, websocket) {}

    // --- the user ------------------------------------------------------------------------------
    /// Queues a packet; it goes out at once if a transport can take it.
    void send(OutPacket packet, TimePoint now);
    /// The same, reading `clock` only if the time matters: a packet that is just queued needs
    /// none (the clock is read once per message otherwise, a measurable cost on the hot path).
    void send(OutPacket packet, TimePoint (*clock)());
    /// Closes from this side: server_close, server_shutdown (a CLOSE goes out first).
    void close(CloseReason reason, TimePoint now);
    /// Server::stop(): closes an open session (server_shutdown), or forgets one that lingers.
    void shutdown(TimePoint now);

    // --- polling -------------------------------------------------------------------------------
    /// A GET arrived (its responder waits in HttpSlot::incoming_get); `arrived` is when its header
    /// was read (default: now). Of two overlapping GETs the one that arrived first is answered
    /// as the held one, whichever reached the session first.
    void on_get(TimePoint now, std::optional<TimePoint> arrived = std::nullopt);
    /// The held GET's connection closed before its response: the session closes
    /// (transport_error; engine.io: "poll connection closed prematurely").
    void on_get_aborted(TimePoint now);
    /// A POST arrived with `body` (its responder waits in HttpSlot::incoming_post).
    void on_post(std::string_view body, TimePoint now);
    /// A POST's body was over max_payload (the I/O layer answered it 413 unread), or a second POST
    /// started while the body of another was being read: the session closes (transport error).
    void on_bad_post(TimePoint now);

    // --- WebSocket -----------------------------------------------------------------------------
    /// The WebSocket of a session opened over WebSocket is up: `open_data` (the OPEN packet's
    /// data) goes out first.
    void on_ws_opened(std::string open_data, TimePoint now);
    /// A WebSocket asks to take over this polling session. False: refuse it (close it).
    bool on_probe_attached(TimePoint now);
    void on_ws_packet(Packet packet, Channel channel, TimePoint now);
    /// A MESSAGE arrived on the primary WebSocket: true when it is to be delivered at once, as
    /// on_ws_packet would (a MESSAGE on the primary transport of an open session always is), so
    /// the caller hands the bytes to the user without building a Packet or an effect. False:
    /// drop it (the session is closed).
    bool delivers_ws_message() const noexcept { return !closed_ && !machine_.closed(); }
    void on_ws_invalid(Channel channel, TimePoint now);
    void on_ws_closed(Channel channel, bool error, TimePoint now);
    /// The packets of the last write_ws on the primary channel were written (or failed). `now`
    /// is read only when the write failed. A successful write with nothing queued meanwhile, on
    /// a WebSocket session, yields no effect and moves no deadline.
    void on_ws_write_done(bool ok, TimePoint now);

    // --- time and order ------------------------------------------------------------------------
    void on_timer(TimePoint now);
    /// When on_timer() must next be called; nullopt when nothing is due.
    std::optional<TimePoint> next_deadline() const;
    /// The fence asked for has passed: every request that had reached the server when it was
    /// asked has been handed to this session (and processed). Until then a CLOSE received by
    /// POST with no GET held, and a GET received while the upgrade is probed, wait: a GET sent
    /// before that CLOSE, or the UPGRADE sent before that GET, may still be on its way from
    /// another event loop.
    void on_fence_passed(TimePoint now);

    bool closed() const noexcept { return closed_; }
    /// The primary transport is (or will be, for a direct WebSocket session) a WebSocket.
    bool on_websocket() const noexcept { return websocket_; }
    std::size_t queued_packets() const noexcept { return queue_.size(); }
    std::size_t queued_bytes() const noexcept { return queued_bytes_; }
    const SessionMachine& machine() const noexcept { return machine_; }

    /// The effects produced since the last call; the caller carries them out and clears them.
    /// Effects may be appended while the caller carries them out (a user's send() in deliver).
    std::vector<Effect>& effects() noexcept { return effects_; }
    /// The fast path of send() on a WebSocket session with nothing queued and no write in
    /// flight: true if the caller is to write `packet` to the primary WebSocket itself, now (the
    /// write is then in flight, reported by on_ws_write_done as a write_ws effect's is); false:
    /// call send(). The same rules as send(): nothing sent once closed, the queue's bounds.
    bool take_direct_write(const OutPacket& packet) noexcept {
        if (closed_ || !ws_can_write() || !queue_.empty()) return false;
        if (packet.data->size() + 1 > config_->max_queue_bytes || config_->max_queue_packets == 0)
            return false;
        ws_write_in_flight_ = true;
        return true;
    }
    /// The send queue's memory, so a caller may lend it a spare vector (a write_ws effect takes
    /// the queue's vector along; without a spare the next send allocates one).
    bool queue_has_memory() const noexcept { return queue_.capacity() != 0; }
    void lend_queue_memory(std::vector<OutPacket>&& spare) noexcept {
        if (queue_.capacity() == 0 && spare.empty()) queue_.swap(spare);
    }

  private:
    /// The primary transport is a WebSocket that is up with no write in flight: flush() and a
    /// direct write may hand it bytes now.
    bool ws_can_write() const noexcept {
        return websocket_ && ws_attached_ && !ws_write_in_flight_;
    }
    void feed(std::vector<Packet>& packets, TimePoint now);
    void pump(TimePoint now);
    void enqueue(OutPacket packet);
    void flush();
    void flush_poll();
    std::string take_queue_payload();
    void answer(HttpSlot slot, std::string body);
    void refuse(HttpSlot slot, engineio::error error);
    void request_fence();
    void finish(CloseReason reason, bool send_close_packet, TimePoint now);
    void forget();

    // Shared by a server's sessions; the machine points to its part.
    std::shared_ptr<const Config> config_;
    SessionMachine machine_;
    std::vector<Effect> effects_;

    std::vector<OutPacket> queue_;  // a vector: no block held while empty, as a deque would
    std::size_t queued_bytes_ = 0;

    bool websocket_ = false;    // the primary transport is a WebSocket
    bool ws_attached_ = false;  // ... and it is up
    bool ws_write_in_flight_ = false;
    bool get_held_ = false;         // a long-poll GET waits in HttpSlot::held_get
    TimePoint held_get_arrived_{};  // when that GET arrived
    bool held_get_fenced_ = false;  // ... received while probed: answered after the fence
    bool post_held_ = false;        // a POST whose packets wait for a fence
    bool release_polls_ = false;    // probed: GETs are answered at once with NOOP
    bool closed_ = false;
    bool forgotten_ = false;
    bool fence_pending_ = false;  // a fence was asked for and has not passed
    bool fence_again_ = false;    // another was needed meanwhile
    // Closed: when the linger ends (no_linger if it is not lingering; not an optional: 8 bytes).
    static constexpr TimePoint no_linger = TimePoint::max();
    TimePoint linger_until_ = no_linger;
    bool lingering() const noexcept { return linger_until_ != no_linger; }

    // POSTed packets waiting for the fence (polling only: a WebSocket session keeps none).
    std::unique_ptr<std::vector<Packet>> fenced_packets_;
};

}  // namespace engineio::protocol
