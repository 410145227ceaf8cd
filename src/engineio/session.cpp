// SessionImpl: one Engine.IO session — the protocol state machine, its send queue and its
// transports (a long-polling GET waiting for data, or a WebSocket).
#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include "engineio/protocol/payload.hpp"
#include "internal.hpp"

namespace engineio {

std::string_view to_string(DisconnectReason reason) noexcept {
    switch (reason) {
        case DisconnectReason::client_close:
            return "transport close";
        case DisconnectReason::transport_close:
            return "transport close";
        case DisconnectReason::transport_error:
            return "transport error";
        case DisconnectReason::ping_timeout:
            return "ping timeout";
        case DisconnectReason::parse_error:
            return "parse error";
        case DisconnectReason::server_close:
            return "forced close";
        case DisconnectReason::server_shutdown:
            return "server shutting down";
        case DisconnectReason::send_queue_full:
            return "send queue full";
    }
    return "unknown";
}

namespace {
bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    }
    return true;
}
}  // namespace

std::optional<std::string_view> Request::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (iequals(key, name)) return std::string_view(value);
    }
    return std::nullopt;
}

std::optional<std::string_view> Request::query_param(std::string_view name) const {
    for (const auto& [key, value] : query) {
        if (key == name) return std::string_view(value);
    }
    return std::nullopt;
}

}  // namespace engineio

namespace engineio::detail {

using protocol::Action;
using protocol::Channel;
using protocol::CloseReason;
using protocol::PacketType;
namespace websocket = boost::beast::websocket;

namespace {
const std::shared_ptr<const std::string>& empty_data() {
    static const auto empty = std::make_shared<const std::string>();
    return empty;
}
}  // namespace

// --- SessionMap -------------------------------------------------------------------------------

SessionMap::Shard& SessionMap::shard(std::string_view sid) const {
    return shards_[std::hash<std::string_view>{}(sid) % shards_.size()];
}

void SessionMap::insert(const std::shared_ptr<SessionImpl>& session) {
    Shard& s = shard(session->sid());
    std::lock_guard lock(s.mutex);
    s.sessions.emplace(session->sid(), session);
}

void SessionMap::erase(const std::string& sid, const SessionImpl* expected) {
    Shard& s = shard(sid);
    std::lock_guard lock(s.mutex);
    const auto it = s.sessions.find(sid);
    if (it != s.sessions.end() && it->second.get() == expected) s.sessions.erase(it);
}

std::shared_ptr<SessionImpl> SessionMap::find(std::string_view sid) const {
    Shard& s = shard(sid);
    std::lock_guard lock(s.mutex);
    const auto it = s.sessions.find(std::string(sid));
    return it == s.sessions.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<SessionImpl>> SessionMap::all() const {
    std::vector<std::shared_ptr<SessionImpl>> out;
    for (Shard& s : shards_) {
        std::lock_guard lock(s.mutex);
        for (const auto& [sid, session] : s.sessions) out.push_back(session);
    }
    return out;
}

std::size_t SessionMap::size() const {
    std::size_t n = 0;
    for (Shard& s : shards_) {
        std::lock_guard lock(s.mutex);
        n += s.sessions.size();
    }
    return n;
}

// --- SessionImpl ------------------------------------------------------------------------------

SessionImpl::SessionImpl(std::shared_ptr<Core> core, std::string sid, Request request,
                         boost::asio::io_context& loop, std::size_t loop_index, bool websocket)
    : core_(std::move(core)),
      sid_(std::move(sid)),
      request_(std::move(request)),
      loop_(loop),
      executor_(loop.get_executor()),
      loop_index_(loop_index),
      websocket_(websocket),
      machine_(core_->machine_config, std::chrono::steady_clock::now()),
      timer_(std::in_place, loop) {}

SessionImpl::~SessionImpl() = default;

std::string_view SessionImpl::transport() const noexcept {
    return on_websocket() ? "websocket" : "polling";
}

bool SessionImpl::on_loop() const {
    return loop_.get_executor().running_in_this_thread();
}

void SessionImpl::send(Message message) {
    if (is_closed()) return;
    if (!on_loop()) {
        boost::asio::post(executor_, [self = shared_from_this(), m = std::move(message)]() mutable {
            self->send(std::move(m));
        });
        return;
    }
    enqueue(PacketType::message, message.buffer(), message.is_binary());
    if (!is_closed()) flush();
}

void SessionImpl::send(std::vector<Message> messages) {
    if (is_closed()) return;
    if (!on_loop()) {
        boost::asio::post(executor_,
                          [self = shared_from_this(), m = std::move(messages)]() mutable {
                              self->send(std::move(m));
                          });
        return;
    }
    for (const Message& message : messages) {
        enqueue(PacketType::message, message.buffer(), message.is_binary());
        if (is_closed()) return;
    }
    flush();
}

void SessionImpl::close() {
    close_with(CloseReason::server_close);
}

void SessionImpl::close_with(CloseReason reason) {
    if (is_closed()) return;
    if (!on_loop()) {
        boost::asio::post(executor_,
                          [self = shared_from_this(), reason] { self->close_with(reason); });
        return;
    }
    machine_.close(reason);
    process_actions();
}

std::string SessionImpl::open_packet_data() const {
    const bool offer_upgrade =
        !on_websocket() && core_->options.allow_upgrades &&
        std::find(core_->options.transports.begin(), core_->options.transports.end(),
                  "websocket") != core_->options.transports.end();
    return protocol::SessionMachine::open_packet_data(sid_, offer_upgrade, core_->machine_config);
}

void SessionImpl::start() {
    rearm_timer();
}

void SessionImpl::enqueue(PacketType type, std::shared_ptr<const std::string> data, bool binary) {
    if (is_closed()) return;
    queued_bytes_ += data->size() + 1;
    queue_.push_back(OutPacket{type, std::move(data), binary});
    if (over_bounds()) {
        logger()->warn("session {}: send queue over its bound ({} messages, {} bytes); closing",
                       sid_, queue_.size(), queued_bytes_);
        machine_.close(CloseReason::send_queue_full);
        process_actions();
    }
}

bool SessionImpl::over_bounds() const {
    return queued_bytes_ > core_->options.max_send_queue_bytes ||
           queue_.size() > core_->options.max_send_queue_messages;
}

void SessionImpl::flush() {
    if (is_closed()) return;
    if (ws_) {
        if (ws_write_in_flight_ || queue_.empty()) return;
        std::vector<OutPacket> batch(std::make_move_iterator(queue_.begin()),
                                     std::make_move_iterator(queue_.end()));
        queue_.clear();
        queued_bytes_ = 0;
        ws_write_in_flight_ = true;
        ws_->write(std::move(batch));
        return;
    }
    flush_poll();
}

std::string SessionImpl::take_queue_payload() {
    std::string body;
    bool first = true;
    for (const OutPacket& packet : queue_) {
        if (!first) body.push_back(protocol::kRecordSeparator);
        first = false;
        protocol::encode_packet(packet.type, *packet.data, packet.binary, body);
    }
    queue_.clear();
    queued_bytes_ = 0;
    return body;
}

void SessionImpl::flush_poll() {
    if (!pending_get_) return;
    if (!queue_.empty()) {
        respond_poll(take_queue_payload());
    } else if (release_poll_) {
        respond_poll(std::string(1, protocol::type_char(PacketType::noop)));
    }
}

void SessionImpl::respond_poll(std::string body) {
    auto responder = std::move(pending_get_);
    pending_get_.reset();
    responder->respond(make_response(pending_ctx_, http::status::ok, "text/plain; charset=UTF-8",
                                     std::move(body), true));
}

void SessionImpl::on_poll(std::shared_ptr<HttpResponder> responder, ResponseContext ctx) {
    if (is_closed()) {
        if (linger_until_ && !queue_.empty()) {
            // Closed by the server with messages still queued: this GET takes them, the next one
            // the CLOSE (see finish()).
            responder->respond(make_response(ctx, http::status::ok, "text/plain; charset=UTF-8",
                                             take_queue_payload(), true));
            linger_until_ = close_linger_deadline();
            rearm_timer();
        } else if (linger_until_) {
            // Closed by the server while no GET was waiting: this GET carries the CLOSE.
            responder->respond(make_response(ctx, http::status::ok, "text/plain; charset=UTF-8",
                                             std::string(1, protocol::type_char(PacketType::close)),
                                             true));
            linger_until_.reset();
            drop_timer();
            unregister();
        } else {
            responder->respond(make_error_response(ctx, error::unknown_sid));
        }
        return;
    }
    if (on_websocket()) {
        responder->respond(make_error_response(ctx, error::bad_request));
        return;
    }
    if (pending_get_) {
        logger()->info("session {}: overlapping polling GET; closing", sid_);
        responder->respond(make_error_response(ctx, error::bad_request));
        machine_.close(CloseReason::transport_error);
        process_actions();
        return;
    }
    pending_get_ = std::move(responder);
    pending_ctx_ = std::move(ctx);
    flush_poll();
}

void SessionImpl::on_post(std::string body, std::shared_ptr<HttpResponder> responder,
                          ResponseContext ctx) {
    if (is_closed()) {
        responder->respond(make_error_response(ctx, error::unknown_sid));
        return;
    }
    if (on_websocket()) {
        responder->respond(make_error_response(ctx, error::bad_request));
        return;
    }
    std::vector<protocol::Packet> packets;
    const std::error_code ec = protocol::decode_payload(body, core_->options.max_payload, packets);
    if (ec == error::payload_too_large) {
        responder->respond(make_error_response(ctx, error::payload_too_large));
        logger()->info("session {}: POST body over max_payload; closing", sid_);
        machine_.close(CloseReason::transport_error);
        process_actions();
        return;
    }
    if (ec) {
        responder->respond(make_error_response(ctx, error::bad_request));
        logger()->info("session {}: invalid packet in POST body; closing", sid_);
        machine_.on_invalid_packet(Channel::primary);
        process_actions();
        return;
    }
    responder->respond(make_response(ctx, http::status::ok, "text/html", "ok"));
    const auto now = std::chrono::steady_clock::now();
    for (auto& packet : packets) {
        machine_.on_packet(std::move(packet), Channel::primary, now);
        process_actions();
        if (is_closed()) break;
    }
}

void SessionImpl::on_payload_too_large() {
    if (is_closed()) return;
    logger()->info("session {}: POST body over max_payload; closing", sid_);
    machine_.close(CloseReason::transport_error);
    process_actions();
}

void SessionImpl::attach_websocket(std::shared_ptr<WsTransport> ws) {
    ws_ = std::move(ws);
    websocket_.store(true, std::memory_order_release);
    queue_.push_front(OutPacket{PacketType::open,
                                std::make_shared<const std::string>(open_packet_data()), false});
    ws_->start(shared_from_this());
    flush();
}

void SessionImpl::attach_probe(std::shared_ptr<WsTransport> ws) {
    if (is_closed() || on_websocket() || probe_ ||
        !machine_.on_probe_attached(std::chrono::steady_clock::now())) {
        ws->close(websocket::close_code::normal);
        return;
    }
    probe_ = std::move(ws);
    probe_->start(shared_from_this());
    rearm_timer();
}

void SessionImpl::on_ws_packet(WsTransport* ws, protocol::Packet packet) {
    if (is_closed()) return;
    Channel channel;
    if (ws_ && ws == ws_.get()) {
        channel = Channel::primary;
    } else if (probe_ && ws == probe_.get()) {
        channel = Channel::probe;
    } else {
        return;
    }
    machine_.on_packet(std::move(packet), channel, std::chrono::steady_clock::now());
    process_actions();
}

void SessionImpl::on_ws_invalid(WsTransport* ws) {
    if (is_closed()) return;
    if (ws_ && ws == ws_.get()) {
        logger()->info("session {}: invalid WebSocket frame; closing", sid_);
        machine_.on_invalid_packet(Channel::primary);
    } else if (probe_ && ws == probe_.get()) {
        machine_.on_invalid_packet(Channel::probe);
    }
    process_actions();
}

void SessionImpl::on_ws_closed(WsTransport* ws, bool error) {
    if (is_closed()) return;
    if (ws_ && ws == ws_.get()) {
        machine_.on_transport_closed(Channel::primary, error);
    } else if (probe_ && ws == probe_.get()) {
        machine_.on_transport_closed(Channel::probe, error);
    }
    process_actions();
}

void SessionImpl::on_ws_write_done(WsTransport* ws, bool ok) {
    if (!ws_ || ws != ws_.get()) return;
    ws_write_in_flight_ = false;
    if (!ok) {
        machine_.on_transport_closed(Channel::primary, true);
        process_actions();
        return;
    }
    flush();
}

void SessionImpl::process_actions() {
    std::vector<Action> actions;
    while (!machine_.actions().empty()) {
        actions.swap(machine_.actions());
        for (Action& action : actions) handle(action);
        actions.clear();
    }
    rearm_timer();
}

void SessionImpl::handle(Action& action) {
    switch (action.kind) {
        case Action::Kind::send: {
            auto data = action.packet.data.empty()
                            ? empty_data()
                            : std::make_shared<const std::string>(std::move(action.packet.data));
            if (action.channel == Channel::probe) {
                if (probe_) probe_->write({OutPacket{action.packet.type, std::move(data), false}});
            } else {
                enqueue(action.packet.type, std::move(data), false);
                flush();
            }
            return;
        }
        case Action::Kind::deliver: {
            if (is_closed()) return;
            try {
                core_->handler->on_message(shared_from_this(), action.packet.data,
                                           action.packet.binary);
            } catch (const std::exception& e) {
                logger()->error("session {}: on_message threw: {}; closing", sid_, e.what());
                machine_.close(CloseReason::server_close);
            } catch (...) {
                logger()->error("session {}: on_message threw; closing", sid_);
                machine_.close(CloseReason::server_close);
            }
            return;
        }
        case Action::Kind::release_poll:
            release_poll_ = true;
            flush_poll();
            return;
        case Action::Kind::upgrade_complete:
            ws_ = std::move(probe_);
            probe_.reset();
            websocket_.store(true, std::memory_order_release);
            release_poll_ = false;
            // The client paused polling; a GET still waiting is released with a NOOP.
            if (pending_get_) respond_poll(std::string(1, protocol::type_char(PacketType::noop)));
            ws_write_in_flight_ = false;
            logger()->debug("session {}: upgraded to websocket", sid_);
            flush();
            return;
        case Action::Kind::upgrade_abort:
            if (probe_) probe_->close(websocket::close_code::normal);
            probe_.reset();
            release_poll_ = false;
            return;
        case Action::Kind::close:
            finish(action.reason, action.send_close_packet);
            return;
    }
}

void SessionImpl::finish(CloseReason reason, bool send_close_packet) {
    closed_.store(true, std::memory_order_release);
    auto self = shared_from_this();
    if (ws_) {
        if (send_close_packet) {
            queue_.push_back(OutPacket{PacketType::close, empty_data(), false});
            std::vector<OutPacket> batch(std::make_move_iterator(queue_.begin()),
                                         std::make_move_iterator(queue_.end()));
            ws_->write(std::move(batch));
        }
        ws_->close(reason == CloseReason::server_shutdown ? websocket::close_code::going_away
                                                          : websocket::close_code::normal);
        ws_.reset();
        queue_.clear();
        queued_bytes_ = 0;
    } else if (reason == CloseReason::server_close && (!pending_get_ || !queue_.empty())) {
        // What was sent before close() is delivered first, and the CLOSE comes alone in a later
        // response, as engine.io does (its close() waits for "drain"): socket.io-client handles
        // the packets of a payload one tick late but a CLOSE at once, so a DISCONNECT sharing
        // the CLOSE's payload would be lost to it ("transport close" instead of "io server
        // disconnect"). The sid stays known until the GET that takes the CLOSE (or until the
        // client would have timed out anyway).
        if (pending_get_) respond_poll(take_queue_payload());
        linger_until_ = close_linger_deadline();
    } else if (pending_get_) {
        // engine.io answers a waiting GET with CLOSE (NOOP when the client itself closed).
        std::string body =
            reason == CloseReason::client_close ? std::string{} : take_queue_payload();
        if (!body.empty()) body.push_back(protocol::kRecordSeparator);
        body.push_back(protocol::type_char(
            reason == CloseReason::client_close ? PacketType::noop : PacketType::close));
        queue_.clear();
        queued_bytes_ = 0;
        respond_poll(std::move(body));
    } else {
        queue_.clear();
        queued_bytes_ = 0;
    }
    if (probe_) {
        probe_->close(websocket::close_code::normal);
        probe_.reset();
    }
    if (linger_until_) {
        armed_.reset();
        rearm_timer();
    } else {
        drop_timer();
        unregister();
    }
    const auto public_reason = static_cast<DisconnectReason>(reason);
    logger()->debug("session {}: closed ({})", sid_, to_string(public_reason));
    try {
        core_->handler->on_disconnect(self, public_reason);
    } catch (const std::exception& e) {
        logger()->error("session {}: on_disconnect threw: {}", sid_, e.what());
    } catch (...) {
        logger()->error("session {}: on_disconnect threw", sid_);
    }
}

void SessionImpl::rearm_timer() {
    std::optional<std::chrono::steady_clock::time_point> deadline =
        is_closed() ? linger_until_ : machine_.next_deadline();
    if (!timer_) return;
    if (!deadline) {
        if (armed_) timer_->cancel();
        armed_.reset();
        return;
    }
    if (armed_ == deadline) return;
    armed_ = deadline;
    timer_->expires_at(*deadline);
    timer_->async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
        if (ec == boost::asio::error::operation_aborted) return;
        self->armed_.reset();
        self->on_timer();
    });
}

void SessionImpl::on_timer() {
    const auto now = std::chrono::steady_clock::now();
    if (is_closed()) {
        if (linger_until_ && now >= *linger_until_) {
            linger_until_.reset();
            drop_timer();
            unregister();
        } else {
            rearm_timer();
        }
        return;
    }
    machine_.on_timer(now);
    process_actions();
}

void SessionImpl::unregister() {
    core_->sessions.erase(sid_, this);
}

void SessionImpl::drop_timer() {
    // Cancelled waits are already queued with their own state: destroying the timer is safe, and
    // a closed session then holds nothing that outlives its loop.
    armed_.reset();
    timer_.reset();
}

std::chrono::steady_clock::time_point SessionImpl::close_linger_deadline() const {
    return std::chrono::steady_clock::now() + core_->machine_config.ping_interval +
           core_->machine_config.ping_timeout;
}

void SessionImpl::shutdown() {
    if (!on_loop()) {
        boost::asio::post(executor_, [self = shared_from_this()] { self->shutdown(); });
        return;
    }
    if (!is_closed()) {
        close_with(CloseReason::server_shutdown);
        return;
    }
    if (linger_until_) {
        // Closed earlier and waiting for a GET to collect the CLOSE: the server is going away, so
        // that GET would find nothing; stop() must not wait for it.
        linger_until_.reset();
        queue_.clear();
        queued_bytes_ = 0;
        drop_timer();
        unregister();
    }
}

void SessionImpl::abandon() {
    closed_.store(true, std::memory_order_release);
    queue_.clear();
    queued_bytes_ = 0;
    drop_timer();
    unregister();
}

}  // namespace engineio::detail
