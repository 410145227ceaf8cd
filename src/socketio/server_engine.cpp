// socketio::Server over its own engineio::Server.

#include "engineio/server.hpp"

#include "socketio/server.hpp"

#include "common/run_support.hpp"
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
    running_ = true;
}

void Server::run(std::string_view host, std::uint16_t port) {
    engineio::Server& engine = this->engine();
    // The engine's run() would stop only the engine: a signal must stop this server (its sockets
    // get "server shutting down", background tasks' sleep() returns false), so this is that run()
    // over the engine's listen() and start(), with the same options.
    const engineio::ServerOptions& options = core_->options.engine;
    engine.listen(host, port);
    // Caught before the URL is announced: whoever reads it may send a signal at once.
    std::optional<sio::detail::StopSignals> signals;
    if (options.run.handle_signals) {
        signals.emplace(engine.loop(0), [core = core_](int signal) {
            core->log->info("{}: stopping", sio::detail::signal_name(signal));
            core->begin_stop();  // wakes this thread below; the loop must not wait for itself
        });
    }
    engine.start();
    running_ = true;
    if (options.run.listening) {
        options.run.listening(
            sio::detail::listening_url(host, engine.port(), options.tls.has_value()));
    }
    core_->wait_until_stopping();  // a signal, or stop() from anywhere
    signals.reset();               // a second Ctrl-C during the drain ends the process
    stop();                        // not on a loop: returns when the loops have drained
}

void Server::handle(boost::asio::ip::tcp::socket&& socket, engineio::HttpRequest&& request,
                    boost::beast::flat_buffer&& already_read) {
    engine().handle(std::move(socket), std::move(request), std::move(already_read));
}

engineio::Server& Server::engine() {
    if (!engine_) throw std::system_error(make_error_code(error::not_listening));
    return *engine_;
}

}  // namespace socketio
