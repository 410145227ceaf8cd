// socketio::Server: everything that does not need the Engine.IO server itself (that part is in
// server_engine.cpp, so in-process users and unit tests link without a network stack).

#include "socketio/server.hpp"

#include <stdexcept>

#include "server_core.hpp"

namespace socketio {

Server::Server(ServerOptions options, std::vector<boost::asio::any_io_executor> loops) {
    if (loops.empty()) throw std::invalid_argument("socketio::Server: no event loops");
    core_ = std::make_shared<detail::ServerCore>(std::move(options), std::move(loops));
    core_->owner = this;
    core_->get_namespace("/");
}

Server::~Server() {
    stop();
    core_->join_background_tasks();
    engine_.reset();  // destroys the loops (and their pending tasks) before the namespaces
}

const ServerOptions& Server::options() const noexcept {
    return core_->options;
}

Namespace Server::of(std::string_view nsp) {
    // The wire format ends a namespace at the first ',': such a name would encode into packets
    // no client can decode, and no client CONNECT can name it.
    if (nsp.find(',') != std::string_view::npos) {
        throw std::invalid_argument("socketio: namespace name \"" + std::string(nsp) +
                                    "\" contains ','");
    }
    if (nsp.empty() || nsp.front() != '/')
        return Namespace(core_->get_namespace("/" + std::string(nsp)));
    return Namespace(core_->get_namespace(nsp));
}

Server& Server::register_namespace(std::string_view nsp,
                                   std::shared_ptr<NamespaceHandler> handler) {
    of(nsp).set_handler(std::move(handler));
    return *this;
}

Server& Server::on_error_default(ErrorHandler handler) {
    core_->default_error_handler = std::move(handler);
    return *this;
}

Server& Server::set_session_loader(std::function<json(const Handshake&)> loader) {
    session_loader_ = std::move(loader);
    return *this;
}

namespace {
std::shared_ptr<detail::NamespaceImpl> existing(detail::ServerCore& core, std::string_view nsp) {
    return core.find_namespace(nsp);
}
}  // namespace

std::optional<Socket> Server::socket(std::string_view sid, std::string_view nsp) {
    auto ns = existing(*core_, nsp);
    if (!ns) return std::nullopt;
    return Namespace(ns).socket(sid);
}

bool Server::enter_room(std::string_view sid, std::string room, std::string_view nsp) {
    auto ns = existing(*core_, nsp);
    return ns && Namespace(ns).enter_room(sid, std::move(room));
}

bool Server::leave_room(std::string_view sid, const std::string& room, std::string_view nsp) {
    auto ns = existing(*core_, nsp);
    return ns && Namespace(ns).leave_room(sid, room);
}

void Server::close_room(const std::string& room, std::string_view nsp) {
    if (auto ns = existing(*core_, nsp)) Namespace(ns).close_room(room);
}

std::vector<std::string> Server::rooms(std::string_view sid, std::string_view nsp) {
    auto ns = existing(*core_, nsp);
    return ns ? Namespace(ns).rooms(sid) : std::vector<std::string>{};
}

bool Server::disconnect(std::string_view sid, std::string_view nsp, bool close) {
    auto ns = existing(*core_, nsp);
    return ns && Namespace(ns).disconnect(sid, close);
}

json Server::get_session(std::string_view sid, std::string_view nsp) {
    auto s = socket(sid, nsp);
    return s ? s->get_session() : json::object();
}

bool Server::save_session(std::string_view sid, json session, std::string_view nsp) {
    auto s = socket(sid, nsp);
    if (!s) return false;
    s->save_session(std::move(session));
    return true;
}

bool Server::update_session(std::string_view sid, const std::function<void(json&)>& update,
                            std::string_view nsp) {
    auto s = socket(sid, nsp);
    if (!s) return false;
    s->update_session(update);
    return true;
}

std::string Server::transport(std::string_view sid, std::string_view nsp) {
    auto s = socket(sid, nsp);
    return s ? std::string(s->transport()) : std::string();
}

void Server::stop() {
    core_->begin_stop();
    core_->close_adapters();
    if (engine_stop_) {
        engine_stop_();
        running_ = false;
    } else {
        core_->shutdown_detached();
    }
}

void Server::start_background_task(std::function<void()> task) {
    core_->start_background_task(std::move(task));
}

bool Server::sleep(std::chrono::milliseconds duration) {
    return core_->sleep(duration);
}

std::size_t Server::loop_count() const noexcept {
    return core_->loops.size();
}

boost::asio::any_io_executor Server::loop(std::size_t index) const {
    return core_->loops.at(index);
}

std::shared_ptr<engineio::Handler> Server::engine_handler() const {
    return core_;
}

}  // namespace socketio
