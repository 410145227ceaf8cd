// SocketImpl, the Socket and Broadcast handles, Handshake.

#include <algorithm>
#include <cctype>

#include <spdlog/spdlog.h>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core.hpp"

namespace socketio {

std::string_view to_string(DisconnectReason reason) noexcept {
    switch (reason) {
        case DisconnectReason::client_namespace_disconnect:
            return "client namespace disconnect";
        case DisconnectReason::server_namespace_disconnect:
            return "server namespace disconnect";
        case DisconnectReason::transport_close:
            return "transport close";
        case DisconnectReason::transport_error:
            return "transport error";
        case DisconnectReason::ping_timeout:
            return "ping timeout";
        case DisconnectReason::parse_error:
            return "parse error";
        case DisconnectReason::server_shutting_down:
            return "server shutting down";
        case DisconnectReason::forced_server_close:
            return "forced server close";
    }
    return "unknown";
}

namespace {

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

}  // namespace

std::optional<std::string_view> Handshake::header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
        if (iequals(k, name)) return std::string_view(v);
    }
    return std::nullopt;
}

std::optional<std::string_view> Handshake::query_param(std::string_view name) const {
    for (const auto& [k, v] : query) {
        if (k == name) return std::string_view(v);
    }
    return std::nullopt;
}

std::optional<std::string_view> Handshake::cookie(std::string_view name) const {
    auto it = cookies.find(std::string(name));
    if (it == cookies.end()) return std::nullopt;
    return std::string_view(it->second);
}

namespace detail {

Handshake make_handshake(const engineio::Request& request, json auth, bool trust_forwarded_for) {
    Handshake h;
    h.headers = request.headers;
    h.query = request.query;
    h.url = request.target;
    h.secure = request.secure;
    h.address = request.remote_address;
    h.issued = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
    h.auth = std::move(auth);
    if (auto cookie = h.header("cookie")) {
        std::string_view rest = *cookie;
        while (!rest.empty()) {
            auto end = rest.find(';');
            auto pair = trim(rest.substr(0, end));
            rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
            auto eq = pair.find('=');
            if (eq == std::string_view::npos || eq == 0) continue;
            auto value = trim(pair.substr(eq + 1));
            if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
                value = value.substr(1, value.size() - 2);
            }
            h.cookies.emplace(std::string(trim(pair.substr(0, eq))), std::string(value));
        }
    }
    if (trust_forwarded_for) {
        if (auto forwarded = h.header("x-forwarded-for")) {
            auto first = trim(forwarded->substr(0, forwarded->find(',')));
            if (!first.empty()) h.address = std::string(first);
        }
    }
    return h;
}

// --- SocketImpl
// ------------------------------------------------------------------------------------

SocketImpl::SocketImpl(std::string id, std::shared_ptr<NamespaceImpl> nsp,
                       std::shared_ptr<Client> c, Handshake hs)
    : sid(std::move(id)),
      ns(std::move(nsp)),
      session(c->session),
      executor(c->session->executor()),
      loop_index(c->session->loop_index()),
      handshake(std::move(hs)),
      client(c) {}

void SocketImpl::send_raw(const EncodedPacket& packet) {
    if (packet->size() == 1) {
        session->send((*packet)[0]);
    } else {
        session->send(std::vector<engineio::Message>(*packet));
    }
}

void SocketImpl::send(const EncodedPacket& packet) {
    if (!connected.load(std::memory_order_acquire)) return;
    if (running_in(executor) && buffering) {  // `buffering` is loop-only: test the thread first
        connect_buffer.push_back(packet);
        return;
    }
    send_raw(packet);
}

void SocketImpl::send_ack(std::uint64_t id, json args) {
    send(
        ns->server.encode(make_packet(protocol::PacketType::ack, ns->name(), std::move(args), id)));
}

bool SocketImpl::add_pending_ack(std::uint64_t id, AckCallback callback,
                                 std::optional<std::chrono::milliseconds> timeout) {
    if (!connected || acks_.size() >= ns->server.options.max_pending_acks) return false;
    PendingAck pending{std::move(callback), nullptr};
    if (timeout && timeout->count() > 0) {
        pending.timer = std::make_unique<boost::asio::steady_timer>(executor, *timeout);
        pending.timer->async_wait([weak = weak_from_this(), id](auto ec) {
            if (ec) return;
            auto self = weak.lock();
            if (!self) return;
            auto it = self->acks_.find(id);
            if (it == self->acks_.end()) return;
            auto cb = std::move(it->second.callback);
            self->acks_.erase(it);
            if (cb) cb(make_error_code(error::ack_timeout), json::array());
        });
    }
    acks_.emplace(id, std::move(pending));
    return true;
}

void SocketImpl::on_ack(std::uint64_t id, json args) {
    auto it = acks_.find(id);
    if (it == acks_.end()) {
        ns->server.log->debug("socket {}: ACK {} matches no pending ack; ignored", sid, id);
        return;
    }
    auto pending = std::move(it->second);
    acks_.erase(it);
    if (pending.timer) pending.timer->cancel();
    if (!pending.callback) return;
    try {
        pending.callback({}, args.is_array() ? std::move(args) : json::array({std::move(args)}));
    } catch (const std::exception& e) {
        ns->server.log->error("socket {}: ack callback threw: {}", sid, e.what());
    } catch (...) {
        ns->server.log->error("socket {}: ack callback threw", sid);
    }
}

void SocketImpl::emit_with_ack(json data, AckCallback callback,
                               std::optional<std::chrono::milliseconds> timeout) {
    boost::asio::dispatch(executor, [self = shared_from_this(), data = std::move(data),
                                     callback = std::move(callback), timeout]() mutable {
        if (!self->connected) {
            if (callback) callback(make_error_code(error::socket_disconnected), json::array());
            return;
        }
        const auto id = self->ns->next_ack_id();
        if (!self->add_pending_ack(id, callback, timeout)) {
            if (callback) callback(make_error_code(error::too_many_pending_acks), json::array());
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
    if (auto c = client.lock()) {
        auto it = c->sockets.find(ns->name());
        if (it != c->sockets.end() && it->second.get() == this) c->sockets.erase(it);
    }
    Socket handle(shared_from_this());
    ns->run_disconnect_handlers(handle, reason);
    auto pending = std::move(acks_);
    acks_.clear();
    for (auto& [id, ack] : pending) {
        if (ack.timer) ack.timer->cancel();
        if (ack.callback) {
            try {
                ack.callback(make_error_code(error::socket_disconnected), json::array());
            } catch (...) {
                ns->server.log->error("socket {}: ack callback threw", sid);
            }
        }
    }
    ns->remove_socket(shared_from_this());
    ns->server.log->info("socket {} left {} ({})", sid, ns->name(), to_string(reason));
}

json SocketImpl::get_session() const {
    std::lock_guard lock(session_mutex_);
    return session_data_;
}

void SocketImpl::save_session(json session_data) {
    std::lock_guard lock(session_mutex_);
    session_data_ = std::move(session_data);
}

}  // namespace detail

// --- Socket
// ----------------------------------------------------------------------------------------

namespace {
const std::string empty_string;
const Handshake empty_handshake;
const boost::asio::any_io_executor empty_executor;

detail::SocketImpl& checked(const std::shared_ptr<detail::SocketImpl>& impl) {
    if (!impl) throw std::logic_error("socketio::Socket: empty handle");
    return *impl;
}
}  // namespace

const std::string& Socket::sid() const noexcept {
    return impl_ ? impl_->sid : empty_string;
}
const std::string& Socket::nsp() const noexcept {
    return impl_ ? impl_->ns->name() : empty_string;
}
const std::string& Socket::engine_sid() const noexcept {
    return impl_ ? impl_->session->sid() : empty_string;
}
const Handshake& Socket::handshake() const noexcept {
    return impl_ ? impl_->handshake : empty_handshake;
}
std::string_view Socket::transport() const noexcept {
    return impl_ ? impl_->session->transport() : std::string_view{};
}
bool Socket::connected() const noexcept {
    return impl_ && impl_->connected;
}
const boost::asio::any_io_executor& Socket::executor() const noexcept {
    return impl_ ? impl_->executor : empty_executor;
}

void Socket::emit_args(std::string_view event, json args) const {
    detail::NamespaceImpl::check_event_name(event);
    auto& self = checked(impl_);
    if (!self.connected) return;
    self.send(self.ns->encode_event(detail::NamespaceImpl::event_data(event, std::move(args))));
}

void Socket::emit_args_with_ack(std::string_view event, json args, AckCallback on_ack) const {
    detail::NamespaceImpl::check_event_name(event);
    checked(impl_).emit_with_ack(detail::NamespaceImpl::event_data(event, std::move(args)),
                                 std::move(on_ack), timeout_);
}

namespace {

/// Starts an emit with ack and completes the awaiting coroutine on its own executor.
struct AckInitiation {
    std::shared_ptr<detail::SocketImpl> impl;
    std::optional<std::chrono::milliseconds> timeout;
    json data;

    template <class Handler>
    void operator()(Handler handler) {
        auto executor = boost::asio::get_associated_executor(handler);
        auto shared = std::make_shared<Handler>(std::move(handler));
        impl->emit_with_ack(
            std::move(data),
            [shared, executor](std::error_code ec, json args) {
                boost::asio::post(executor,
                                  [shared, result = AckResult{ec, std::move(args)}]() mutable {
                                      (*shared)(std::move(result));
                                  });
            },
            timeout);
    }
};

// A free coroutine taking everything by value: the frame never refers to the Socket handle.
boost::asio::awaitable<AckResult> await_ack(AckInitiation initiation) {
    AckResult result =
        co_await boost::asio::async_initiate<decltype(boost::asio::use_awaitable), void(AckResult)>(
            std::move(initiation), boost::asio::use_awaitable);
    co_return result;
}

}  // namespace

boost::asio::awaitable<AckResult> Socket::co_emit_args_with_ack(std::string event,
                                                                json args) const {
    detail::NamespaceImpl::check_event_name(event);
    checked(impl_);
    return await_ack(
        AckInitiation{impl_, timeout_, detail::NamespaceImpl::event_data(event, std::move(args))});
}

Socket Socket::timeout(std::chrono::milliseconds t) const {
    Socket copy = *this;
    copy.timeout_ = t;
    return copy;
}

Broadcast Socket::to(std::string room) const {
    return Broadcast(checked(impl_).ns,
                     BroadcastOptions{.rooms = {std::move(room)}, .except = {sid()}});
}
Broadcast Socket::to(const std::vector<std::string>& rooms) const {
    return Broadcast(checked(impl_).ns, BroadcastOptions{.rooms = rooms, .except = {sid()}});
}
Broadcast Socket::broadcast() const {
    return Broadcast(checked(impl_).ns, BroadcastOptions{.except = {sid()}});
}

void Socket::join(std::string room) const {
    join(std::vector<std::string>{std::move(room)});
}

void Socket::join(const std::vector<std::string>& rooms) const {
    auto& self = checked(impl_);
    boost::asio::dispatch(self.executor, [impl = impl_, rooms] {
        if (impl->connected) impl->ns->adapter->add_all(impl->sid, rooms);
    });
}

void Socket::leave(const std::string& room) const {
    auto& self = checked(impl_);
    boost::asio::dispatch(self.executor, [impl = impl_, room] {
        if (impl->connected) impl->ns->adapter->del(impl->sid, room);
    });
}

std::vector<std::string> Socket::rooms() const {
    auto& self = checked(impl_);
    return self.ns->adapter->socket_rooms(self.sid);
}

void Socket::disconnect(bool close) const {
    auto& self = checked(impl_);
    boost::asio::dispatch(self.executor, [impl = impl_, close] {
        impl->close(DisconnectReason::server_namespace_disconnect, true);
        if (close) {
            if (auto c = impl->client.lock()) c->close(DisconnectReason::forced_server_close);
        }
    });
}

json Socket::get_session() const {
    return checked(impl_).get_session();
}
void Socket::save_session(json session) const {
    checked(impl_).save_session(std::move(session));
}

// --- Broadcast
// -------------------------------------------------------------------------------------

Broadcast::Broadcast(std::shared_ptr<detail::NamespaceImpl> ns, BroadcastOptions options)
    : ns_(std::move(ns)), options_(std::move(options)) {}

Broadcast Broadcast::to(std::string room) const {
    Broadcast b = *this;
    if (std::find(b.options_.rooms.begin(), b.options_.rooms.end(), room) == b.options_.rooms.end())
        b.options_.rooms.push_back(std::move(room));
    return b;
}
Broadcast Broadcast::to(const std::vector<std::string>& rooms) const {
    Broadcast b = *this;
    for (const auto& room : rooms) b = b.to(room);
    return b;
}
Broadcast Broadcast::except(std::string room) const {
    Broadcast b = *this;
    b.options_.except.push_back(std::move(room));
    return b;
}
Broadcast Broadcast::except(const std::vector<std::string>& rooms) const {
    Broadcast b = *this;
    b.options_.except.insert(b.options_.except.end(), rooms.begin(), rooms.end());
    return b;
}
Broadcast Broadcast::local() const {
    Broadcast b = *this;
    b.options_.local = true;
    return b;
}
Broadcast Broadcast::timeout(std::chrono::milliseconds t) const {
    Broadcast b = *this;
    b.timeout_ = t;
    return b;
}

void Broadcast::emit_args(std::string_view event, json args) const {
    detail::NamespaceImpl::check_event_name(event);
    ns_->adapter->broadcast(detail::NamespaceImpl::event_data(event, std::move(args)), options_);
}

void Broadcast::emit_args_with_ack(std::string_view event, json args,
                                   BroadcastAckCallback on_acks) const {
    detail::NamespaceImpl::check_event_name(event);
    ns_->adapter->broadcast_with_ack(detail::NamespaceImpl::event_data(event, std::move(args)),
                                     options_, timeout_.value_or(std::chrono::milliseconds(0)),
                                     std::move(on_acks));
}

std::vector<std::string> Broadcast::sockets() const {
    return ns_->adapter->sockets(options_);
}
void Broadcast::socket_join(const std::vector<std::string>& rooms) const {
    ns_->adapter->add_sockets(options_, rooms);
}
void Broadcast::socket_leave(const std::vector<std::string>& rooms) const {
    ns_->adapter->del_sockets(options_, rooms);
}
void Broadcast::disconnect_sockets(bool close) const {
    ns_->adapter->disconnect_sockets(options_, close);
}

}  // namespace socketio
