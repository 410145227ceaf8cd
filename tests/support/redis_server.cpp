#include "support/redis_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <chrono>
#include <csignal>
#include <stdexcept>
#include <system_error>

namespace siotest {
namespace {

// A port the kernel just handed out for 127.0.0.1 and released: free unless another process
// grabs it in the moment before redis-server binds it.
std::uint16_t free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::system_error(errno, std::generic_category(), "socket");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof address;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        const int error = errno;
        ::close(fd);
        throw std::system_error(error, std::generic_category(), "bind/getsockname");
    }
    ::close(fd);
    return ntohs(address.sin_port);
}

}  // namespace

std::string RedisServerProcess::executable() {
    for (const char* path : {"/usr/bin/redis-server", "/usr/local/bin/redis-server"}) {
        if (::access(path, X_OK) == 0) return path;
    }
    return {};
}

RedisServerProcess::RedisServerProcess(RedisServerOptions options) : options_(std::move(options)) {
    if (options_.tls) tls_ = make_self_signed_certificate(dir_.path());
}

RedisServerProcess::~RedisServerProcess() {
    if (process_) process_->kill();
}

void RedisServerProcess::start() {
    if (process_) return;
    const std::string program = executable();
    if (program.empty()) throw std::runtime_error("redis-server is not installed");
    if (port_ == 0) port_ = free_port();
    const std::string port = std::to_string(port_);
    std::vector<std::string> argv{
        program, "--bind",    "127.0.0.1",   "--save", "",           "--appendonly", "no",
        "--dir", dir_.path(), "--daemonize", "no",     "--loglevel", "notice"};
    if (options_.tls) {
        argv.insert(argv.end(),
                    {"--port", "0", "--tls-port", port, "--tls-cert-file", tls_->certificate_file,
                     "--tls-key-file", tls_->private_key_file, "--tls-ca-cert-file",
                     tls_->certificate_file, "--tls-auth-clients", "no"});
    } else {
        argv.insert(argv.end(), {"--port", port});
    }
    if (!options_.password.empty()) argv.insert(argv.end(), {"--requirepass", options_.password});
    argv.insert(argv.end(), options_.extra_args.begin(), options_.extra_args.end());
    process_ = std::make_unique<Process>(ProcessOptions{.argv = argv});
    if (!process_->wait_for_line("Ready to accept connections", std::chrono::seconds(10))) {
        const std::string log = process_->out() + process_->err();
        process_->kill();
        process_.reset();
        throw std::runtime_error("redis-server did not start on port " + port + ":\n" + log);
    }
}

void RedisServerProcess::stop() {
    if (!process_) return;
    process_->kill();
    const auto result = process_->wait(std::chrono::seconds(10));
    previous_output_ += result.out + result.err;
    process_.reset();
}

void RedisServerProcess::pause() {
    if (process_) process_->signal(SIGSTOP);
}

void RedisServerProcess::resume() {
    if (process_) process_->signal(SIGCONT);
}

void RedisServerProcess::restart() {
    stop();
    start();
}

std::string RedisServerProcess::url() const {
    std::string url = options_.tls ? "rediss://" : "redis://";
    if (!options_.password.empty()) url += ":" + options_.password + "@";
    return url + "127.0.0.1:" + std::to_string(port_);
}

std::string RedisServerProcess::output() const {
    std::string text = previous_output_;
    if (process_) text += process_->out() + process_->err();
    return text;
}

}  // namespace siotest
