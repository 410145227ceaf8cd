// SocketImpl: one socket's sending, pending acks, disconnect and session data.

#include "socket_impl.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include "client.hpp"
#include "namespace_impl.hpp"
#include "server_core.hpp"

namespace socketio::detail {

SocketImpl::SocketImpl(std::string id, std::shared_ptr<NamespaceImpl> nsp,
                       engineio::SessionPtr engine_session, Handshake hs)
    : sid(std::move(id)),
      ns(std::move(nsp)),
      session(std::move(engine_session)),
      handshake(std::move(hs)) {}

std::shared_ptr<Client> SocketImpl::client() const {
    return std::static_pointer_cast<Client>(session->user_data);
}

SocketImpl::~SocketImpl() {
    delete state_.load(std::memory_order_acquire);
}

void SocketImpl::send_raw(const EncodedPacket& packet) {
    if (packet->size() == 1) {
        session->send((*packet)[0]);
    } else {
        session->send(std::vector<engineio::Message>(*packet));
    }
}

void SocketImpl::send(const EncodedPacket& packet) {
    if (!connected.load(std::memory_order_acquire)) return;
    if (buffering.load(std::memory_order_acquire)) {
        // connect_buffer is the loop's: from elsewhere, queue through it.
        if (running_in(executor())) {
            if (!connect_buffer) connect_buffer = std::make_unique<std::vector<EncodedPacket>>();
            connect_buffer->push_back(packet);
        } else {
            boost::asio::post(executor(),
                              [self = shared_from_this(), packet] { self->send_on_loop(packet); });
        }
        return;
    }
    send_raw(packet);
}

EmitResult SocketImpl::emit(const EncodedPacket& packet) {
    if (!connected.load(std::memory_order_acquire)) return EmitResult::dropped;
    if (buffering.load(std::memory_order_acquire)) {
        send(packet);
        return EmitResult::queued;
    }
    std::size_t bytes = 0;
    for (const auto& message : *packet) bytes += message.size();
    if (session->buffered_bytes() + bytes > ns->server.options.engine.limits.max_send_queue_bytes) {
        return EmitResult::refused;
    }
    send_raw(packet);
    return EmitResult::queued;
}

void SocketImpl::send_on_loop(const EncodedPacket& packet) {
    if (!connected.load(std::memory_order_acquire)) return;
    if (buffering) {
        if (!connect_buffer) connect_buffer = std::make_unique<std::vector<EncodedPacket>>();
        connect_buffer->push_back(packet);
        return;
    }
    send_raw(packet);
}

void SocketImpl::send_ack(std::uint64_t id, json args) {
    if (!connected.load(std::memory_order_acquire)) return;
    auto packet = make_packet(protocol::PacketType::ack, ns->name(), std::move(args), id);
    if (buffering.load(std::memory_order_acquire)) {
        send(ns->server.encode(packet));
    } else {
        // One recipient: its message straight from the encoder, no shared EncodedPacket.
        ns->server.send(*session, packet);
    }
    destroy_shallow(packet.data);
}

void SocketImpl::send_ack(std::uint64_t id, AckArgs& ack) {
    if (const EventArgs* relayed = ack.relayed();
        relayed != nullptr && !buffering.load(std::memory_order_acquire)) {
        if (!connected.load(std::memory_order_acquire)) return;
        RecycledText text;
        if (ns->server.parser->encode_relayed_ack(ns->name(), id, relayed->text(), text.text())) {
            session->send(std::move(text).message());
            return;
        }
    }
    send_ack(id, ack.take());
}

bool SocketImpl::add_pending_ack(std::uint64_t id, AckCallback callback,
                                 std::optional<std::chrono::milliseconds> timeout) {
    if (!connected || acks_.size() >= ns->server.options.limits.max_pending_acks) return false;
    PendingAck pending{std::move(callback), nullptr};
    if (timeout && timeout->count() > 0) {
        pending.timer = std::make_unique<boost::asio::steady_timer>(executor(), *timeout);
        pending.timer->async_wait([weak = weak_from_this(), id](auto ec) {
            if (ec) return;
            auto self = weak.lock();
            if (!self) return;
            auto it = self->acks_.find(id);
            if (it == self->acks_.end()) return;
            auto callback = std::move(it->second.callback);
            self->acks_.erase(it);
            self->complete(callback, make_error_code(error::ack_timeout), json::array());
        });
    }
    acks_.emplace(id, std::move(pending));
    return true;
}

void SocketImpl::on_ack(std::uint64_t id, json args) {
    auto it = acks_.find(id);
    if (it == acks_.end()) {
        ns->server.logs.unhandled.debug("socket {}: ACK {} matches no pending ack; ignored", sid,
                                        id);
        return;
    }
    auto pending = std::move(it->second);
    acks_.erase(it);
    if (pending.timer) pending.timer->cancel();
    complete(pending.callback, {},
             args.is_array() ? std::move(args) : json::array({std::move(args)}));
}

void SocketImpl::complete(AckCallback& callback, std::error_code ec, json args) {
    if (!callback) return;
    try {
        callback(ec, std::move(args));
    } catch (...) {
        ns->server.logs.handler_errors.error("socket {}: ack callback threw: {}", sid,
                                             exception_text(std::current_exception()));
    }
}

void SocketImpl::emit_with_ack(json data, AckCallback callback,
                               std::optional<std::chrono::milliseconds> timeout) {
    boost::asio::dispatch(executor(), [self = shared_from_this(), data = std::move(data),
                                       callback = std::move(callback), timeout]() mutable {
        if (!self->connected) {
            self->complete(callback, make_error_code(error::socket_disconnected), json::array());
            return;
        }
        const auto id = self->ns->next_ack_id();
        if (!self->add_pending_ack(id, callback, timeout)) {
            self->complete(callback, make_error_code(error::too_many_pending_acks), json::array());
            return;
        }
        self->send(self->ns->encode_event(data, id));
    });
}

void SocketImpl::close(DisconnectReason reason, bool notify_client) {
    if (!connected.exchange(false)) return;
    if (notify_client) {
        send_raw(
            ns->server.encode(make_packet(protocol::PacketType::disconnect, ns->name(), nullptr)));
    }
    if (auto c = client()) {
        auto it = c->sockets.find(ns->name());
        if (it != c->sockets.end() && it->get() == this) c->sockets.erase(it);
    }
    Socket handle(shared_from_this());
    if (!connect_pending) ns->run_disconnect_handlers(handle, reason);
    auto pending = std::move(acks_);
    acks_.clear();
    for (auto& [id, ack] : pending) {
        if (ack.timer) ack.timer->cancel();
        complete(ack.callback, make_error_code(error::socket_disconnected), json::array());
    }
    ns->remove_socket(shared_from_this());
    ns->server.logs.connections.info("socket {} left {} ({})", sid,
                                     sio::detail::printable(ns->name()), to_string(reason));
}

SocketImpl::State& SocketImpl::state() const {
    State* made = state_.load(std::memory_order_acquire);
    if (made) return *made;
    auto fresh = std::make_unique<State>();
    if (state_.compare_exchange_strong(made, fresh.get(), std::memory_order_acq_rel,
                                       std::memory_order_acquire)) {
        return *fresh.release();
    }
    return *made;  // another thread's, published meanwhile
}

json SocketImpl::get_session() const {
    State* s = state_if_made();
    if (!s) return json::object();
    std::lock_guard lock(s->mutex);
    return s->session_saved ? s->session_data : json::object();
}

void SocketImpl::save_session(json session_data) {
    State& s = state();
    std::lock_guard lock(s.mutex);
    s.session_data = std::move(session_data);
    s.session_saved = true;
}

void SocketImpl::update_session(const std::function<void(json&)>& update) {
    State& s = state();
    std::lock_guard lock(s.mutex);
    if (!s.session_saved) s.session_data = json::object();
    s.session_saved = true;
    update(s.session_data);
}

void* SocketImpl::data_slot(const std::type_info& type, DataBox replacement, DataBox (*make)()) {
    State& s = state();
    // The old value is destroyed outside the lock (its destructor may do anything).
    DataBox old;
    std::lock_guard lock(s.mutex);
    if (replacement.value) {
        old = std::exchange(s.data, std::move(replacement));
        return s.data.value.get();
    }
    if (!s.data.value) {
        s.data = make();
    } else if (*s.data.type != type) {
        throw std::bad_cast();
    }
    return s.data.value.get();
}

bool SocketImpl::holds_data(const std::type_info& type) const {
    State* s = state_if_made();
    if (!s) return false;
    std::lock_guard lock(s->mutex);
    return s->data.value && *s->data.type == type;
}

}  // namespace socketio::detail
