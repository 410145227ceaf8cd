// SessionImpl: one Engine.IO session — the protocol state machine, its send queue and its
// transports (a long-polling GET waiting for data, or a WebSocket).
#include <cctype>
#include <cstring>
#include <stdexcept>

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

std::size_t Request::end(std::size_t i) const noexcept {
    if (wide_) {
        std::uint32_t e;
        std::memcpy(&e, block_.get() + 4 * i, sizeof e);
        return e;
    }
    std::uint16_t e;
    std::memcpy(&e, block_.get() + 2 * i, sizeof e);
    return e;
}

std::string_view Request::text(std::size_t i) const noexcept {
    if (!block_) return {};
    const std::size_t begin = i == 0 ? 0 : end(i - 1);
    return {block_.get() + offsets_size() + begin, end(i) - begin};
}

Request::Request(const RequestData& data) {
    std::size_t text_size =
        data.method.size() + data.target.size() + data.path.size() + data.remote_address.size();
    for (const auto& [name, value] : data.query) text_size += name.size() + value.size();
    for (const auto& [name, value] : data.headers) text_size += name.size() + value.size();
    detail::RequestBuilder b(data.query.size(), data.headers.size(), text_size);
    b.append(data.method);
    b.append(data.target);
    b.append(data.path);
    b.append(data.remote_address);
    for (const auto& [name, value] : data.query) {
        b.append(name);
        b.append(value);
    }
    for (const auto& [name, value] : data.headers) {
        b.append(name, /*lower=*/true);
        b.append(value);
    }
    *this = std::move(b).finish(data.remote_port, data.secure);
}

Request::Request(const Request& other)
    : query_count_(other.query_count_),
      header_count_(other.header_count_),
      remote_port_(other.remote_port_),
      secure_(other.secure_),
      wide_(other.wide_) {
    if (!other.block_) return;
    const std::size_t size = offsets_size() + other.end(string_count() - 1);
    block_ = std::make_unique_for_overwrite<char[]>(size);
    std::memcpy(block_.get(), other.block_.get(), size);
}

Request& Request::operator=(const Request& other) {
    if (this != &other) *this = Request(other);
    return *this;
}

std::vector<std::pair<std::string, std::string>> Request::Fields::to_vector() const {
    std::vector<std::pair<std::string, std::string>> out;
    out.reserve(size());
    for (const auto [name, value] : *this) out.emplace_back(name, value);
    return out;
}

std::optional<std::string_view> Request::header(std::string_view name) const {
    for (const auto [key, value] : headers()) {
        if (iequals(key, name)) return value;
    }
    return std::nullopt;
}

std::optional<std::string_view> find_query_param(
    const std::vector<std::pair<std::string, std::string>>& query, std::string_view name) {
    for (const auto& [key, value] : query) {
        if (key == name) return std::string_view(value);
    }
    return std::nullopt;
}

std::optional<std::string_view> Request::query_param(std::string_view name) const {
    for (const auto [key, value] : query()) {
        if (key == name) return value;
    }
    return std::nullopt;
}

namespace detail {

RequestBuilder::RequestBuilder(std::size_t query_count, std::size_t header_count,
                               std::size_t text_size) {
    if (text_size > UINT32_MAX) throw std::length_error("engineio::Request: too large");
    request_.query_count_ = static_cast<std::uint32_t>(query_count);
    request_.header_count_ = static_cast<std::uint32_t>(header_count);
    request_.wide_ = text_size > UINT16_MAX;
    const std::size_t offsets = request_.offsets_size();
    request_.block_ = std::make_unique_for_overwrite<char[]>(offsets + text_size);
    text_ = request_.block_.get() + offsets;
}

void RequestBuilder::append(std::string_view s, bool lower) {
    char* out = text_ + used_;
    if (lower) {
        for (const char c : s)
            *out++ = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!s.empty()) {
        std::memcpy(out, s.data(), s.size());
    }
    used_ += static_cast<std::uint32_t>(s.size());
    char* end = request_.block_.get() + next_++ * (request_.wide_ ? 4 : 2);
    if (request_.wide_) {
        std::memcpy(end, &used_, 4);
    } else {
        const auto narrow = static_cast<std::uint16_t>(used_);
        std::memcpy(end, &narrow, 2);
    }
}

Request RequestBuilder::finish(std::uint16_t remote_port, bool secure) && {
    request_.remote_port_ = remote_port;
    request_.secure_ = secure;
    return std::move(request_);
}

}  // namespace detail

}  // namespace engineio

namespace engineio::detail {

using protocol::Channel;
using protocol::CloseReason;
using protocol::Effect;
using protocol::HttpSlot;
using protocol::PacketType;
namespace websocket = boost::beast::websocket;

// --- SessionMap -------------------------------------------------------------------------------

SessionMap::Shard& SessionMap::shard(std::string_view sid) const {
    return shards_[std::hash<std::string_view>{}(sid) % shards_.size()];
}

void SessionMap::insert(const std::shared_ptr<SessionImpl>& session) {
    Shard& s = shard(session->sid());
    std::lock_guard lock(s.mutex);
    s.sessions.insert(session);
}

void SessionMap::erase(const std::string& sid, const SessionImpl* expected) {
    Shard& s = shard(sid);
    std::lock_guard lock(s.mutex);
    const auto it = s.sessions.find(sid);
    if (it != s.sessions.end() && it->get() == expected) s.sessions.erase(it);
}

std::shared_ptr<SessionImpl> SessionMap::find(std::string_view sid) const {
    Shard& s = shard(sid);
    std::lock_guard lock(s.mutex);
    const auto it = s.sessions.find(sid);
    return it == s.sessions.end() ? nullptr : *it;
}

std::vector<std::shared_ptr<SessionImpl>> SessionMap::all() const {
    std::vector<std::shared_ptr<SessionImpl>> out;
    for (Shard& s : shards_) {
        std::lock_guard lock(s.mutex);
        for (const auto& session : s.sessions) out.push_back(session);
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

namespace {
using Clock = std::chrono::steady_clock;

DisconnectReason public_reason(CloseReason reason) {
    switch (reason) {
        case CloseReason::client_close:
            return DisconnectReason::client_close;
        case CloseReason::transport_close:
            return DisconnectReason::transport_close;
        case CloseReason::transport_error:
            return DisconnectReason::transport_error;
        case CloseReason::ping_timeout:
            return DisconnectReason::ping_timeout;
        case CloseReason::parse_error:
            return DisconnectReason::parse_error;
        case CloseReason::server_close:
            return DisconnectReason::server_close;
        case CloseReason::server_shutdown:
            return DisconnectReason::server_shutdown;
        case CloseReason::send_queue_full:
            return DisconnectReason::send_queue_full;
    }
    return DisconnectReason::transport_error;
}

/// Spare send-queue vectors of this thread's loop: a WebSocket session's queue takes one for a
/// send and gives it back once its packets are framed.
std::vector<std::vector<OutPacket>>& packet_vector_spares() {
    thread_local std::vector<std::vector<OutPacket>> spares;
    return spares;
}

/// Gives a WebSocket session's empty send queue a spare vector before a send.
void lend_packet_vector(protocol::SessionCore& state) {
    if (state.queue_has_memory() || !state.on_websocket()) return;
    auto& spares = packet_vector_spares();
    if (spares.empty()) return;
    state.lend_queue_memory(std::move(spares.back()));
    spares.pop_back();
}

}  // namespace

SessionImpl::SessionImpl(std::shared_ptr<Core> core, std::string sid, Request request,
                         std::size_t loop_index, bool websocket)
    : core_(std::move(core)),
      sid_(std::move(sid)),
      request_(std::move(request)),
      websocket_(websocket),
      loop_index_(static_cast<std::uint16_t>(loop_index)),
      state_(core_->session_config, Clock::now(), websocket) {
    ++core_->open_sessions;
}

SessionImpl::~SessionImpl() {
    if (counted_) --core_->open_sessions;
}

std::string_view SessionImpl::transport() const noexcept {
    return on_websocket() ? "websocket" : "polling";
}

const boost::asio::any_io_executor& SessionImpl::executor() const noexcept {
    return core_->loop_executors[loop_index_];
}

bool SessionImpl::on_loop() const {
    return loop().get_executor().running_in_this_thread();
}

void SessionImpl::send(Message message) {
    if (is_closed()) return;
    if (!on_loop()) {
        boost::asio::post(loop().get_executor(),
                          [self = shared_from_this(), m = std::move(message)]() mutable {
                              self->send(std::move(m));
                          });
        return;
    }
    OutPacket packet{PacketType::message, message.buffer(), message.is_binary()};
    if (ws_ && state_.take_direct_write(packet)) {
        // Nothing queued, no write in flight (every broadcast's recipient, the first ACK of a
        // read batch): straight to the WebSocket, without an effect, a run() or a timer check.
        return ws_->write(packet);
    }
    lend_effect_vector();
    lend_packet_vector(state_);
    state_.send(std::move(packet), &Clock::now);
    if (state_.effects().empty()) {
        // Queued behind a write in flight (most messages of a busy connection): nothing to carry
        // out and no deadline moved, so no run() with its timer check. (The lent vector goes back
        // at the next run(), when that write is done.)
        buffered_bytes_.store(state_.queued_bytes(), std::memory_order_relaxed);
        return;
    }
    run();
}

void SessionImpl::send(std::vector<Message> messages) {
    if (is_closed()) return;
    if (!on_loop()) {
        boost::asio::post(loop().get_executor(),
                          [self = shared_from_this(), m = std::move(messages)]() mutable {
                              self->send(std::move(m));
                          });
        return;
    }
    const auto now = Clock::now();
    lend_effect_vector();
    lend_packet_vector(state_);
    for (const Message& message : messages) {
        state_.send(OutPacket{PacketType::message, message.buffer(), message.is_binary()}, now);
    }
    run();
}

void SessionImpl::close() {
    close_with(CloseReason::server_close);
}

void SessionImpl::close_with(CloseReason reason) {
    if (is_closed()) return;
    if (!on_loop()) {
        boost::asio::post(loop().get_executor(),
                          [self = shared_from_this(), reason] { self->close_with(reason); });
        return;
    }
    state_.close(reason, Clock::now());
    run();
}

std::string SessionImpl::open_packet_data() const {
    const bool offer_upgrade = !on_websocket() && core_->options.transports.allow_upgrades &&
                               std::find(core_->options.transports.allowed.begin(),
                                         core_->options.transports.allowed.end(),
                                         "websocket") != core_->options.transports.allowed.end();
    return protocol::SessionMachine::open_packet_data(sid_, offer_upgrade,
                                                      core_->session_config->machine);
}

void SessionImpl::start() {
    rearm_timer();
}

void SessionImpl::on_get(std::shared_ptr<HttpResponder> responder, ResponseContext ctx,
                         Clock::time_point arrived) {
    polling().incoming_get = {std::move(responder), std::move(ctx)};
    state_.on_get(Clock::now(), arrived);
    run();
}

void SessionImpl::on_get_aborted(const HttpResponder* responder) {
    if (!on_loop()) {
        boost::asio::post(loop().get_executor(), [self = shared_from_this(), responder] {
            self->on_get_aborted(responder);
        });
        return;
    }
    // Only the GET still held counts: one already answered may close its connection freely.
    if (!polling_ || polling_->held_get.responder.get() != responder || state_.closed()) return;
    core_->client_error_log.info("session {}: polling GET cancelled (connection closed); closing",
                                 sid_);
    polling_->held_get = {};
    state_.on_get_aborted(Clock::now());
    run();
}

void SessionImpl::on_post(std::string body, std::shared_ptr<HttpResponder> responder,
                          ResponseContext ctx) {
    polling().incoming_post = {std::move(responder), std::move(ctx)};
    state_.on_post(body, Clock::now());
    run();
}

void SessionImpl::on_bad_post() {
    if (!on_loop()) {
        boost::asio::post(loop().get_executor(),
                          [self = shared_from_this()] { self->on_bad_post(); });
        return;
    }
    if (state_.closed()) return;
    core_->client_error_log.info(
        "session {}: bad polling POST (over limits.max_payload, or overlapping); closing", sid_);
    state_.on_bad_post(Clock::now());
    run();
}

void SessionImpl::attach_websocket(std::shared_ptr<WsTransport> ws) {
    if (state_.closed()) return ws->close(websocket::close_code::normal);
    ws_ = std::move(ws);
    ws_->start(shared_from_this());
    state_.on_ws_opened(open_packet_data(), Clock::now());
    run();
}

void SessionImpl::attach_probe(std::shared_ptr<WsTransport> ws) {
    if (probe() || !state_.on_probe_attached(Clock::now())) {
        ws->close(websocket::close_code::normal);
        return;
    }
    polling().probe = std::move(ws);
    polling_->probe->start(shared_from_this());
    run();
}

std::optional<Channel> SessionImpl::channel_of(WsTransport* ws) const {
    if (ws_ && ws == ws_.get()) return Channel::primary;
    if (ws && ws == probe()) return Channel::probe;
    return std::nullopt;
}

void SessionImpl::on_ws_packet(WsTransport* ws, protocol::Packet packet) {
    const auto channel = channel_of(ws);
    if (!channel) return;
    state_.on_ws_packet(std::move(packet), *channel, Clock::now());
    run();
}

void SessionImpl::on_ws_message(WsTransport* ws, std::string_view data, bool binary) {
    if (running_ || !ws_ || ws != ws_.get()) {
        // A probe's message, or one arriving inside a run (effects before it come first).
        return on_ws_packet(ws, protocol::Packet{PacketType::message, std::string(data), binary});
    }
    if (!state_.delivers_ws_message()) return;
    deliver(data, binary);
    if (!state_.effects().empty()) run();  // the handler threw: the close it caused
}

void SessionImpl::on_ws_invalid(WsTransport* ws) {
    const auto channel = channel_of(ws);
    if (!channel) return;
    if (*channel == Channel::primary && !state_.closed())
        core_->client_error_log.info("session {}: invalid WebSocket frame; closing", sid_);
    state_.on_ws_invalid(*channel, Clock::now());
    run();
}

void SessionImpl::on_ws_closed(WsTransport* ws, bool error) {
    const auto channel = channel_of(ws);
    if (!channel) return;
    state_.on_ws_closed(*channel, error, Clock::now());
    run();
}

void SessionImpl::on_ws_write_done(WsTransport* ws, bool ok) {
    if (!ws_ || ws != ws_.get()) return;
    if (ok && state_.on_websocket() && state_.queued_bytes() == 0) {
        // Nothing was queued meanwhile (every broadcast's recipient, most echoes): the write is
        // done and nothing else changes, so no clock, no run() and no effect vector.
        state_.on_ws_write_done(true, Clock::time_point{});
        if (state_.effects().empty()) return;
        return run();
    }
    lend_effect_vector();
    state_.on_ws_write_done(ok, Clock::now());
    run();
}

void SessionImpl::run() {
    // A packet that arrived before the session was closed by the client is still delivered; one
    // left undelivered when the user (or the server) closed it meanwhile is not.
    const bool closed_before = state_.closed();
    // The effects being carried out sit in a vector borrowed from the loop's spares: no
    // allocation per message, and an idle session holds no second vector. A run nested in
    // another (a user's send() from on_message, to this session or another on the loop) borrows
    // its own.
    std::vector<Effect> effects = borrow_effect_vector();
    const bool outermost = !running_;
    running_ = true;
    while (!state_.effects().empty()) {
        effects.swap(state_.effects());
        for (Effect& effect : effects) execute(effect, closed_before);
        effects.clear();
    }
    return_effect_vector(std::move(effects));
    if (outermost) {
        running_ = false;
        if (polling_ && polling_->empty() && on_websocket()) polling_.reset();  // upgraded
        // The core's own (now empty) vector goes back too: an idle session holds none (~140
        // bytes an effect). lend_effect_vector() gives it one again before a hot-path call.
        return_effect_vector(std::move(state_.effects()));
        state_.effects() = {};
    }
    buffered_bytes_.store(state_.queued_bytes(), std::memory_order_relaxed);
    rearm_timer();
}

void SessionImpl::execute(Effect& effect, bool closed_before) {
    switch (effect.kind) {
        case Effect::Kind::answer:
            return answer(effect);
        case Effect::Kind::hold_get:
            polling().held_get = std::move(polling().incoming_get);
            polling().incoming_get = {};
            return;
        case Effect::Kind::hold_post:
            polling().held_post = std::move(polling().incoming_post);
            polling().incoming_post = {};
            return;
        case Effect::Kind::write_ws:
            if (effect.channel == Channel::probe) {
                if (auto* probe = this->probe()) probe->write(effect.packets);
            } else if (ws_) {
                ws_->write(effect.packets);
            }
            return return_packet_vector(effect.packets);
        case Effect::Kind::deliver:
            if (closed_before || !state_.closed())
                deliver(effect.packet.data, effect.packet.binary);
            return;
        case Effect::Kind::upgrade_complete:
            ws_ = polling_ ? std::move(polling_->probe) : nullptr;
            websocket_.store(true, std::memory_order_release);
            logger()->debug("session {}: upgraded to websocket", sid_);
            return;
        case Effect::Kind::close_ws: {
            std::shared_ptr<WsTransport> none;
            auto& ws = effect.channel == Channel::primary ? ws_ : polling_ ? polling_->probe : none;
            if (ws) {
                ws->close(effect.going_away ? websocket::close_code::going_away
                                            : websocket::close_code::normal);
                ws.reset();
            }
            return;
        }
        case Effect::Kind::fence:
            core_->fence(executor(), [self = shared_from_this()] {
                self->state_.on_fence_passed(Clock::now());
                self->run();
            });
            return;
        case Effect::Kind::closed:
            return on_closed(effect.reason);
        case Effect::Kind::forget:
            return forget();
    }
}

void SessionImpl::answer(Effect& effect) {
    if (!polling_) return;
    PendingRequest& request = effect.slot == HttpSlot::held_get        ? polling_->held_get
                              : effect.slot == HttpSlot::incoming_post ? polling_->incoming_post
                              : effect.slot == HttpSlot::held_post     ? polling_->held_post
                                                                       : polling_->incoming_get;
    auto responder = std::move(request.responder);
    request.responder.reset();
    if (!responder) return;
    if (effect.error) {
        responder->respond(make_error_response(request.ctx, *effect.error));
    } else if (effect.slot == HttpSlot::incoming_post || effect.slot == HttpSlot::held_post) {
        responder->respond(
            make_response(request.ctx, http::status::ok, "text/html", std::move(effect.body)));
    } else {
        responder->respond(make_response(request.ctx, http::status::ok, "text/plain; charset=UTF-8",
                                         std::move(effect.body), true));
    }
}

void SessionImpl::deliver(std::string_view data, bool binary) {
    try {
        core_->handler->on_message(shared_from_this(), data, binary);
    } catch (const std::exception& e) {
        logger()->error("session {}: on_message threw: {}; closing", sid_, e.what());
        state_.close(CloseReason::server_close, Clock::now());
    } catch (...) {
        logger()->error("session {}: on_message threw; closing", sid_);
        state_.close(CloseReason::server_close, Clock::now());
    }
}

void SessionImpl::on_closed(CloseReason reason) {
    closed_.store(true, std::memory_order_release);
    core_->closed_sessions.fetch_add(1, std::memory_order_relaxed);
    if (counted_) {
        counted_ = false;
        --core_->open_sessions;
    }
    const auto why = public_reason(reason);
    if (reason == CloseReason::send_queue_full) {
        logger()->warn("session {}: send queue over its bound ({} bytes / {} messages); closing",
                       sid_, core_->options.limits.max_send_queue_bytes,
                       core_->options.limits.max_send_queue_messages);
    }
    logger()->debug("session {}: closed ({})", sid_, to_string(why));
    try {
        core_->handler->on_disconnect(shared_from_this(), why);
    } catch (const std::exception& e) {
        logger()->error("session {}: on_disconnect threw: {}", sid_, e.what());
    } catch (...) {
        logger()->error("session {}: on_disconnect threw", sid_);
    }
    // on_disconnect was the handler's last callback: what it attached goes now, not when the
    // session is forgotten (a session closed by the server lingers for the client's last GET).
    user_data.reset();
}

namespace {

/// Spare effect vectors of this thread's loop (with their capacity), a few at most.
std::vector<std::vector<Effect>>& effect_vector_spares() {
    thread_local std::vector<std::vector<Effect>> spares;
    return spares;
}

}  // namespace

void SessionImpl::return_packet_vector(std::vector<OutPacket>& v) {
    auto& spares = packet_vector_spares();
    v.clear();
    if (v.capacity() != 0 && v.capacity() <= 256 && spares.size() < 64) {
        spares.push_back(std::move(v));
    }
    v = {};
}

std::vector<Effect> SessionImpl::borrow_effect_vector() {
    auto& spares = effect_vector_spares();
    if (spares.empty()) return {};
    std::vector<Effect> v = std::move(spares.back());
    spares.pop_back();
    return v;
}

void SessionImpl::return_effect_vector(std::vector<Effect> v) {
    auto& spares = effect_vector_spares();
    // Nesting is shallow; more spares than this would only hold memory.
    if (v.capacity() != 0 && v.capacity() <= 64 && spares.size() < 8) {
        spares.push_back(std::move(v));
    }
}

void SessionImpl::lend_effect_vector() {
    if (state_.effects().capacity() == 0) state_.effects() = borrow_effect_vector();
}

SessionImpl::PollingRequests& SessionImpl::polling() {
    if (!polling_) polling_ = std::make_unique<PollingRequests>();
    return *polling_;
}

SessionTimers& SessionImpl::timers() const {
    return *core_->loop_states[loop_index_]->timers;
}

boost::asio::io_context& SessionImpl::loop() const {
    return *core_->loop_states[loop_index_]->context;
}

void SessionImpl::rearm_timer() {
    if (timer_dropped_) return;
    const auto deadline = state_.next_deadline();
    if (!deadline) {
        if (timer_slot_ != SessionTimers::no_slot) timers().cancel(*this);
        return;
    }
    // The usual case: most runs move no deadline.
    if (timer_slot_ != SessionTimers::no_slot && timers().deadline_of(*this) == deadline) return;
    timers().schedule(*this, *deadline);
}

void SessionImpl::on_deadline() {
    state_.on_timer(Clock::now());
    run();
}

void SessionImpl::drop_timer() {
    // A forgotten session leaves the loop's heap (which held it) and is never scheduled again.
    if (timer_slot_ != SessionTimers::no_slot) timers().cancel(*this);
    timer_dropped_ = true;
}

// --- SessionTimers ----------------------------------------------------------------------------

void SessionTimers::place(std::size_t index, Entry entry) {
    entry.session->timer_slot_ = static_cast<std::uint32_t>(index);
    heap_[index] = std::move(entry);
}

void SessionTimers::sift_up(std::size_t index) {
    Entry entry = std::move(heap_[index]);
    while (index > 0) {
        const std::size_t parent = (index - 1) / 2;
        if (!(entry.deadline < heap_[parent].deadline)) break;
        place(index, std::move(heap_[parent]));
        index = parent;
    }
    place(index, std::move(entry));
}

void SessionTimers::sift_down(std::size_t index) {
    Entry entry = std::move(heap_[index]);
    const std::size_t size = heap_.size();
    for (;;) {
        std::size_t child = 2 * index + 1;
        if (child >= size) break;
        if (child + 1 < size && heap_[child + 1].deadline < heap_[child].deadline) ++child;
        if (!(heap_[child].deadline < entry.deadline)) break;
        place(index, std::move(heap_[child]));
        index = child;
    }
    place(index, std::move(entry));
}

void SessionTimers::remove(std::size_t index) {
    heap_[index].session->timer_slot_ = no_slot;
    const std::size_t last = heap_.size() - 1;
    if (index != last) {
        place(index, std::move(heap_[last]));
        heap_.pop_back();
        // The entry moved here may belong above or below.
        if (index > 0 && heap_[index].deadline < heap_[(index - 1) / 2].deadline) {
            sift_up(index);
        } else {
            sift_down(index);
        }
    } else {
        heap_.pop_back();
    }
    if (heap_.empty()) std::vector<Entry>().swap(heap_);  // a wave of closes leaves nothing
}

void SessionTimers::schedule(SessionImpl& session, TimePoint deadline) {
    if (session.timer_slot_ != no_slot) {
        const std::size_t index = session.timer_slot_;
        const bool earlier = deadline < heap_[index].deadline;
        heap_[index].deadline = deadline;
        if (earlier) {
            sift_up(index);
        } else {
            sift_down(index);
        }
    } else {
        heap_.push_back(Entry{deadline, session.shared_from_this()});
        session.timer_slot_ = static_cast<std::uint32_t>(heap_.size() - 1);
        sift_up(heap_.size() - 1);
    }
    rearm();
}

std::optional<SessionTimers::TimePoint> SessionTimers::deadline_of(
    const SessionImpl& session) const noexcept {
    if (session.timer_slot_ == no_slot) return std::nullopt;
    return heap_[session.timer_slot_].deadline;
}

void SessionTimers::cancel(SessionImpl& session) {
    if (session.timer_slot_ == no_slot) return;
    remove(session.timer_slot_);
    // The pending wait, if now early, finds nothing due and re-arms: cancelling it would cost
    // more than the wake-up.
}

void SessionTimers::rearm() {
    if (heap_.empty()) return;
    const TimePoint earliest = heap_.front().deadline;
    if (waiting_until_ && *waiting_until_ <= earliest) return;
    waiting_until_ = earliest;
    timer_.expires_at(earliest);  // cancels a later wait, whose completion is then ignored
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec == boost::asio::error::operation_aborted) return;
        waiting_until_.reset();
        on_expiry();
    });
}

void SessionTimers::on_expiry() {
    const auto now = Clock::now();
    // Each due session is taken out before it is called: its run() may schedule it again (or
    // another session of this loop) meanwhile.
    while (!heap_.empty() && heap_.front().deadline <= now) {
        std::shared_ptr<SessionImpl> session = heap_.front().session;
        remove(0);
        session->on_deadline();
    }
    rearm();
}

void SessionImpl::forget() {
    drop_timer();
    core_->sessions.erase(sid_, this);
}

void SessionImpl::shutdown() {
    if (!on_loop()) {
        boost::asio::post(loop().get_executor(), [self = shared_from_this()] { self->shutdown(); });
        return;
    }
    state_.shutdown(Clock::now());
    run();
}

void SessionImpl::abandon() {
    closed_.store(true, std::memory_order_release);
    // Whatever still refers back to this session (a watched long poll's connection, a WebSocket)
    // lets go of it, and this session of them: no cycle outlives the server.
    polling_.reset();
    ws_.reset();
    if (counted_) {
        counted_ = false;
        --core_->open_sessions;
    }
    forget();
}

}  // namespace engineio::detail
