// ServerCore (the engineio::Handler) and Client (one Engine.IO session): connection life, the
// connect timeout, packet routing to namespaces.

#include "core.hpp"

#include <random>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

namespace socketio::detail {

namespace {

std::shared_ptr<spdlog::logger> make_logger(bool verbose) {
    static std::mutex mutex;
    std::lock_guard lock(mutex);
    static bool created_verbose = false;
    auto logger = spdlog::get("socketio");
    if (!logger) {
        logger = spdlog::stderr_color_mt("socketio");
        logger->set_level(spdlog::level::warn);
    }
    created_verbose = created_verbose || verbose;
    // Several servers in one process share the logger: switching it on is never undone here.
    if (verbose) {
        logger->set_level(spdlog::level::info);
    } else if (logger->level() == spdlog::level::info && !created_verbose) {
        logger->set_level(spdlog::level::warn);
    }
    return logger;
}

constexpr const char* base64url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

}  // namespace

bool running_in(const boost::asio::any_io_executor& executor) noexcept {
    if (auto* ex = executor.target<boost::asio::io_context::executor_type>()) {
        return ex->running_in_this_thread();
    }
    return false;
}

std::string generate_sid() {
    thread_local std::random_device device;  // getrandom(2) on Linux
    unsigned char bytes[15];
    for (std::size_t i = 0; i < sizeof bytes; i += 3) {
        const auto r = device();
        bytes[i] = static_cast<unsigned char>(r);
        bytes[i + 1] = static_cast<unsigned char>(r >> 8);
        bytes[i + 2] = static_cast<unsigned char>(r >> 16);
    }
    std::string sid;
    sid.reserve(20);
    for (std::size_t i = 0; i < sizeof bytes; i += 3) {
        const unsigned v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
        sid += base64url[(v >> 18) & 63];
        sid += base64url[(v >> 12) & 63];
        sid += base64url[(v >> 6) & 63];
        sid += base64url[v & 63];
    }
    return sid;
}

DisconnectReason map_reason(engineio::DisconnectReason reason) noexcept {
    using E = engineio::DisconnectReason;
    switch (reason) {
        case E::client_close:
        case E::transport_close:
            return DisconnectReason::transport_close;
        case E::transport_error:
        case E::send_queue_full:
            return DisconnectReason::transport_error;
        case E::ping_timeout:
            return DisconnectReason::ping_timeout;
        case E::parse_error:
            return DisconnectReason::parse_error;
        case E::server_shutdown:
            return DisconnectReason::server_shutting_down;
        case E::server_close:
            return DisconnectReason::forced_server_close;
    }
    return DisconnectReason::transport_close;
}

// --- ServerCore
// ------------------------------------------------------------------------------------

ServerCore::ServerCore(ServerOptions opts, std::vector<boost::asio::any_io_executor> loop_list)
    : options(std::move(opts)),
      loops(std::move(loop_list)),
      parser(protocol::json_parser({.max_attachments = options.max_attachments})),
      log(make_logger(options.logger)) {
    if (options.async_handlers) {
        const unsigned n = options.async_handler_threads
                               ? options.async_handler_threads
                               : std::max(1u, std::thread::hardware_concurrency());
        workers = std::make_unique<boost::asio::thread_pool>(n);
    }
}

ServerCore::~ServerCore() {
    begin_stop();
    join_background_tasks();
    if (workers) workers->join();
    for (auto& ns : all_namespaces()) {
        ns->drop_sockets();
        // A handler may hold a handle of its own namespace (a lambda capturing io.of("/x")):
        // drop the handlers so that such a cycle does not outlive the server.
        ns->events.clear();
        ns->connect_handler = {};
        ns->disconnect_handler = {};
        ns->catch_all = {};
        ns->error_handler = {};
        ns->class_handler.reset();
    }
}

std::shared_ptr<NamespaceImpl> ServerCore::find_namespace(std::string_view name) const {
    std::shared_lock lock(namespaces_mutex_);
    auto it = namespaces_.find(name);
    return it == namespaces_.end() ? nullptr : it->second;
}

std::shared_ptr<NamespaceImpl> ServerCore::get_namespace(std::string_view name) {
    if (auto ns = find_namespace(name)) return ns;
    std::unique_lock lock(namespaces_mutex_);
    auto it = namespaces_.find(name);
    if (it != namespaces_.end()) return it->second;
    auto ns = std::make_shared<NamespaceImpl>(std::string(name), *this);
    ns->init_adapter();
    namespaces_.emplace(std::string(name), ns);
    return ns;
}

bool ServerCore::namespace_allowed(std::string_view name) const {
    for (const auto& allowed : options.namespaces) {
        if (allowed == "*" || allowed == name) return true;
    }
    return false;
}

std::vector<std::shared_ptr<NamespaceImpl>> ServerCore::all_namespaces() const {
    std::shared_lock lock(namespaces_mutex_);
    std::vector<std::shared_ptr<NamespaceImpl>> result;
    for (const auto& [name, ns] : namespaces_) result.push_back(ns);
    return result;
}

EncodedPacket ServerCore::encode(const protocol::Packet& packet) const {
    auto frames = parser->encode(packet);
    auto messages = std::make_shared<std::vector<engineio::Message>>();
    messages->reserve(frames.size());
    for (auto& frame : frames) {
        messages->push_back(frame.binary ? engineio::Message::binary(std::move(frame.data))
                                         : engineio::Message::text(std::move(frame.data)));
    }
    return messages;
}

bool ServerCore::on_connect(const engineio::SessionPtr& session) {
    if (stopping()) return false;
    auto client = std::make_shared<Client>(*this, session);
    session->user_data = client;
    // Node's connectTimeout: a connection that joins no namespace in time is closed.
    client->connect_timer.expires_after(options.connect_timeout);
    client->connect_timer.async_wait([weak = std::weak_ptr<Client>(client)](auto ec) {
        if (ec) return;
        auto c = weak.lock();
        if (c && !c->closed && c->sockets.empty()) {
            c->server.log->info("connection {} sent no CONNECT within the connect timeout; closing",
                                c->session->sid());
            c->close(DisconnectReason::forced_server_close);
        }
    });
    return true;
}

void ServerCore::on_message(const engineio::SessionPtr& session, std::string_view data,
                            bool binary) {
    auto client = std::static_pointer_cast<Client>(session->user_data);
    if (!client || client->closed) return;
    std::error_code ec;
    auto packet = client->decoder->feed(data, binary, ec);
    if (ec) {
        log->info("connection {}: invalid packet ({}); closing", session->sid(), ec.message());
        client->close(DisconnectReason::parse_error);
        return;
    }
    if (packet) client->on_packet(std::move(*packet));
}

void ServerCore::on_disconnect(const engineio::SessionPtr& session,
                               engineio::DisconnectReason engine_reason) {
    auto client = std::static_pointer_cast<Client>(session->user_data);
    session->user_data.reset();  // breaks the session <-> client cycle
    if (!client) return;
    client->closed = true;
    client->connect_timer.cancel();
    const auto reason = client->close_reason.value_or(map_reason(engine_reason));
    auto sockets = std::move(client->sockets);
    client->sockets.clear();
    for (auto& [nsp, socket] : sockets) socket->close(reason, false);
}

void ServerCore::begin_stop() {
    {
        std::lock_guard lock(stop_mutex_);
        stopping_ = true;
    }
    stop_cv_.notify_all();
}

bool ServerCore::stopping() const {
    std::lock_guard lock(stop_mutex_);
    return stopping_;
}

bool ServerCore::sleep(std::chrono::milliseconds duration) {
    std::unique_lock lock(stop_mutex_);
    return !stop_cv_.wait_for(lock, duration, [this] { return stopping_; });
}

void ServerCore::start_background_task(std::function<void()> task) {
    std::lock_guard lock(stop_mutex_);
    background_.emplace_back([this, task = std::move(task)] {
        try {
            task();
        } catch (const std::exception& e) {
            log->error("background task failed: {}", e.what());
        } catch (...) {
            log->error("background task failed");
        }
    });
}

void ServerCore::join_background_tasks() {
    std::vector<std::thread> threads;
    {
        std::lock_guard lock(stop_mutex_);
        threads.swap(background_);
    }
    for (auto& t : threads) {
        if (t.get_id() == std::this_thread::get_id()) {
            t.detach();  // stop() from inside a background task
        } else if (t.joinable()) {
            t.join();
        }
    }
}

void ServerCore::shutdown_detached() {
    for (auto& ns : all_namespaces()) {
        for (auto& socket : ns->all_sockets()) {
            boost::asio::dispatch(socket->executor, [socket] {
                auto client = socket->client.lock();
                if (client && !client->closed) {
                    client->close_reason = DisconnectReason::server_shutting_down;
                    client->closed = true;
                    client->connect_timer.cancel();
                    auto sockets = std::move(client->sockets);
                    client->sockets.clear();
                    for (auto& [nsp, s] : sockets)
                        s->close(DisconnectReason::server_shutting_down, false);
                    client->session->user_data.reset();
                    client->session->close();
                }
            });
        }
    }
}

// --- Client
// ----------------------------------------------------------------------------------------

Client::Client(ServerCore& srv, engineio::SessionPtr s)
    : server(srv),
      session(std::move(s)),
      decoder(srv.parser->make_decoder()),
      connect_timer(session->executor()) {}

void Client::send_packet(const protocol::Packet& packet) {
    auto encoded = server.encode(packet);
    if (encoded->size() == 1) {
        session->send((*encoded)[0]);
    } else {
        session->send(std::vector<engineio::Message>(*encoded));
    }
}

void Client::close(DisconnectReason reason) {
    if (closed) return;
    if (!close_reason) close_reason = reason;
    session->close();  // the engine calls on_disconnect, which disconnects the sockets
}

void Client::on_packet(protocol::Packet packet) {
    using protocol::PacketType;
    auto it = sockets.find(packet.nsp);
    if (packet.type == PacketType::connect) {
        if (it == sockets.end()) {
            on_connect_packet(packet);
        } else {
            server.log->debug("connection {}: CONNECT to {} while connected; ignored",
                              session->sid(), packet.nsp);
        }
        return;
    }
    if (it == sockets.end() || packet.type == PacketType::connect_error) {
        // Node's client.ts: a packet for a namespace the client did not join is an invalid state.
        server.log->info("connection {}: packet type {} for namespace {} it did not join; closing",
                         session->sid(), static_cast<int>(packet.type), packet.nsp);
        close(DisconnectReason::forced_server_close);
        return;
    }
    auto socket = it->second;
    switch (packet.type) {
        case PacketType::disconnect:
            sockets.erase(it);
            socket->close(DisconnectReason::client_namespace_disconnect, false);
            break;
        case PacketType::event:
        case PacketType::binary_event:
            socket->ns->dispatch_event(socket, std::move(packet.data), packet.id);
            break;
        case PacketType::ack:
        case PacketType::binary_ack:
            if (packet.id) socket->on_ack(*packet.id, std::move(packet.data));
            break;
        default:
            break;
    }
}

void Client::on_connect_packet(protocol::Packet& packet) {
    std::shared_ptr<NamespaceImpl> ns = server.find_namespace(packet.nsp);
    if (!ns && server.namespace_allowed(packet.nsp)) ns = server.get_namespace(packet.nsp);
    if (!ns) {
        send_packet(make_packet(protocol::PacketType::connect_error, packet.nsp,
                                {{"message", "Invalid namespace"}}));
        return;
    }
    connect_timer.cancel();
    json auth = packet.data.is_object() ? std::move(packet.data) : json::object();
    auto socket = std::make_shared<SocketImpl>(
        generate_sid(), ns, shared_from_this(),
        make_handshake(session->request(), auth, server.options.trust_forwarded_for));
    sockets[packet.nsp] = socket;
    socket->connected = true;
    ns->add_socket(socket);
    Socket handle(socket);
    auto connect_packet = server.encode(
        make_packet(protocol::PacketType::connect, packet.nsp, {{"sid", socket->sid}}));

    auto refuse = [&](json error_data) {
        sockets.erase(packet.nsp);
        socket->connected = false;
        socket->buffering = false;
        socket->connect_buffer.clear();
        ns->remove_socket(socket);
        socket->send_raw(server.encode(
            make_packet(protocol::PacketType::connect_error, packet.nsp, error_data)));
    };

    if (server.options.always_connect) {
        socket->send_raw(connect_packet);
        auto refused = ns->run_connect_handlers(handle, socket->handshake.auth);
        if (refused && socket->connected) {
            sockets.erase(packet.nsp);
            socket->connected = false;
            ns->remove_socket(socket);
            socket->send_raw(
                server.encode(make_packet(protocol::PacketType::disconnect, packet.nsp, nullptr)));
        }
        return;
    }
    socket->buffering = true;
    auto refused = ns->run_connect_handlers(handle, socket->handshake.auth);
    socket->buffering = false;
    if (!socket->connected) return;  // the handler disconnected it itself
    if (refused) {
        refuse(std::move(*refused));
        return;
    }
    socket->send_raw(connect_packet);
    for (auto& buffered : socket->connect_buffer) socket->send_raw(buffered);
    socket->connect_buffer.clear();
    server.log->info("socket {} connected to {} (connection {})", socket->sid, packet.nsp,
                     session->sid());
}

}  // namespace socketio::detail
