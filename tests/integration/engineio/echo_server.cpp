#include "echo_server.hpp"

#include "support/environment.hpp"
#include "support/json_lines.hpp"

namespace enginetest {

EchoServer::EchoServer(engineio::ServerOptions options) : secure_(options.tls.has_value()) {
    if (options.path == engineio::ServerOptions{}.path) options.path = "/engine.io/";
    if (options.threads == 0) options.threads = 2;
    server_ = std::make_unique<engineio::Server>(std::move(options));
    server_->on_connect([this](const engineio::SessionPtr& session) {
        bool refuse = session->request().query_param("refuse") == "1";
        std::lock_guard lock(mutex_);
        if (refuse) {
            ++refused_;
        } else {
            SessionRecord& record = sessions_[session->sid()];
            record.transport_at_connect = std::string(session->transport());
            record.request = session->request();
            record.connected_at = std::chrono::steady_clock::now();
            order_.push_back(session->sid());
        }
        changed_.notify_all();
        return !refuse;
    });
    server_->on_message([this](const engineio::SessionPtr& session, std::string_view data,
                               bool binary) { on_message(session, data, binary); });
    server_->on_disconnect(
        [this](const engineio::SessionPtr& session, engineio::DisconnectReason reason) {
            std::lock_guard lock(mutex_);
            SessionRecord& record = sessions_[session->sid()];
            record.reason = reason;
            record.transport_at_disconnect = std::string(session->transport());
            record.disconnected_at = std::chrono::steady_clock::now();
            ++disconnects_;
            changed_.notify_all();
        });
    server_->listen("127.0.0.1", 0);
    server_->start();
    // After start(): creating the thread orders everything start() wrote (the loop threads'
    // vector) before the stopper's stop(); a client's request reaches the stopper only through
    // the kernel, which ThreadSanitizer cannot see.
    stopper_ = std::thread([this] { stopper(); });
}

EchoServer::~EchoServer() {
    {
        std::lock_guard lock(mutex_);
        quitting_ = true;
        changed_.notify_all();
    }
    stopper_.join();
    server_->stop();
}

void EchoServer::on_message(const engineio::SessionPtr& session, std::string_view data,
                            bool binary) {
    {
        std::lock_guard lock(mutex_);
        sessions_[session->sid()].messages.push_back({std::string(data), binary});
        changed_.notify_all();
    }
    if (binary || !data.starts_with("cmd:")) {
        session->send(binary ? engineio::Message::binary(std::string(data))
                             : engineio::Message::text(std::string(data)));
        return;
    }
    std::string_view command = data.substr(4);
    auto argument = [&] {
        auto colon = command.find(':');
        return colon == std::string_view::npos ? 0
                                               : std::stoul(std::string(command.substr(colon + 1)));
    };
    if (command.starts_with("burst:")) {
        for (unsigned long i = 0, n = argument(); i < n; ++i) {
            session->send(engineio::Message::text("m" + std::to_string(i)));
        }
    } else if (command.starts_with("big:")) {
        session->send(engineio::Message::text(std::string(argument(), 'x')));
    } else if (command == "close") {
        server_->close(session->sid());
    } else if (command == "stop") {
        std::lock_guard lock(mutex_);
        stop_requested_ = true;
        changed_.notify_all();
    }
}

// Server::stop() from a thread of our own, as an application would call it.
void EchoServer::stopper() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return stop_requested_ || quitting_; });
    if (quitting_) return;
    lock.unlock();
    server_->stop();
    lock.lock();
    stopped_ = true;
    changed_.notify_all();
}

std::string EchoServer::base_url() const {
    return std::string(secure_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port()) +
           server_->options().path;
}

std::vector<std::string> EchoServer::connected() const {
    std::lock_guard lock(mutex_);
    return order_;
}

int EchoServer::refused() const {
    std::lock_guard lock(mutex_);
    return refused_;
}

SessionRecord EchoServer::record(const std::string& sid) const {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(sid);
    return it == sessions_.end() ? SessionRecord{} : it->second;
}

bool EchoServer::has_session(const std::string& sid) const {
    std::lock_guard lock(mutex_);
    return sessions_.contains(sid);
}

std::size_t EchoServer::disconnect_count() const {
    std::lock_guard lock(mutex_);
    return disconnects_;
}

std::optional<engineio::DisconnectReason> EchoServer::wait_for_disconnect(
    const std::string& sid, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] {
        auto it = sessions_.find(sid);
        return it != sessions_.end() && it->second.reason.has_value();
    });
    auto it = sessions_.find(sid);
    return it == sessions_.end() ? std::nullopt : it->second.reason;
}

std::vector<Received> EchoServer::wait_for_messages(const std::string& sid, std::size_t count,
                                                    std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] {
        auto it = sessions_.find(sid);
        return it != sessions_.end() && it->second.messages.size() >= count;
    });
    auto it = sessions_.find(sid);
    return it == sessions_.end() ? std::vector<Received>{} : it->second.messages;
}

bool EchoServer::wait_for_stopped(std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return stopped_; });
}

std::string EchoServer::wait_for_connect(std::size_t index,
                                         std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] { return order_.size() > index; });
    return order_.size() > index ? order_[index] : std::string{};
}

std::unique_ptr<siotest::Process> EchoServer::start_script(
    const std::string& script, const std::string& scenario,
    const std::vector<std::string>& params) const {
    siotest::ProcessOptions options{
        .argv = {siotest::node_executable(), siotest::js_path("engineio/" + script + ".mjs"),
                 base_url(), scenario},
        .cwd = siotest::js_dir()};
    options.argv.insert(options.argv.end(), params.begin(), params.end());
    return std::make_unique<siotest::Process>(options);
}

siotest::ProcessResult EchoServer::run_script(const std::string& script,
                                              const std::string& scenario,
                                              const std::vector<std::string>& params,
                                              std::vector<std::pair<std::string, std::string>> env,
                                              std::chrono::milliseconds timeout) const {
    std::vector<std::string> args{base_url(), scenario};
    args.insert(args.end(), params.begin(), params.end());
    return siotest::run_node_script("engineio/" + script + ".mjs", args, timeout, std::move(env));
}

std::vector<std::string> reported_sids(const siotest::ProcessResult& result) {
    std::vector<std::string> sids;
    for (const auto& line : siotest::json_events(result.out, "open")) {
        sids.push_back(line.value("sid", std::string{}));
    }
    return sids;
}

}  // namespace enginetest
