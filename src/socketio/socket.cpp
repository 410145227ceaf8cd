// The Socket and Broadcast handles, Handshake, DisconnectReason names.

#include <algorithm>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "client.hpp"
#include "namespace_impl.hpp"
#include "server_core.hpp"
#include "socket_impl.hpp"

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

std::string_view to_string(EmitResult result) noexcept {
    switch (result) {
        case EmitResult::queued:
            return "queued";
        case EmitResult::dropped:
            return "dropped";
        case EmitResult::refused:
            return "refused";
    }
    return "unknown";
}

namespace {

std::string_view trim_blanks(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

/// Calls `visit(name, value)` for each `name=value` pair of a Cookie header, in order, until it
/// returns false. Values lose one pair of surrounding double quotes (RFC 6265's cookie-value).
template <class Visit>
void for_each_cookie(std::string_view header, Visit&& visit) {
    while (!header.empty()) {
        auto end = header.find(';');
        auto pair = trim_blanks(header.substr(0, end));
        header = end == std::string_view::npos ? std::string_view{} : header.substr(end + 1);
        auto eq = pair.find('=');
        if (eq == std::string_view::npos || eq == 0) continue;
        auto value = trim_blanks(pair.substr(eq + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
            value = value.substr(1, value.size() - 2);
        }
        if (!visit(trim_blanks(pair.substr(0, eq)), value)) return;
    }
}

const engineio::Request empty_request;

}  // namespace

const engineio::Request& Handshake::request() const noexcept {
    return request_ ? *request_ : empty_request;
}

std::optional<std::string_view> Handshake::cookie(std::string_view name) const {
    std::optional<std::string_view> found;
    if (auto header = request().header("cookie")) {
        for_each_cookie(*header, [&](std::string_view n, std::string_view v) {
            if (n != name) return true;
            found = v;
            return false;
        });
    }
    return found;
}

std::map<std::string, std::string> Handshake::cookies() const {
    std::map<std::string, std::string> all;
    if (auto header = request().header("cookie")) {
        for_each_cookie(*header, [&](std::string_view n, std::string_view v) {
            all.emplace(std::string(n), std::string(v));  // the first of a repeated name stays
            return true;
        });
    }
    return all;
}

// --- Socket --------------------------------------------------------------------------------------

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
Namespace Socket::nsp() const {
    return Namespace(checked(impl_).ns);
}
const std::string& Socket::nsp_name() const noexcept {
    return impl_ ? impl_->ns->name() : empty_string;
}
Server& Socket::server() const {
    return *checked(impl_).ns->server.owner;
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
    return impl_ ? impl_->executor() : empty_executor;
}

EmitResult Socket::emit_args(std::string_view event, json args) const {
    detail::NamespaceImpl::check_event_name(event);
    auto& self = checked(impl_);
    if (!self.connected) return EmitResult::dropped;
    return self.emit(
        self.ns->encode_event(detail::NamespaceImpl::event_data(event, std::move(args))));
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
    boost::asio::dispatch(self.executor(), [impl = impl_, rooms] {
        if (impl->connected) impl->ns->adapter->add_all(impl->sid, rooms);
    });
}

void Socket::leave(const std::string& room) const {
    auto& self = checked(impl_);
    boost::asio::dispatch(self.executor(), [impl = impl_, room] {
        if (impl->connected) impl->ns->adapter->del(impl->sid, room);
    });
}

std::vector<std::string> Socket::rooms() const {
    auto& self = checked(impl_);
    return self.ns->adapter->socket_rooms(self.sid);
}

void Socket::disconnect(bool close) const {
    auto& self = checked(impl_);
    boost::asio::dispatch(self.executor(), [impl = impl_, close] {
        impl->close(DisconnectReason::server_namespace_disconnect, true);
        if (close) {
            if (auto c = impl->client()) c->close(DisconnectReason::forced_server_close);
        }
    });
}

json Socket::get_session() const {
    return checked(impl_).get_session();
}
void Socket::save_session(json session) const {
    checked(impl_).save_session(std::move(session));
}
void Socket::update_session(const std::function<void(json&)>& update) const {
    checked(impl_).update_session(update);
}
void* Socket::data_slot(const std::type_info& type, detail::DataBox replacement,
                        detail::DataBox (*make)()) const {
    return checked(impl_).data_slot(type, std::move(replacement), make);
}
bool Socket::holds_data(const std::type_info& type) const noexcept {
    return impl_ && impl_->holds_data(type);
}

// --- Responder -----------------------------------------------------------------------------------

bool Responder::send_args(json args) const {
    if (!state_ || state_->sent.exchange(true)) return false;
    if (!state_->socket->connected) return false;
    state_->socket->send_ack(state_->id, args.is_array() ? std::move(args) : json::array({args}));
    return true;
}

// --- Broadcast -----------------------------------------------------------------------------------

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
    ns_->adapter->broadcast(detail::NamespaceImpl::event_data(event, std::move(args)), options_,
                            {});
}

void Broadcast::emit_args(std::string_view event, json args, QueuedCallback on_queued) const {
    detail::NamespaceImpl::check_event_name(event);
    ns_->adapter->broadcast(detail::NamespaceImpl::event_data(event, std::move(args)), options_,
                            std::move(on_queued));
}

namespace {

std::vector<RemoteSocket> remote_sockets(const std::shared_ptr<detail::NamespaceImpl>& ns,
                                         std::vector<SocketInfo> infos) {
    std::vector<RemoteSocket> result;
    result.reserve(infos.size());
    for (auto& info : infos) result.emplace_back(ns, std::move(info));
    return result;
}

// The coroutine forms are free coroutines taking everything by value (as await_ack): their frames
// never refer to the Broadcast they came from, a temporary in the caller's co_await expression.

/// Broadcasts and completes the awaiting coroutine, on its own executor, once every loop queued.
struct QueuedInitiation {
    std::shared_ptr<detail::NamespaceImpl> ns;
    BroadcastOptions options;
    json data;

    template <class Handler>
    void operator()(Handler handler) {
        auto executor = boost::asio::get_associated_executor(handler);
        auto shared = std::make_shared<Handler>(std::move(handler));
        ns->adapter->broadcast(data, options, [shared, executor] {
            boost::asio::post(executor, [shared] { (*shared)(); });
        });
    }
};

boost::asio::awaitable<void> await_queued(QueuedInitiation initiation) {
    co_await boost::asio::async_initiate<decltype(boost::asio::use_awaitable), void()>(
        std::move(initiation), boost::asio::use_awaitable);
}

using Fetched = std::pair<std::error_code, std::vector<RemoteSocket>>;

/// fetch_sockets, completing the awaiting coroutine on its own executor.
struct FetchInitiation {
    Broadcast broadcast;

    template <class Handler>
    void operator()(Handler handler) {
        auto executor = boost::asio::get_associated_executor(handler);
        auto shared = std::make_shared<Handler>(std::move(handler));
        broadcast.fetch_sockets(
            [shared, executor](std::error_code ec, std::vector<RemoteSocket> sockets) {
                boost::asio::post(executor,
                                  [shared, found = Fetched(ec, std::move(sockets))]() mutable {
                                      (*shared)(std::move(found));
                                  });
            });
    }
};

boost::asio::awaitable<std::vector<RemoteSocket>> await_fetch(FetchInitiation initiation) {
    Fetched found =
        co_await boost::asio::async_initiate<decltype(boost::asio::use_awaitable), void(Fetched)>(
            std::move(initiation), boost::asio::use_awaitable);
    if (found.first) throw std::system_error(found.first, "socketio: fetch_sockets");
    co_return std::move(found.second);
}

}  // namespace

boost::asio::awaitable<void> Broadcast::co_emit_args(std::string event, json args) const {
    detail::NamespaceImpl::check_event_name(event);
    return await_queued(
        QueuedInitiation{ns_, options_, detail::NamespaceImpl::event_data(event, std::move(args))});
}

void Broadcast::emit_args_with_ack(std::string_view event, json args,
                                   BroadcastAckCallback on_acks) const {
    emit_args_with_acks(event, std::move(args),
                        [on_acks = std::move(on_acks)](BroadcastAcks result) {
                            if (!on_acks) return;
                            std::vector<json> responses;
                            responses.reserve(result.acks.size());
                            for (auto& ack : result.acks) responses.push_back(std::move(ack.args));
                            on_acks(result.ec, std::move(responses));
                        });
}

void Broadcast::emit_args_with_acks(std::string_view event, json args,
                                    BroadcastAcksCallback on_acks) const {
    detail::NamespaceImpl::check_event_name(event);
    ns_->adapter->broadcast_with_ack(detail::NamespaceImpl::event_data(event, std::move(args)),
                                     options_, timeout_.value_or(std::chrono::milliseconds(0)),
                                     std::move(on_acks));
}

std::vector<std::string> Broadcast::sockets() const {
    return ns_->adapter->sockets(options_);
}
void Broadcast::fetch_sockets(
    std::function<void(std::error_code, std::vector<RemoteSocket>)> done) const {
    ns_->adapter->fetch_sockets(
        options_, timeout_.value_or(std::chrono::milliseconds(0)),
        [ns = ns_, done = std::move(done)](std::error_code ec, std::vector<SocketInfo> infos) {
            if (done) done(ec, remote_sockets(ns, std::move(infos)));
        });
}
boost::asio::awaitable<std::vector<RemoteSocket>> Broadcast::fetch_sockets() const {
    return await_fetch(FetchInitiation{*this});
}
void Broadcast::sockets_join(const std::vector<std::string>& rooms) const {
    ns_->adapter->add_sockets(options_, rooms);
}
void Broadcast::sockets_leave(const std::vector<std::string>& rooms) const {
    ns_->adapter->del_sockets(options_, rooms);
}
void Broadcast::disconnect_sockets(bool close) const {
    ns_->adapter->disconnect_sockets(options_, close);
}

// --- RemoteSocket --------------------------------------------------------------------------------

RemoteSocket::RemoteSocket(std::shared_ptr<detail::NamespaceImpl> ns, SocketInfo info)
    : ns_(std::move(ns)), info_(std::move(info)) {}

Broadcast RemoteSocket::to_self() const {
    return Broadcast(ns_, BroadcastOptions{.rooms = {info_.sid}});
}

}  // namespace socketio
