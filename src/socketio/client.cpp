// Client (one Engine.IO session): packet routing to namespaces, CONNECT handling, the handshake.

#include "client.hpp"

#include <algorithm>

#include <boost/asio/co_spawn.hpp>

#include "engineio/protocol/sid.hpp"
#include "namespace_impl.hpp"
#include "server_core.hpp"
#include "socket_impl.hpp"
#include "socketio/server.hpp"

namespace socketio::detail {

namespace {

/// The connection's part of a handshake: the request (shared with the session), the client
/// address.
Handshake connection_handshake(const engineio::Session& session, bool trust_forwarded_for) {
    Handshake h(session.shared_request());
    const auto& request = h.request();
    h.address = request.remote_address();
    if (trust_forwarded_for) {
        if (auto forwarded = request.header("x-forwarded-for")) {
            auto first = forwarded->substr(0, forwarded->find(','));
            while (!first.empty() && (first.front() == ' ' || first.front() == '\t')) {
                first.remove_prefix(1);
            }
            while (!first.empty() && (first.back() == ' ' || first.back() == '\t')) {
                first.remove_suffix(1);
            }
            if (!first.empty()) h.address = std::string(first);
        }
    }
    return h;
}

}  // namespace

SocketsByNamespace::iterator SocketsByNamespace::find(std::string_view nsp) noexcept {
    return std::find_if(begin(), end(),
                        [nsp](const auto& socket) { return socket->ns->name() == nsp; });
}

void SocketsByNamespace::add(Handle socket) {
    if (size_ == capacity_) {
        const std::uint32_t capacity = capacity_ * 2;
        auto grown = std::make_unique<Handle[]>(capacity);
        std::move(begin(), end(), grown.get());
        release();
        heap_ = grown.release();
        capacity_ = capacity;
    }
    data()[size_++] = std::move(socket);
}

void SocketsByNamespace::swap(SocketsByNamespace& other) noexcept {
    if (on_heap() && other.on_heap()) {
        std::swap(heap_, other.heap_);
    } else if (!on_heap() && !other.on_heap()) {
        std::swap(inline_, other.inline_);
    } else {
        SocketsByNamespace& heap = on_heap() ? *this : other;
        SocketsByNamespace& inline_side = on_heap() ? other : *this;
        Handle* array = heap.heap_;
        new (&heap.inline_) Handle(std::move(inline_side.inline_));
        inline_side.inline_.~Handle();
        inline_side.heap_ = array;
    }
    std::swap(size_, other.size_);
    std::swap(capacity_, other.capacity_);
}

Client::Client(ServerCore& srv, engineio::SessionPtr s)
    : server(srv),
      session(std::move(s)),
      connect_timer(std::make_unique<boost::asio::steady_timer>(session->executor())) {}

void Client::send_packet(const protocol::Packet& packet) {
    server.send(*session, packet);
}

void Client::close(DisconnectReason reason) {
    if (closed) return;
    if (!close_reason) close_reason = reason;
    session->close();  // the engine calls on_disconnect, which disconnects the sockets
}

Handshake Client::make_handshake(json auth) {
    // Cheap for each namespace: the request is shared with the session, not copied.
    Handshake h = connection_handshake(*session, server.options.connect.trust_forwarded_for);
    h.issued = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
    h.auth = std::move(auth);
    return h;
}

void Client::on_packet(protocol::Packet& packet, const std::shared_ptr<Client>& self) {
    using protocol::PacketType;
    auto it = sockets.find(packet.nsp);
    if (packet.type == PacketType::connect && it == sockets.end()) {
        on_connect_packet(packet, self);
        return;
    }
    // Node's client.ts (ondecoded): CONNECT to a namespace the client already joined, CONNECT_ERROR
    // from a client, or any other packet for a namespace it did not join is an invalid state that
    // closes the whole connection ("forced server close").
    if (packet.type == PacketType::connect || packet.type == PacketType::connect_error ||
        it == sockets.end()) {
        server.logs.invalid_packets.info(
            "connection {}: {} for namespace {} {}; closing", session->sid(),
            protocol::to_string(packet.type), sio::detail::printable(packet.nsp),
            it == sockets.end() ? "it did not join" : "it already joined");
        close(DisconnectReason::forced_server_close);
        return;
    }
    auto socket = *it;
    if (socket->connect_pending && packet.type != PacketType::disconnect) {
        // Its connect handlers still run: the client has no CONNECT yet and may send nothing.
        server.logs.invalid_packets.info(
            "connection {}: {} for namespace {} before its CONNECT; "
            "ignored",
            session->sid(), protocol::to_string(packet.type), sio::detail::printable(packet.nsp));
        return;
    }
    switch (packet.type) {
        case PacketType::disconnect:
            sockets.erase(it);
            socket->close(DisconnectReason::client_namespace_disconnect, false);
            break;
        case PacketType::event:
        case PacketType::binary_event:
            if (packet.deferred) {
                socket->ns->dispatch_event(socket, std::string(packet.deferred->name),
                                           packet.deferred->args, packet.id);
            } else {
                socket->ns->dispatch_event(socket, std::move(packet.data), packet.id);
            }
            break;
        case PacketType::ack:
        case PacketType::binary_ack:
            if (packet.id) socket->on_ack(*packet.id, std::move(packet.data));
            break;
        default:
            break;
    }
}

void Client::seed_session(SocketImpl& socket) {
    const auto& loader = server.owner->session_loader_;
    if (!loader) return;
    try {
        json seeded = loader(socket.handshake);
        if (seeded.is_object()) socket.save_session(std::move(seeded));
    } catch (const std::exception& e) {
        server.log->warn("session loader threw for a socket of {}: {}", socket.handshake.address,
                         e.what());
    } catch (...) {
        server.log->warn("session loader threw for a socket of {}", socket.handshake.address);
    }
}

void Client::on_connect_packet(protocol::Packet& packet, const std::shared_ptr<Client>& self) {
    std::shared_ptr<NamespaceImpl> ns = server.find_namespace(packet.nsp);
    if (!ns && server.namespace_allowed(packet.nsp)) ns = server.get_namespace(packet.nsp);
    if (!ns) {
        send_packet(make_packet(protocol::PacketType::connect_error, packet.nsp,
                                {{"message", "Invalid namespace"}}));
        return;
    }
    connect_timer.reset();  // cancels its wait
    json auth = packet.data.is_object() ? std::move(packet.data) : json::object();
    auto socket = std::make_shared<SocketImpl>(engineio::protocol::generate_sid(), ns, session,
                                               make_handshake(std::move(auth)));
    seed_session(*socket);
    sockets.add(socket);
    socket->connected = true;
    ns->add_socket(socket);

    if (server.options.connect.always) {
        send_connect(socket);
    } else {
        // Packets emitted to the socket while its handlers run wait for its CONNECT.
        socket->buffering = true;
    }
    if (!ns->connects_asynchronously()) {
        Socket handle(socket);
        finish_connect(socket, ns->run_connect_handlers(handle, socket->handshake.auth));
        return;
    }
    // With connect.always the client already has its CONNECT: its events and its leaving count.
    socket->connect_pending = !server.options.connect.always;
    boost::asio::co_spawn(
        session->executor(),
        [self, socket, ns]() -> boost::asio::awaitable<void> {
            auto refused =
                co_await ns->co_run_connect_handlers(Socket(socket), socket->handshake.auth);
            socket->connect_pending = false;
            self->finish_connect(socket, std::move(refused));
        },
        [socket](std::exception_ptr error) {
            // co_run_connect_handlers catches what the handlers throw; this is the rest
            // (bad_alloc).
            if (error)
                socket->ns->server.logs.handler_errors.error("connect of socket {} failed: {}",
                                                             socket->sid, exception_text(error));
        });
}

void Client::send_connect(const std::shared_ptr<SocketImpl>& socket) {
    socket->send_raw(server.encode(
        make_packet(protocol::PacketType::connect, socket->ns->name(), {{"sid", socket->sid}})));
}

void Client::finish_connect(const std::shared_ptr<SocketImpl>& socket,
                            std::optional<json> refused) {
    const std::string& nsp = socket->ns->name();
    if (server.options.connect.always) {
        // Already told it is connected: a refusal is a disconnect.
        if (refused && socket->connected) {
            sockets.erase(nsp);
            socket->connected = false;
            socket->ns->remove_socket(socket);
            socket->send_raw(
                server.encode(make_packet(protocol::PacketType::disconnect, nsp, nullptr)));
        }
        return;
    }
    socket->buffering = false;
    if (!socket->connected) {  // the handler disconnected it itself, or the client left
        socket->connect_buffer.reset();
        return;
    }
    if (refused) {
        sockets.erase(nsp);
        socket->connected = false;
        socket->connect_buffer.reset();
        socket->ns->remove_socket(socket);
        socket->send_raw(
            server.encode(make_packet(protocol::PacketType::connect_error, nsp, *refused)));
        return;
    }
    send_connect(socket);
    if (auto buffered = std::move(socket->connect_buffer)) {
        for (auto& packet : *buffered) socket->send_raw(packet);
    }
    server.logs.connections.info("socket {} connected to {} (connection {})", socket->sid,
                                 sio::detail::printable(nsp), session->sid());
}

}  // namespace socketio::detail
