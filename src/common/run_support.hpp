#pragma once
// What run() of engineio::Server and socketio::Server share (ServerOptions::run: handle_signals
// and listening): the stop signals and the URL announced. Header-only; Asio's signal_set, whose
// code is compiled once in sio_asio like the rest of Asio.

#include <csignal>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/system/error_code.hpp>

namespace sio::detail {

/// SIGINT and SIGTERM caught for run(), through Asio's signal_set on one of the server's loops
/// (Asio's own C handler only wakes that loop; no code of ours runs in a signal handler).
/// `on_signal(number)` runs on that loop, once, for the first signal; it must not block the loop
/// (it wakes run()'s thread, which stops the server: stop() joins the loops, so a loop cannot run
/// it). A signal whose disposition is SIG_IGN when this is made is left ignored: a shell starts a
/// script's background jobs with SIGINT ignored, nohup ignores SIGHUP, and Python's interpreter
/// keeps an inherited SIG_IGN too. Destroying the object (or release()) restores the default
/// action of the signals it caught (what Asio does when the last signal_set lets go of a signal).
///
/// Thread safety: make, release and destroy on one thread; on_signal runs on the loop.
class StopSignals {
  public:
    StopSignals(const boost::asio::any_io_executor& loop, std::function<void(int)> on_signal)
        : signals_(loop) {
        for (const int number : {SIGINT, SIGTERM}) {
            struct sigaction current {};
            if (::sigaction(number, nullptr, &current) == 0 && current.sa_handler == SIG_IGN) {
                continue;
            }
            boost::system::error_code ec;
            signals_.add(number, ec);  // fails only without a signal to add; nothing to undo
        }
        signals_.async_wait(
            [on_signal = std::move(on_signal)](const boost::system::error_code& ec, int number) {
                if (!ec) on_signal(number);  // operation_aborted: released before any signal came
            });
    }
    ~StopSignals() { release(); }
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

    /// Stops catching: from now on the signals have their default action again.
    void release() {
        boost::system::error_code ec;
        signals_.clear(ec);
        signals_.cancel(ec);
    }

  private:
    boost::asio::signal_set signals_;
};

/// "SIGINT", "SIGTERM" (for the log line of a stop by signal).
inline std::string_view signal_name(int number) {
    switch (number) {
        case SIGINT:
            return "SIGINT";
        case SIGTERM:
            return "SIGTERM";
        default:
            return "a signal";
    }
}

/// The URL a server listening on `host`:`port` answers on, as ServerOptions::run.listening gets it:
/// "http://127.0.0.1:5000", "https://localhost:8443", "http://[::1]:5000".
inline std::string listening_url(std::string_view host, std::uint16_t port, bool tls) {
    std::string url = tls ? "https://" : "http://";
    const bool ipv6 = host.find(':') != std::string_view::npos;
    if (ipv6) url += '[';
    url += host;
    if (ipv6) url += ']';
    url += ':';
    url += std::to_string(port);
    return url;
}

}  // namespace sio::detail
