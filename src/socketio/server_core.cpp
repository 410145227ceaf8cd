// ServerCore (the engineio::Handler): options, namespaces, connection life (the connect timeout),
// stop and background tasks.

#include "server_core.hpp"

#include <array>
#include <atomic>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>

#include "client.hpp"
#include "namespace_impl.hpp"
#include "socket_impl.hpp"

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

std::shared_ptr<const protocol::Parser> make_parser(const ServerOptions& options) {
    const protocol::ParserLimits limits{.max_attachments = options.limits.max_attachments,
                                        .max_values = options.limits.max_values_per_packet};
    switch (options.parser) {
        case Parser::msgpack:
            return protocol::msgpack_parser(limits);
        case Parser::json:
            break;
    }
    return protocol::json_parser(limits);
}

engineio::Message to_message(protocol::Frame& frame) {
    return frame.binary ? engineio::Message::binary(std::move(frame.data))
                        : engineio::Message::text(std::move(frame.data));
}

}  // namespace

bool running_in(const boost::asio::any_io_executor& executor) noexcept {
    if (auto* ex = executor.target<boost::asio::io_context::executor_type>()) {
        return ex->running_in_this_thread();
    }
    return false;
}

namespace {

/// The buffers of RecycledText. One is free when the ring's reference is its last (every message
/// made of it is gone). A few are probed from a moving cursor; if none is free, a new buffer takes
/// the place of the one at the cursor (whose messages keep that one until they are done).
constexpr std::size_t recycled_slots = 32;
constexpr int recycled_probes = 4;
constexpr std::size_t max_recycled_capacity = 4096;

struct RecycledRing {
    std::array<std::shared_ptr<std::string>, recycled_slots> buffers;
    std::size_t next = 0;
};

}  // namespace

RecycledText::RecycledText() {
    thread_local RecycledRing ring;
    for (int probe = 0; probe < recycled_probes; ++probe) {
        auto& slot = ring.buffers[ring.next];
        ring.next = (ring.next + 1) % recycled_slots;
        if (!slot) slot = std::make_shared<std::string>();
        if (slot.use_count() == 1) {
            // Only the ring holds it, and only this thread copies it. The last other owner's
            // release (an acq_rel decrement) must happen before our writes: the fence after
            // reading its count makes it so by the standard; the copy's increment (acq_rel in
            // libstdc++) reads from that decrement, which ThreadSanitizer sees.
            buffer_ = slot;
            std::atomic_thread_fence(std::memory_order_acquire);
            buffer_->clear();
            slot_ = &slot;
            return;
        }
    }
    auto& slot = ring.buffers[ring.next];
    ring.next = (ring.next + 1) % recycled_slots;
    slot = std::make_shared<std::string>();
    buffer_ = slot;
    slot_ = &slot;
}

engineio::Message RecycledText::message() && {
    if (buffer_->capacity() > max_recycled_capacity) slot_->reset();
    return engineio::Message::text(std::move(buffer_));
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

ServerCore::ServerCore(ServerOptions opts, std::vector<boost::asio::any_io_executor> loop_list)
    : options(std::move(opts)),
      loops(std::move(loop_list)),
      parser(make_parser(options)),
      log(make_logger(options.logger)),
      logs(log),
      background_(log) {
    if (options.handlers.async) {
        worker_threads = options.handlers.threads
                             ? options.handlers.threads
                             : std::max(1u, std::thread::hardware_concurrency());
        workers = std::make_unique<boost::asio::thread_pool>(worker_threads);
    }
}

ServerCore::~ServerCore() {
    begin_stop();
    close_adapters();
    join_background_tasks();
    if (workers) workers->join();
    for (auto& ns : all_namespaces()) {
        ns->drop_sockets();
        ns->clear_handlers();
    }
}

std::shared_ptr<NamespaceImpl> ServerCore::find_namespace(std::string_view name) const {
    std::shared_lock lock(namespaces_mutex_);
    auto it = namespaces_.find(name);
    return it == namespaces_.end() ? nullptr : it->second;
}

std::shared_ptr<NamespaceImpl> ServerCore::get_namespace(std::string_view name) {
    if (auto ns = find_namespace(name)) return ns;
    // The adapter factory and the adapter's init() are the application's code (a cluster adapter
    // starts its driver): made outside the lock, and ready before any other thread can see it.
    auto ns = std::make_shared<NamespaceImpl>(std::string(name), *this);
    ns->init_adapter();
    {
        std::unique_lock lock(namespaces_mutex_);
        auto [it, inserted] = namespaces_.try_emplace(std::string(name), ns);
        if (inserted && !adapters_closed_) return ns;
        if (!inserted) {
            auto winner = it->second;
            lock.unlock();
            ns->adapter->close();  // another thread made it first: ours never served
            return winner;
        }
    }
    ns->adapter->close();  // made while the server stopped: it joins no cluster any more
    return ns;
}

void ServerCore::close_adapters() {
    {
        std::unique_lock lock(namespaces_mutex_);
        if (adapters_closed_) return;
        adapters_closed_ = true;
    }
    for (auto& ns : all_namespaces()) ns->adapter->close();
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
    std::string text;
    if (parser->encode_text(packet, text)) {
        return std::make_shared<const std::vector<engineio::Message>>(
            1, engineio::Message::text(std::move(text)));
    }
    auto frames = parser->encode(packet);
    auto messages = std::make_shared<std::vector<engineio::Message>>();
    messages->reserve(frames.size());
    for (auto& frame : frames) messages->push_back(to_message(frame));
    return messages;
}

void ServerCore::send(engineio::Session& session, const protocol::Packet& packet) const {
    if (RecycledText text; parser->encode_text(packet, text.text())) {
        session.send(std::move(text).message());
        return;
    }
    auto frames = parser->encode(packet);
    if (frames.size() == 1) {  // the msgpack parser's one binary message
        session.send(to_message(frames.front()));
        return;
    }
    std::vector<engineio::Message> messages;
    messages.reserve(frames.size());
    for (auto& frame : frames) messages.push_back(to_message(frame));
    session.send(std::move(messages));
}

/// The decoder of the clients of this thread that need none of their own. A packet is whole in
/// one message unless it has binary attachments, so one decoder a thread serves every client
/// between packets; a client holds one only while its packet waits for attachments (~64 bytes
/// of every connection's memory otherwise). Keyed by the parser (the decoder's type and limits
/// come from it): a thread serving two servers remakes it when they take turns.
thread_local ServerCore::ThreadDecoder ServerCore::thread_decoder_slot;

bool ServerCore::owns_thread_decoder_slot() const noexcept {
    const auto& owner = thread_decoder_slot.parser;
    return !owner.owner_before(parser) && !parser.owner_before(owner) && !owner.expired();
}

protocol::Decoder& ServerCore::thread_decoder() {
    ThreadDecoder& slot = thread_decoder_slot;
    if (!slot.decoder || !owns_thread_decoder_slot()) {
        slot.decoder = parser->make_decoder();
        // An event's arguments are built only when a handler reads them (EventArgs): an echo
        // relays the client's text.
        slot.decoder->defer_event_args(true);
        slot.parser = parser;
    }
    return *slot.decoder;
}

bool ServerCore::on_connect(const engineio::SessionPtr& session) {
    if (stopping()) return false;
    auto client = std::make_shared<Client>(*this, session);
    session->user_data = client;
    // Node's connectTimeout: a connection that joins no namespace in time is closed.
    client->connect_timer->expires_after(options.connect.timeout);
    client->connect_timer->async_wait([weak = std::weak_ptr<Client>(client)](auto ec) {
        if (ec) return;
        auto c = weak.lock();
        if (c && !c->closed && c->sockets.empty()) {
            c->server.logs.connections.info(
                "connection {} sent no CONNECT within the connect timeout; closing",
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
    std::unique_ptr<protocol::Decoder>& own = client->decoder;
    auto packet = own ? own->feed(data, binary, ec) : thread_decoder().feed(data, binary, ec);
    if (!own) {
        // A packet that waits for attachments stays with its client, in the decoder that holds
        // it; the thread makes a new one when it needs one.
        if (thread_decoder_slot.decoder->awaiting_attachments()) {
            own = std::move(thread_decoder_slot.decoder);
        }
    } else if (!own->awaiting_attachments()) {
        if (!thread_decoder_slot.decoder && owns_thread_decoder_slot()) {
            thread_decoder_slot.decoder = std::move(own);
        } else {
            own.reset();
        }
    }
    if (ec) {
        if (ec == protocol::error::too_many_values) {
            logs.invalid_packets.info(
                "connection {}: invalid packet ({}: over limits.max_values_per_packet = {}); "
                "closing",
                session->sid(), ec.message(), options.limits.max_values_per_packet);
        } else {
            logs.invalid_packets.info("connection {}: invalid packet ({}); closing", session->sid(),
                                      ec.message());
        }
        client->close(DisconnectReason::parse_error);
        return;
    }
    if (packet) client->on_packet(*packet, client);
}

void ServerCore::on_disconnect(const engineio::SessionPtr& session,
                               engineio::DisconnectReason engine_reason) {
    auto client = std::static_pointer_cast<Client>(session->user_data);
    session->user_data.reset();  // breaks the session <-> client cycle
    if (!client) return;
    client->closed = true;
    client->connect_timer.reset();
    const auto reason = client->close_reason.value_or(map_reason(engine_reason));
    auto sockets = std::move(client->sockets);
    client->sockets.clear();
    for (auto& socket : sockets) socket->close(reason, false);
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

void ServerCore::wait_until_stopping() {
    std::unique_lock lock(stop_mutex_);
    stop_cv_.wait(lock, [this] { return stopping_; });
}

bool ServerCore::sleep(std::chrono::milliseconds duration) {
    std::unique_lock lock(stop_mutex_);
    return !stop_cv_.wait_for(lock, duration, [this] { return stopping_; });
}

void ServerCore::start_background_task(std::function<void()> task) {
    background_.start(std::move(task));
}

void ServerCore::join_background_tasks() {
    background_.join();
}

void ServerCore::shutdown_detached() {
    for (auto& ns : all_namespaces()) {
        for (auto& socket : ns->all_sockets()) {
            boost::asio::dispatch(socket->executor(), [socket] {
                auto client = socket->client();
                if (client && !client->closed) {
                    client->close_reason = DisconnectReason::server_shutting_down;
                    client->closed = true;
                    client->connect_timer.reset();
                    auto sockets = std::move(client->sockets);
                    client->sockets.clear();
                    for (auto& s : sockets) s->close(DisconnectReason::server_shutting_down, false);
                    client->session->user_data.reset();
                    client->session->close();
                }
            });
        }
    }
}

}  // namespace socketio::detail
