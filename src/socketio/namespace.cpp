// The Namespace handle and NamespaceHandler.

#include "namespace_impl.hpp"

namespace socketio {

bool NamespaceHandler::dispatch(Socket& socket, const std::string& event, json& args,
                                const Responder& respond) {
    auto it = methods_.find(event);
    if (it == methods_.end() || !it->second.sync) return false;
    detail::EventArgs source(args);
    auto ack = it->second.sync(socket, source, detail::ResponderAccess::id(respond));
    if (ack) respond.send_args(ack.take());
    return true;
}

// --- Namespace -----------------------------------------------------------------------------------

const std::string& Namespace::name() const noexcept {
    return impl_->name();
}

const Namespace& Namespace::on_error(ErrorHandler handler) const {
    impl_->error_handler = std::move(handler);
    return *this;
}
const Namespace& Namespace::set_handler(std::shared_ptr<NamespaceHandler> handler) const {
    impl_->class_handler = std::move(handler);
    return *this;
}
void Namespace::set_connect(detail::ConnectHandler handler) const {
    impl_->connect_handler = std::move(handler);
}
void Namespace::set_disconnect(detail::DisconnectHandler handler) const {
    impl_->disconnect_handler = std::move(handler);
}
void Namespace::set_catch_all(detail::CatchAllHandler handler) const {
    impl_->catch_all = std::move(handler);
}
void Namespace::set_any(detail::AnyHandler handler) const {
    impl_->any_handler = std::move(handler);
}
void Namespace::add_middleware(detail::ConnectHandler middleware) const {
    impl_->middlewares.push_back(std::move(middleware));
}
void Namespace::set_event(std::string event, detail::EventHandler handler) const {
    impl_->events[std::move(event)] = std::move(handler);
}

Broadcast Namespace::broadcast() const {
    return Broadcast(impl_, {});
}

std::optional<Socket> Namespace::socket(std::string_view sid) const {
    if (auto s = impl_->find(sid)) return Socket(std::move(s));
    return std::nullopt;
}

std::vector<std::string> Namespace::sockets(std::optional<std::string> room) const {
    BroadcastOptions options;
    if (room) options.rooms.push_back(std::move(*room));
    return impl_->adapter->sockets(options);
}

bool Namespace::enter_room(std::string_view sid, std::string room) const {
    auto s = socket(sid);
    if (!s) {
        // Maybe a socket of another server: the adapter forwards it (a no-op in memory).
        impl_->adapter->add_sockets(BroadcastOptions{.rooms = {std::string(sid)}}, {room});
        return false;
    }
    s->join(std::move(room));
    return true;
}

bool Namespace::leave_room(std::string_view sid, const std::string& room) const {
    auto s = socket(sid);
    if (!s) {
        impl_->adapter->del_sockets(BroadcastOptions{.rooms = {std::string(sid)}}, {room});
        return false;
    }
    s->leave(room);
    return true;
}

void Namespace::close_room(const std::string& room) const {
    impl_->adapter->close_room(room);
}

std::vector<std::string> Namespace::rooms(std::string_view sid) const {
    return impl_->adapter->socket_rooms(std::string(sid));
}

bool Namespace::disconnect(std::string_view sid, bool close) const {
    auto s = socket(sid);
    if (!s) {
        impl_->adapter->disconnect_sockets(BroadcastOptions{.rooms = {std::string(sid)}}, close);
        return false;
    }
    s->disconnect(close);
    return true;
}

void Namespace::fetch_rooms(FetchRoomsCallback done) const {
    impl_->adapter->fetch_rooms(std::chrono::milliseconds(0), std::move(done));
}

std::size_t Namespace::server_count() const {
    return impl_->adapter->server_count();
}

const std::string& Namespace::server_id() const {
    return impl_->adapter->server_id();
}

void Namespace::server_side_emit_args(std::string_view event, json args,
                                      BroadcastAckCallback on_acks,
                                      std::chrono::milliseconds timeout) const {
    detail::NamespaceImpl::check_event_name(event);
    impl_->adapter->server_side_emit(detail::NamespaceImpl::event_data(event, std::move(args)),
                                     timeout, std::move(on_acks));
}

const Namespace& Namespace::on_server_side(std::string event, ServerSideHandler handler) const {
    impl_->server_side_events[std::move(event)] = std::move(handler);
    return *this;
}

Adapter& Namespace::adapter() const {
    return *impl_->adapter;
}

}  // namespace socketio
