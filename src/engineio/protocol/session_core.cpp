#include "engineio/protocol/session_core.hpp"

#include <algorithm>

#include "engineio/protocol/payload.hpp"

namespace engineio::protocol {
namespace {

const std::shared_ptr<const std::string>& empty_data() {
    static const auto empty = std::make_shared<const std::string>();
    return empty;
}

std::string single_packet(PacketType type) {
    return std::string(1, type_char(type));
}

}  // namespace

SessionCore::SessionCore(std::shared_ptr<const Config> config, TimePoint now, bool websocket)
    : config_(std::move(config)),
      machine_(std::shared_ptr<const SessionMachine::Config>(config_, &config_->machine), now),
      websocket_(websocket) {}

// --- the user ----------------------------------------------------------------------------------

void SessionCore::send(OutPacket packet, TimePoint now) {
    if (closed_) return;
    enqueue(std::move(packet));
    pump(now);
    flush();
}

void SessionCore::send(OutPacket packet, TimePoint (*clock)()) {
    if (closed_) return;
    enqueue(std::move(packet));
    if (!machine_.actions().empty()) pump(clock());  // a close: the queue went over its bounds
    flush();
}

void SessionCore::close(CloseReason reason, TimePoint now) {
    if (closed_) return;
    machine_.close(reason);
    pump(now);
}

void SessionCore::shutdown(TimePoint now) {
    if (!closed_) return close(CloseReason::server_shutdown, now);
    if (lingering()) {
        // Closed earlier and waiting for a GET to collect the CLOSE: the server is going away, so
        // that GET would find nothing.
        linger_until_ = no_linger;
        queue_.clear();
        queued_bytes_ = 0;
        forget();
    }
}

// --- polling -----------------------------------------------------------------------------------

void SessionCore::on_get(TimePoint now, std::optional<TimePoint> arrived) {
    const TimePoint arrival = arrived.value_or(now);
    if (closed_) {
        if (lingering() && !queue_.empty()) {
            // Closed by the server with packets still queued: this GET takes them, the next one
            // the CLOSE (see finish()).
            answer(HttpSlot::incoming_get, take_queue_payload());
            linger_until_ = now + config_->close_linger;
        } else if (lingering()) {
            answer(HttpSlot::incoming_get, single_packet(PacketType::close));
            linger_until_ = no_linger;
            forget();
        } else {
            refuse(HttpSlot::incoming_get, engineio::error::unknown_sid);
        }
        return;
    }
    if (websocket_) return refuse(HttpSlot::incoming_get, engineio::error::bad_request);
    if (get_held_) {
        // engine.io: "overlap from client" — the second GET gets 400 and the session ends (the
        // first gets the CLOSE). "Second" by arrival: from another loop, the first may come late.
        if (arrival < held_get_arrived_) {
            refuse(HttpSlot::held_get, engineio::error::bad_request);
            effects_.push_back(Effect{.kind = Effect::Kind::hold_get});
            get_held_ = true;
            held_get_arrived_ = arrival;
        } else {
            refuse(HttpSlot::incoming_get, engineio::error::bad_request);
        }
        machine_.close(CloseReason::transport_error);
        pump(now);
        return;
    }
    effects_.push_back(Effect{.kind = Effect::Kind::hold_get});
    get_held_ = true;
    held_get_arrived_ = arrival;
    if (release_polls_) {
        // Probed: this GET would get a NOOP at once — unless the client's UPGRADE, sent before
        // this GET, is still on its way from another loop; then it must get 400.
        held_get_fenced_ = true;
        request_fence();
        return;
    }
    flush_poll();
}

void SessionCore::on_get_aborted(TimePoint now) {
    if (closed_ || !get_held_) return;
    get_held_ = false;  // nobody to answer
    held_get_fenced_ = false;
    machine_.on_transport_closed(Channel::primary, true);
    pump(now);
}

void SessionCore::on_post(std::string_view body, TimePoint now) {
    if (closed_) return refuse(HttpSlot::incoming_post, engineio::error::unknown_sid);
    if (websocket_) return refuse(HttpSlot::incoming_post, engineio::error::bad_request);
    std::vector<Packet> packets;
    const std::error_code ec = decode_payload(body, machine_.config().max_payload, packets);
    if (ec == engineio::error::payload_too_large) {
        refuse(HttpSlot::incoming_post, engineio::error::payload_too_large);
        machine_.close(CloseReason::transport_error);
        pump(now);
        return;
    }
    if (ec) {
        refuse(HttpSlot::incoming_post, engineio::error::bad_request);
        machine_.on_invalid_packet(Channel::primary);
        pump(now);
        return;
    }
    if (fenced_packets_ && !fenced_packets_->empty()) {
        // Behind packets that wait for a fence.
        answer(HttpSlot::incoming_post, "ok");
        std::move(packets.begin(), packets.end(), std::back_inserter(*fenced_packets_));
        return;
    }
    const bool closes = std::any_of(packets.begin(), packets.end(),
                                    [](const Packet& p) { return p.type == PacketType::close; });
    if (closes && !get_held_) {
        // A CLOSE with no GET held: a GET sent before it may still be on its way from another
        // loop; it must find the session and be answered NOOP, as with a single event loop. The
        // POST is answered once its packets took effect, so a client that has its "ok" finds the
        // session closed.
        fenced_packets_ = std::make_unique<std::vector<Packet>>(std::move(packets));
        effects_.push_back(Effect{.kind = Effect::Kind::hold_post});
        post_held_ = true;
        request_fence();
        return;
    }
    answer(HttpSlot::incoming_post, "ok");
    feed(packets, now);
}

void SessionCore::on_bad_post(TimePoint now) {
    if (closed_) return;
    machine_.close(CloseReason::transport_error);
    pump(now);
}

// --- WebSocket ---------------------------------------------------------------------------------

void SessionCore::on_ws_opened(std::string open_data, TimePoint now) {
    if (closed_) return;
    ws_attached_ = true;
    queue_.insert(queue_.begin(),
                  OutPacket{PacketType::open,
                            std::make_shared<const std::string>(std::move(open_data)), false});
    flush();
}

bool SessionCore::on_probe_attached(TimePoint now) {
    if (closed_ || websocket_) return false;
    return machine_.on_probe_attached(now);
}

void SessionCore::on_ws_packet(Packet packet, Channel channel, TimePoint now) {
    if (closed_) return;
    machine_.on_packet(std::move(packet), channel, now);
    pump(now);
}

void SessionCore::on_ws_invalid(Channel channel, TimePoint now) {
    if (closed_) return;
    machine_.on_invalid_packet(channel);
    pump(now);
}

void SessionCore::on_ws_closed(Channel channel, bool error, TimePoint now) {
    if (closed_) return;
    machine_.on_transport_closed(channel, error);
    pump(now);
}

void SessionCore::on_ws_write_done(bool ok, TimePoint now) {
    ws_write_in_flight_ = false;
    if (closed_) return;
    if (!ok) {
        machine_.on_transport_closed(Channel::primary, true);
        pump(now);
        return;
    }
    flush();
}

// --- time and order ----------------------------------------------------------------------------

void SessionCore::on_timer(TimePoint now) {
    if (closed_) {
        if (lingering() && now >= linger_until_) {
            linger_until_ = no_linger;
            queue_.clear();
            queued_bytes_ = 0;
            forget();
        }
        return;
    }
    machine_.on_timer(now);
    pump(now);
}

std::optional<SessionCore::TimePoint> SessionCore::next_deadline() const {
    if (forgotten_) return std::nullopt;
    if (closed_) return lingering() ? std::optional<TimePoint>(linger_until_) : std::nullopt;
    return machine_.next_deadline();
}

void SessionCore::on_fence_passed(TimePoint now) {
    fence_pending_ = false;
    if (fence_again_) {
        // Something else needed a fence after this one was asked for: it needs its own.
        fence_again_ = false;
        return request_fence();
    }
    std::vector<Packet> packets;
    if (fenced_packets_) packets = std::move(*fenced_packets_);
    fenced_packets_.reset();
    if (closed_) return;  // finish() answered a fenced GET and POST
    if (held_get_fenced_) {
        held_get_fenced_ = false;
        if (websocket_) {
            // The UPGRADE came first: a GET for a WebSocket session is a bad request.
            refuse(HttpSlot::held_get, engineio::error::bad_request);
        } else {
            flush_poll();  // NOOP while probed; otherwise an ordinary long poll
        }
    }
    feed(packets, now);
    if (post_held_) answer(HttpSlot::held_post, "ok");
}

// --- internals ---------------------------------------------------------------------------------

void SessionCore::feed(std::vector<Packet>& packets, TimePoint now) {
    for (Packet& packet : packets) {
        if (closed_) break;
        machine_.on_packet(std::move(packet), Channel::primary, now);
        pump(now);
    }
}

void SessionCore::pump(TimePoint now) {
    // Never re-entered: effects run after the call that produced them returns. Actions are rare
    // on a WebSocket session (a PING, the close): the vector they are carried out from is local,
    // not a member every idle session would keep.
    std::vector<Action> actions;
    while (!machine_.actions().empty()) {
        actions.swap(machine_.actions());
        for (Action& action : actions) {
            switch (action.kind) {
                case Action::Kind::send: {
                    auto data =
                        action.packet.data.empty()
                            ? empty_data()
                            : std::make_shared<const std::string>(std::move(action.packet.data));
                    OutPacket out{action.packet.type, std::move(data), false};
                    if (action.channel == Channel::probe) {
                        effects_.push_back(Effect{.kind = Effect::Kind::write_ws,
                                                  .channel = Channel::probe,
                                                  .packets = {std::move(out)}});
                    } else {
                        enqueue(std::move(out));
                        flush();
                    }
                    break;
                }
                case Action::Kind::deliver:
                    effects_.push_back(
                        Effect{.kind = Effect::Kind::deliver, .packet = std::move(action.packet)});
                    break;
                case Action::Kind::release_poll:
                    release_polls_ = true;
                    flush_poll();
                    break;
                case Action::Kind::upgrade_complete:
                    websocket_ = true;
                    ws_attached_ = true;
                    release_polls_ = false;
                    ws_write_in_flight_ = false;
                    // The client paused polling; a GET still held is released with a NOOP (one
                    // held behind a fence is answered when the fence passes).
                    if (get_held_ && !held_get_fenced_)
                        answer(HttpSlot::held_get, single_packet(PacketType::noop));
                    effects_.push_back(Effect{.kind = Effect::Kind::upgrade_complete});
                    flush();
                    break;
                case Action::Kind::upgrade_abort:
                    release_polls_ = false;
                    effects_.push_back(
                        Effect{.kind = Effect::Kind::close_ws, .channel = Channel::probe});
                    break;
                case Action::Kind::close:
                    finish(action.reason, action.send_close_packet, now);
                    break;
            }
        }
        actions.clear();
    }
}

void SessionCore::enqueue(OutPacket packet) {
    if (closed_) return;
    queued_bytes_ += packet.data->size() + 1;
    queue_.push_back(std::move(packet));
    if (queued_bytes_ > config_->max_queue_bytes || queue_.size() > config_->max_queue_packets) {
        machine_.close(CloseReason::send_queue_full);  // carried out by the caller's pump()
    }
}

void SessionCore::flush() {
    if (closed_) return;
    if (!websocket_) return flush_poll();
    if (!ws_can_write() || queue_.empty()) return;
    Effect write{.kind = Effect::Kind::write_ws, .channel = Channel::primary};
    write.packets.swap(queue_);  // the transport frames them and frees the vector
    queued_bytes_ = 0;
    ws_write_in_flight_ = true;
    effects_.push_back(std::move(write));
}

void SessionCore::flush_poll() {
    if (!get_held_ || held_get_fenced_) return;
    if (!queue_.empty()) {
        answer(HttpSlot::held_get, take_queue_payload());
    } else if (release_polls_) {
        answer(HttpSlot::held_get, single_packet(PacketType::noop));
    }
}

std::string SessionCore::take_queue_payload() {
    std::string body;
    std::size_t size = 0;
    for (const OutPacket& packet : queue_) size += packet.data->size() + 2;
    body.reserve(size);
    bool first = true;
    for (const OutPacket& packet : queue_) {
        if (!first) body.push_back(kRecordSeparator);
        first = false;
        encode_packet(packet.type, *packet.data, packet.binary, body);
    }
    queue_.clear();
    queued_bytes_ = 0;
    return body;
}

void SessionCore::answer(HttpSlot slot, std::string body) {
    if (slot == HttpSlot::held_get) {
        get_held_ = false;
        held_get_fenced_ = false;
    }
    if (slot == HttpSlot::held_post) post_held_ = false;
    effects_.push_back(Effect{.kind = Effect::Kind::answer, .slot = slot, .body = std::move(body)});
}

void SessionCore::refuse(HttpSlot slot, engineio::error error) {
    if (slot == HttpSlot::held_get) {
        get_held_ = false;
        held_get_fenced_ = false;
    }
    effects_.push_back(Effect{.kind = Effect::Kind::answer, .slot = slot, .error = error});
}

void SessionCore::request_fence() {
    if (fence_pending_) {
        fence_again_ = true;
        return;
    }
    fence_pending_ = true;
    effects_.push_back(Effect{.kind = Effect::Kind::fence});
}

void SessionCore::finish(CloseReason reason, bool send_close_packet, TimePoint now) {
    closed_ = true;
    fenced_packets_.reset();
    if (websocket_ && ws_attached_) {
        if (send_close_packet) {
            queue_.push_back(OutPacket{PacketType::close, empty_data(), false});
            Effect write{.kind = Effect::Kind::write_ws, .channel = Channel::primary};
            write.packets.assign(std::make_move_iterator(queue_.begin()),
                                 std::make_move_iterator(queue_.end()));
            effects_.push_back(std::move(write));
        }
        effects_.push_back(Effect{.kind = Effect::Kind::close_ws,
                                  .channel = Channel::primary,
                                  .going_away = reason == CloseReason::server_shutdown});
    } else if (!websocket_ && reason == CloseReason::server_close &&
               (!get_held_ || !queue_.empty())) {
        // What was sent before close() is delivered first, and the CLOSE comes alone in a later
        // response, as engine.io does (its close() waits for "drain"): socket.io-client handles
        // the packets of a payload one tick late but a CLOSE at once, so a DISCONNECT sharing
        // the CLOSE's payload would be lost to it ("transport close" instead of "io server
        // disconnect"). The sid stays known until the GET that takes the CLOSE, or close_linger.
        if (get_held_) answer(HttpSlot::held_get, take_queue_payload());
        linger_until_ = now + config_->close_linger;
    } else if (get_held_) {
        // engine.io answers a held GET with CLOSE (NOOP when the client itself closed).
        std::string body =
            reason == CloseReason::client_close ? std::string{} : take_queue_payload();
        if (!body.empty()) body.push_back(kRecordSeparator);
        body.push_back(
            type_char(reason == CloseReason::client_close ? PacketType::noop : PacketType::close));
        answer(HttpSlot::held_get, std::move(body));
    }
    if (!lingering()) {
        queue_.clear();
        queued_bytes_ = 0;
    }
    if (post_held_) answer(HttpSlot::held_post, "ok");  // its packets were valid, and taken
    effects_.push_back(Effect{.kind = Effect::Kind::closed, .reason = reason});
    if (!lingering()) forget();
}

void SessionCore::forget() {
    if (forgotten_) return;
    forgotten_ = true;
    effects_.push_back(Effect{.kind = Effect::Kind::forget});
}

}  // namespace engineio::protocol
