#include "engineio/protocol/session_machine.hpp"

#include <algorithm>
#include <string>

namespace engineio::protocol {

SessionMachine::SessionMachine(std::shared_ptr<const Config> config, TimePoint now)
    : config_(std::move(config)), next_ping_(now + config_->ping_interval) {}

std::string SessionMachine::open_packet_data(std::string_view sid, bool offer_websocket_upgrade,
                                             const Config& config) {
    // The sid is base64url (no characters that need JSON escaping).
    std::string data;
    data.reserve(128);
    data.append(R"({"sid":")").append(sid).append(R"(","upgrades":)");
    data.append(offer_websocket_upgrade ? R"(["websocket"])" : "[]");
    data.append(R"(,"pingInterval":)").append(std::to_string(config.ping_interval.count()));
    data.append(R"(,"pingTimeout":)").append(std::to_string(config.ping_timeout.count()));
    data.append(R"(,"maxPayload":)").append(std::to_string(config.max_payload));
    data.push_back('}');
    return data;
}

void SessionMachine::on_packet(Packet packet, Channel channel, TimePoint now) {
    if (closed_) return;
    if (channel == Channel::probe) {
        on_probe_packet(std::move(packet), now);
    } else {
        on_primary_packet(std::move(packet), now);
    }
}

void SessionMachine::on_primary_packet(Packet&& packet, TimePoint now) {
    switch (packet.type) {
        case PacketType::message:
            actions_.push_back(Action{.kind = Action::Kind::deliver, .packet = std::move(packet)});
            return;
        case PacketType::pong:
            // The heartbeat: the next PING is due ping_interval after this PONG (engine.io
            // refreshes its ping interval timer here). A PONG nobody asked for changes nothing.
            if (awaiting_pong_) {
                awaiting_pong_ = false;
                next_ping_ = now + config_->ping_interval;
            }
            return;
        case PacketType::ping:
            // In v4 only the server pings: engine.io treats a client PING as a transport error
            // ("invalid heartbeat direction").
            finish(CloseReason::transport_error, false);
            return;
        case PacketType::close:
            finish(CloseReason::client_close, false);
            return;
        case PacketType::open:
        case PacketType::upgrade:
        case PacketType::noop:
            return;  // meaningless from a client on the primary transport; ignored like engine.io
    }
}

void SessionMachine::on_probe_packet(Packet&& packet, TimePoint now) {
    if (!upgrading()) return;
    if (packet.type == PacketType::ping && packet.data == "probe" && upgrade_ == Upgrade::probing) {
        upgrade_ = Upgrade::probed;
        actions_.push_back(Action{.kind = Action::Kind::send,
                                  .channel = Channel::probe,
                                  .packet = Packet{PacketType::pong, "probe", false}});
        actions_.push_back(Action{.kind = Action::Kind::release_poll});
        return;
    }
    if (packet.type == PacketType::upgrade) {
        upgrade_ = Upgrade::done;
        actions_.push_back(
            Action{.kind = Action::Kind::upgrade_complete, .channel = Channel::probe});
        return;
    }
    // Anything else on a probe that is not yet the transport: the upgrade fails, the session
    // continues on polling (engine.io closes the probe transport the same way).
    abort_upgrade();
}

void SessionMachine::on_invalid_packet(Channel channel) {
    if (closed_) return;
    if (channel == Channel::probe) {
        if (upgrading()) abort_upgrade();
        return;
    }
    finish(CloseReason::parse_error, false);
}

bool SessionMachine::on_probe_attached(TimePoint now) {
    if (closed_ || upgrade_ != Upgrade::none) return false;
    upgrade_ = Upgrade::probing;
    upgrade_deadline_ = now + config_->upgrade_timeout;
    return true;
}

void SessionMachine::on_transport_closed(Channel channel, bool error) {
    if (closed_) return;
    if (channel == Channel::probe) {
        if (upgrading()) abort_upgrade();
        return;
    }
    finish(error ? CloseReason::transport_error : CloseReason::transport_close, false);
}

void SessionMachine::close(CloseReason reason) {
    if (closed_) return;
    const bool polite =
        reason == CloseReason::server_close || reason == CloseReason::server_shutdown;
    finish(reason, polite);
}

void SessionMachine::on_timer(TimePoint now) {
    if (closed_) return;
    if (upgrading() && now >= upgrade_deadline_) abort_upgrade();
    if (awaiting_pong_) {
        if (now >= pong_deadline_) finish(CloseReason::ping_timeout, false);
        return;
    }
    if (now >= next_ping_) {
        awaiting_pong_ = true;
        pong_deadline_ = now + config_->ping_timeout;
        actions_.push_back(
            Action{.kind = Action::Kind::send, .packet = Packet{PacketType::ping, {}, false}});
    }
}

std::optional<SessionMachine::TimePoint> SessionMachine::next_deadline() const {
    if (closed_) return std::nullopt;
    TimePoint deadline = awaiting_pong_ ? pong_deadline_ : next_ping_;
    if (upgrading()) deadline = std::min(deadline, upgrade_deadline_);
    return deadline;
}

void SessionMachine::abort_upgrade() {
    upgrade_ = Upgrade::none;
    actions_.push_back(Action{.kind = Action::Kind::upgrade_abort, .channel = Channel::probe});
}

void SessionMachine::finish(CloseReason reason, bool send_close_packet) {
    if (upgrading()) abort_upgrade();
    closed_ = true;
    actions_.push_back(Action{
        .kind = Action::Kind::close, .reason = reason, .send_close_packet = send_close_packet});
}

}  // namespace engineio::protocol
