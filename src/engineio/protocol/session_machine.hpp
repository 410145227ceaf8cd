#pragma once
// The Engine.IO v4 session state machine, without I/O: heartbeat, upgrade and close rules driven
// by events and a clock passed in. The server's I/O layer feeds it packets, transport events and
// timer expiries, arms ONE timer for next_deadline(), and carries out the actions it yields.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engineio/protocol/packet.hpp"

namespace engineio::protocol {

/// Why the session ended; mapped to engineio::DisconnectReason by name (session.cpp).
enum class CloseReason {
    client_close,
    transport_close,
    transport_error,
    ping_timeout,
    parse_error,
    server_close,
    server_shutdown,
    send_queue_full,
};

/// Which of the session's transports an event concerns: the one in use, or the WebSocket being
/// probed during an upgrade from polling.
enum class Channel { primary, probe };

/// What the I/O layer must do after feeding an event.
struct Action {
    enum class Kind {
        send,              ///< send `packet` on `channel`
        deliver,           ///< hand `packet` (a MESSAGE) to the user
        release_poll,      ///< answer a pending polling GET with NOOP (and any later one) so the
                           ///< client can pause polling and send UPGRADE on the probe
        upgrade_complete,  ///< the probe becomes the primary transport; retire the polling one
        upgrade_abort,     ///< close the probe transport; the session stays on polling
        close,             ///< the session ended with `reason`; if `send_close_packet`, send a
                           ///< CLOSE packet on the primary transport first
    };
    Kind kind;
    Channel channel = Channel::primary;
    Packet packet{};
    CloseReason reason = CloseReason::server_close;
    bool send_close_packet = false;
};

class SessionMachine {
  public:
    using Clock = std::chrono::steady_clock;
    using TimePoint = Clock::time_point;

    struct Config {
        std::chrono::milliseconds ping_interval{25'000};
        std::chrono::milliseconds ping_timeout{20'000};
        std::chrono::milliseconds upgrade_timeout{10'000};
        std::size_t max_payload = 1'000'000;
    };

    enum class Upgrade { none, probing, probed, done };

    /// A session that was just opened at `now` (the open packet is sent by the I/O layer).
    /// `config` is shared: a server's sessions hold one copy between them.
    SessionMachine(std::shared_ptr<const Config> config, TimePoint now);
    SessionMachine(Config config, TimePoint now)
        : SessionMachine(std::make_shared<const Config>(config), now) {}

    /// The OPEN packet's data: exactly sid, upgrades, pingInterval, pingTimeout, maxPayload.
    static std::string open_packet_data(std::string_view sid, bool offer_websocket_upgrade,
                                        const Config& config);

    /// A packet arrived on `channel`.
    void on_packet(Packet packet, Channel channel, TimePoint now);
    /// Something arrived on `channel` that does not decode: the session closes (parse error)
    /// for the primary transport; a bad probe only aborts the upgrade.
    void on_invalid_packet(Channel channel);
    /// A WebSocket asks to take over this polling session. False if the session is closed or an
    /// upgrade is already under way or done: then the I/O layer refuses that WebSocket.
    bool on_probe_attached(TimePoint now);
    /// The transport on `channel` ended (peer closed it, or a read/write error).
    void on_transport_closed(Channel channel, bool error);
    /// The session is closed from this side (server_close, server_shutdown, send_queue_full…).
    void close(CloseReason reason);
    /// The timer armed for next_deadline() fired (or any time at or after it).
    void on_timer(TimePoint now);

    /// When on_timer() must next be called; nullopt once closed.
    std::optional<TimePoint> next_deadline() const;

    bool closed() const noexcept { return closed_; }
    Upgrade upgrade_state() const noexcept { return upgrade_; }
    /// An upgrade is under way (probe attached, UPGRADE not yet received).
    bool upgrading() const noexcept {
        return upgrade_ == Upgrade::probing || upgrade_ == Upgrade::probed;
    }
    /// A PING was sent and its PONG has not arrived yet.
    bool awaiting_pong() const noexcept { return awaiting_pong_; }
    const Config& config() const noexcept { return *config_; }

    /// The actions produced since the last call; the caller processes and clears them.
    std::vector<Action>& actions() noexcept { return actions_; }

  private:
    void on_primary_packet(Packet&& packet, TimePoint now);
    void on_probe_packet(Packet&& packet, TimePoint now);
    void abort_upgrade();
    void finish(CloseReason reason, bool send_close_packet);

    std::shared_ptr<const Config> config_;
    std::vector<Action> actions_;
    TimePoint next_ping_;
    TimePoint pong_deadline_{};
    TimePoint upgrade_deadline_{};
    bool awaiting_pong_ = false;
    bool closed_ = false;
    Upgrade upgrade_ = Upgrade::none;
};

}  // namespace engineio::protocol
