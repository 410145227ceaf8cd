#pragma once
// A real redis-server for a test: started on a free port of 127.0.0.1 with no persistence, killed
// and restarted on the same port to play an outage, removed with the object.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/tls_cert.hpp"

namespace siotest {

struct RedisServerOptions {
    /// --requirepass: clients must AUTH with it (user "default"). Empty: no password.
    std::string password = {};
    /// TLS only (--tls-port; the plain port is off), with a self-signed certificate for
    /// localhost / 127.0.0.1 made in the server's temp dir (tls_files()); clients are not asked
    /// for certificates.
    bool tls = false;
    /// More arguments for redis-server ("--maxclients", "100").
    std::vector<std::string> extra_args = {};
};

/// Thread safety: one thread at a time.
class RedisServerProcess {
  public:
    /// The path of redis-server, or empty when it is not installed (tests then GTEST_SKIP).
    static std::string executable();

    explicit RedisServerProcess(RedisServerOptions options = {});
    ~RedisServerProcess();
    RedisServerProcess(const RedisServerProcess&) = delete;
    RedisServerProcess& operator=(const RedisServerProcess&) = delete;

    /// Starts it (on a free port the first time, on the same port after stop()) and waits until
    /// it accepts connections; throws std::runtime_error with its output if it does not within
    /// 10 s.
    void start();
    /// Kills it (SIGKILL: a crash, connections reset) and waits for it to be gone.
    void stop();
    /// stop() then start() on the same port.
    void restart();
    /// Freezes it (SIGSTOP): connections stay open and nothing answers — a dead peer whose
    /// kernel still holds the sockets. resume() (SIGCONT) thaws it.
    void pause();
    void resume();
    bool running() const noexcept { return process_ != nullptr; }

    std::uint16_t port() const noexcept { return port_; }
    /// redis://127.0.0.1:PORT (or rediss://), with ":password@" when there is a password.
    std::string url() const;
    /// The certificate the server presents (also the CA to trust); TLS servers only.
    const TlsFiles& tls_files() const { return *tls_; }
    /// The server's output so far (its log).
    std::string output() const;

  private:
    RedisServerOptions options_;
    TempDir dir_;
    std::optional<TlsFiles> tls_;
    std::uint16_t port_ = 0;
    std::unique_ptr<Process> process_;
    std::string previous_output_;
};

}  // namespace siotest
