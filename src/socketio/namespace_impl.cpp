// NamespaceImpl: handlers, event dispatch and error routing, the adapter host, local sockets.

#include "namespace_impl.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include "client.hpp"
#include "server_core.hpp"
#include "socket_impl.hpp"

namespace socketio::detail {

NamespaceImpl::NamespaceImpl(std::string name, ServerCore& srv)
    : server(srv),
      name_(std::move(name)),
      loop_count_(std::max<std::size_t>(1, srv.loops.size())) {}

NamespaceImpl::~NamespaceImpl() = default;

std::string_view NamespaceImpl::SidOf::operator()(
    const std::shared_ptr<SocketImpl>& socket) const noexcept {
    return socket->sid;
}

void NamespaceImpl::init_adapter() {
    adapter =
        server.options.adapter ? server.options.adapter(*this) : make_in_memory_adapter(*this);
    if (!adapter) throw std::invalid_argument("socketio: the adapter factory returned no adapter");
    adapter->init();
}

void NamespaceImpl::clear_handlers() {
    // Handlers no longer need a handle of their namespace (Socket::nsp() gives it), but one may
    // still capture it (a lambda holding io.of("/x")): a cycle handler -> namespace -> handler
    // that dropping every handler here keeps from outliving the server.
    events.clear();
    middlewares.clear();
    connect_handler = {};
    disconnect_handler = {};
    catch_all = {};
    any_handler = {};
    error_handler = {};
    class_handler.reset();
    server_side_events.clear();
}

std::size_t NamespaceImpl::loop_count() const noexcept {
    return loop_count_;
}

boost::asio::any_io_executor NamespaceImpl::executor(std::size_t loop) const {
    return server.loops.at(loop);
}

void NamespaceImpl::dispatch(std::size_t loop, std::function<void()> task) {
    boost::asio::dispatch(server.loops.at(loop), std::move(task));
}

std::optional<std::size_t> NamespaceImpl::loop_of(std::string_view sid) const {
    std::lock_guard lock(registry_mutex_);
    auto it = registry_.find(sid);
    if (it == registry_.end()) return std::nullopt;
    return (*it)->loop_index();
}

EncodedPacket NamespaceImpl::encode_event(const json& data,
                                          std::optional<std::uint64_t> ack_id) const {
    return server.encode(make_packet(protocol::PacketType::event, name_, data, ack_id));
}

void NamespaceImpl::send(std::size_t loop, const std::vector<std::string>& sids,
                         const EncodedPacket& packet) {
    // One lookup at a time, each under the registry's lock and sent outside it. The in-memory
    // adapter comes here only for a socket it holds no handle to.
    for (const auto& sid : sids) {
        if (auto socket = local_socket(loop, sid)) socket->send(packet);
    }
}

std::size_t NamespaceImpl::send_with_ack(std::size_t loop, const std::vector<std::string>& sids,
                                         const EncodedPacket& packet, std::uint64_t ack_id,
                                         AckCallback on_ack) {
    std::size_t sent = 0;
    for (const auto& sid : sids) {
        auto socket = local_socket(loop, sid);
        if (!socket) continue;
        const bool added = socket->add_pending_ack(ack_id, on_ack, std::nullopt);
        if (!added) continue;
        socket->send(packet);
        ++sent;
    }
    return sent;
}

void NamespaceImpl::disconnect(std::size_t loop, const std::vector<std::string>& sids, bool close) {
    for (const auto& sid : sids) {
        auto socket = local_socket(loop, sid);  // a handle: close() erases the registry's
        if (!socket) continue;
        socket->close(DisconnectReason::server_namespace_disconnect, true);
        if (close) {
            if (auto c = socket->client()) c->close(DisconnectReason::forced_server_close);
        }
    }
}

void NamespaceImpl::describe(SocketInfo& info) const {
    auto socket = find(info.sid);
    if (!socket) return;
    const Handshake& handshake = socket->handshake;
    json headers = json::object();
    for (const auto [name, value] : handshake.request().headers()) {
        std::string key(name);
        if (!headers.contains(key)) headers[std::move(key)] = value;
    }
    json query = json::object();
    for (const auto [name, value] : handshake.request().query()) {
        std::string key(name);
        if (!query.contains(key)) query[std::move(key)] = value;
    }
    info.handshake = {{"headers", std::move(headers)},
                      {"query", std::move(query)},
                      {"url", handshake.request().target()},
                      {"address", handshake.address},
                      {"secure", handshake.request().secure()},
                      {"issued", handshake.issued},
                      {"auth", handshake.auth}};
    info.data = socket->get_session();
}

void NamespaceImpl::on_server_side_event(json data, std::function<void(json args)> respond) {
    if (!data.is_array() || data.empty() || !data[0].is_string()) return;
    auto it = server_side_events.find(data[0].get_ref<const std::string&>());
    // Node's serverSideEmit: a server without a listener does not answer (the sender times out).
    if (it == server_side_events.end() || !it->second) return;
    data.erase(data.begin());
    json result;
    try {
        result = it->second(data);
    } catch (...) {
        server.logs.handler_errors.error("server-side handler of {} threw: {}",
                                         sio::detail::printable(name_),
                                         exception_text(std::current_exception()));
        return;
    }
    if (!respond) return;
    if (result.is_null()) {
        respond(json::array());
    } else if (result.is_array()) {
        respond(std::move(result));
    } else {
        respond(json::array({std::move(result)}));
    }
}

std::shared_ptr<SocketImpl> NamespaceImpl::find(std::string_view sid) const {
    std::lock_guard lock(registry_mutex_);
    auto it = registry_.find(sid);
    return it == registry_.end() ? nullptr : *it;
}

std::shared_ptr<SocketImpl> NamespaceImpl::local_socket(std::size_t loop,
                                                        std::string_view sid) const {
    std::lock_guard lock(registry_mutex_);
    auto it = registry_.find(sid);
    return it == registry_.end() || (*it)->loop_index() != loop ? nullptr : *it;
}

void NamespaceImpl::add_socket(const std::shared_ptr<SocketImpl>& socket) {
    if (socket->loop_index() >= loop_count_) {
        throw std::out_of_range("socketio: session loop_index beyond the server's loops");
    }
    {
        std::lock_guard lock(registry_mutex_);
        // A socket replaces one with its sid (none: sids are random), as the map's [] did.
        if (auto [it, inserted] = registry_.insert(socket); !inserted) {
            registry_.erase(it);
            registry_.insert(socket);
        }
    }
    adapter->add_all(socket->sid, {socket->sid});
}

void NamespaceImpl::remove_socket(const std::shared_ptr<SocketImpl>& socket) {
    adapter->del_all(socket->sid);
    std::lock_guard lock(registry_mutex_);
    // Only this socket's entry (a replaced one's sid names another).
    if (auto it = registry_.find(socket->sid); it != registry_.end() && *it == socket) {
        registry_.erase(it);
    }
}

void NamespaceImpl::drop_sockets() {
    Registry registry;
    std::lock_guard lock(registry_mutex_);
    registry.swap(registry_);
}

std::vector<std::shared_ptr<SocketImpl>> NamespaceImpl::all_sockets() const {
    std::lock_guard lock(registry_mutex_);
    std::vector<std::shared_ptr<SocketImpl>> result;
    result.reserve(registry_.size());
    for (const auto& socket : registry_) result.push_back(socket);
    return result;
}

namespace {
const json& rejected() {
    static const json data = {{"message", "Connection rejected by server"}};
    return data;
}
}  // namespace

bool NamespaceImpl::connects_asynchronously() const noexcept {
    if (connect_handler.coroutine) return true;
    for (const auto& middleware : middlewares) {
        if (middleware.coroutine) return true;
    }
    return false;
}

std::optional<json> NamespaceImpl::refusal(std::exception_ptr error) const {
    try {
        std::rethrow_exception(error);
    } catch (const ConnectionRefused& refused) {
        json data = {{"message", refused.what()}};
        if (!refused.data().is_null()) data["data"] = refused.data();
        return data;
    } catch (...) {
        server.logs.handler_errors.error("connect handler or middleware of {} threw: {}",
                                         sio::detail::printable(name_),
                                         exception_text(std::current_exception()));
        return rejected();
    }
}

std::optional<json> NamespaceImpl::run_connect_handlers(Socket& socket, const json& auth) {
    try {
        for (const auto& middleware : middlewares) {
            if (!middleware.sync(socket, auth)) return rejected();
        }
        bool accepted = true;
        if (connect_handler) {
            accepted = connect_handler.sync(socket, auth);
        } else if (class_handler) {
            accepted = class_handler->on_connect(socket, auth);
        }
        if (!accepted) return rejected();
        return std::nullopt;
    } catch (...) {
        return refusal(std::current_exception());
    }
}

boost::asio::awaitable<std::optional<json>> NamespaceImpl::co_run_connect_handlers(
    Socket socket, const json& auth) {
    try {
        for (const auto& middleware : middlewares) {
            const bool accepted = middleware.coroutine ? co_await middleware.coroutine(socket, auth)
                                                       : middleware.sync(socket, auth);
            if (!accepted) co_return rejected();
            // A middleware that suspended may resume after the client left.
            if (!socket.connected()) co_return std::nullopt;
        }
        bool accepted = true;
        if (connect_handler.coroutine) {
            accepted = co_await connect_handler.coroutine(socket, auth);
        } else if (connect_handler) {
            accepted = connect_handler.sync(socket, auth);
        } else if (class_handler) {
            accepted = class_handler->on_connect(socket, auth);
        }
        if (!accepted) co_return rejected();
        co_return std::nullopt;
    } catch (...) {
        co_return refusal(std::current_exception());
    }
}

void NamespaceImpl::run_disconnect_handlers(Socket& socket, DisconnectReason reason) {
    try {
        if (disconnect_handler) {
            disconnect_handler(socket, reason);
        } else if (class_handler) {
            class_handler->on_disconnect(socket, reason);
        }
    } catch (...) {
        server.logs.handler_errors.error("disconnect handler of {} threw: {}",
                                         sio::detail::printable(name_),
                                         exception_text(std::current_exception()));
    }
}

void NamespaceImpl::dispatch_event(const std::shared_ptr<SocketImpl>& socket, json&& data,
                                   std::optional<std::uint64_t> ack_id) {
    if (!data.is_array() || data.empty()) return;  // the parser rejects these already
    // The name is moved out and the arguments shifted down in place: moving a json is a copy of
    // 16 bytes, cheaper than a fresh array's allocation.
    auto& elements = data.get_ref<json::array_t&>();
    std::string event = elements[0].is_string() ? std::move(elements[0].get_ref<std::string&>())
                                                : elements[0].dump();
    elements.erase(elements.begin());
    EventArgs args(data);
    dispatch(socket, std::move(event), args, ack_id);
}

void NamespaceImpl::dispatch_event(const std::shared_ptr<SocketImpl>& socket, std::string event,
                                   std::string_view args_text,
                                   std::optional<std::uint64_t> ack_id) {
    json storage;
    EventArgs args(storage, args_text, &protocol::read_deferred_args);
    dispatch(socket, std::move(event), args, ack_id);
}

void NamespaceImpl::dispatch(const std::shared_ptr<SocketImpl>& socket, std::string event,
                             EventArgs& args, std::optional<std::uint64_t> ack_id) {
    if (server.workers) {
        auto it = events.find(event);
        if (it == events.end() || !it->second.coroutine) {
            boost::asio::post(*server.workers,
                              [self = shared_from_this(), socket, event = std::move(event),
                               array = std::move(args.array()), ack_id]() mutable {
                                  EventArgs posted(array);
                                  self->run_event(socket, std::move(event), posted, ack_id);
                              });
            return;
        }
    }
    run_event(socket, std::move(event), args, ack_id);
}

void NamespaceImpl::run_event(const std::shared_ptr<SocketImpl>& socket, std::string event,
                              EventArgs& args, std::optional<std::uint64_t> ack_id) {
    Socket handle(socket);
    auto it = events.find(event);
    try {
        if (any_handler) any_handler(handle, event, ArgsAccess::make(args, 0));
        if (it != events.end() && it->second.coroutine) {
            json& array = args.array();
            json args_copy = array;  // for the error handler: the coroutine owns `array`
            spawn_handler(socket, it->second.coroutine(handle, std::move(array), ack_id),
                          std::move(event), std::move(args_copy), ack_id);
            return;
        }
        AckArgs ack;
        if (it != events.end()) {
            ack = it->second.sync(handle, args, ack_id);
        } else if (class_handler &&
                   class_handler->dispatch(handle, event, args.array(),
                                           ResponderAccess::make(socket, ack_id))) {
        } else if (catch_all.coroutine) {
            // Built before spawn_handler's arguments, which move `event` and `args` away.
            auto coroutine = catch_all.coroutine(handle, event, args.array(), ack_id);
            spawn_handler(socket, std::move(coroutine), std::move(event), std::move(args.array()),
                          ack_id);
            return;
        } else if (catch_all) {
            ack = catch_all.sync(handle, event, args.array(), ack_id);
        } else {
            server.logs.unhandled.debug("socket {}: no handler for event '{}' in {}", socket->sid,
                                        sio::detail::printable(event),
                                        sio::detail::printable(name_));
        }
        if (ack && ack_id) socket->send_ack(*ack_id, ack);
        if (!args.deferred()) destroy_shallow(args.array());  // what the handler left of them
    } catch (...) {
        handle_error(handle, event, args.array(), std::current_exception());
    }
}

void NamespaceImpl::spawn_handler(const std::shared_ptr<SocketImpl>& socket,
                                  boost::asio::awaitable<AckArgs> handler, std::string event,
                                  json args, std::optional<std::uint64_t> ack_id) {
    boost::asio::co_spawn(socket->executor(), std::move(handler),
                          [socket, event = std::move(event), args = std::move(args), ack_id](
                              std::exception_ptr error, AckArgs ack) {
                              if (error) {
                                  Socket h(socket);
                                  socket->ns->handle_error(h, event, args, error);
                              } else if (ack && ack_id) {
                                  socket->send_ack(*ack_id, ack);
                              }
                          });
}

void NamespaceImpl::handle_error(Socket& socket, const std::string& event, const json& args,
                                 std::exception_ptr error) {
    const auto& handler = error_handler ? error_handler : server.default_error_handler;
    if (handler) {
        try {
            handler(socket, event, args, error);
            return;
        } catch (...) {
            server.logs.handler_errors.error("error handler of {} threw: {}",
                                             sio::detail::printable(name_),
                                             exception_text(std::current_exception()));
        }
    }
    try {
        std::rethrow_exception(error);
    } catch (const ArgumentError&) {
        // The client's mistake, not the server's: below error level.
        server.logs.invalid_arguments.info("socket {}: event '{}' in {}: {}; ignored", socket.sid(),
                                           sio::detail::printable(event),
                                           sio::detail::printable(name_), exception_text(error));
    } catch (...) {
        server.logs.handler_errors.error(
            "handler of event '{}' in {} (socket {}) threw: {}", sio::detail::printable(event),
            sio::detail::printable(name_), socket.sid(), exception_text(error));
    }
}

void NamespaceImpl::check_event_name(std::string_view event) {
    if (protocol::is_reserved_event_name(event)) {
        throw std::system_error(make_error_code(error::reserved_event),
                                "\"" + std::string(event) + "\" is a reserved event name");
    }
}

json NamespaceImpl::event_data(std::string_view event, json args) {
    if (!args.is_array()) args = json::array({std::move(args)});
    args.insert(args.begin(), json(event));
    return args;
}

}  // namespace socketio::detail
