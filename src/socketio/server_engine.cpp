// socketio::Server over its own engineio::Server.

#include "engineio/server.hpp"

#include "socketio/server.hpp"

#include "server_core.hpp"

namespace socketio {

namespace {
std::vector<boost::asio::any_io_executor> engine_loops(const engineio::Server& engine) {
    std::vector<boost::asio::any_io_executor> loops;
    for (std::size_t i = 0; i < engine.loop_count(); ++i) loops.push_back(engine.loop(i));
    return loops;
}
}  // namespace

Server::Server(ServerOptions options) {
    engine_ = std::make_shared<engineio::Server>(options.engine);
    core_ = std::make_shared<detail::ServerCore>(std::move(options), engine_loops(*engine_));
    core_->owner = this;
    core_->get_namespace("/");
    engine_->set_handler(core_);
    engine_stop_ = [engine = engine_.get()] { engine->stop(); };
}

void Server::listen(std::string_view host, std::uint16_t port) {
    engine().listen(host, port);
}

std::uint16_t Server::port() const {
    if (!engine_) throw std::system_error(make_error_code(error::not_listening));
    return engine_->port();
}

void Server::start() {
    engine().start();
}

void Server::run(std::string_view host, std::uint16_t port) {
    engine().run(host, port);
}

engineio::Server& Server::engine() {
    if (!engine_) throw std::system_error(make_error_code(error::not_listening));
    return *engine_;
}

}  // namespace socketio
