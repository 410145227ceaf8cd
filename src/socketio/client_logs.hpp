#pragma once
// socketio::detail::ClientLogs — every log line of the Socket.IO layer a client can cause, with a
// budget per kind (sio::detail::RateLimitedLog).

#include <exception>
#include <memory>
#include <string>

#include <spdlog/logger.h>

#include "common/rate_limited_log.hpp"

namespace socketio::detail {

/// One budget per kind of line: at most 20 lines per 10 s each, then one line counting the
/// suppressed ones, so a client repeating a mistake (or connecting in a loop) cannot flood the
/// log. A client's own mistakes log at info or debug; only the server's code failing (a handler
/// that throws) logs at error. Strings a client chose go through sio::detail::printable().
struct ClientLogs {
    explicit ClientLogs(const std::shared_ptr<spdlog::logger>& log)
        : connections(log, "socketio connections"),
          invalid_packets(log, "socketio invalid packets"),
          invalid_arguments(log, "socketio invalid arguments"),
          unhandled(log, "socketio unhandled packets"),
          handler_errors(log, "socketio handler errors") {}

    /// Sockets connecting and leaving, connections without CONNECT (info).
    sio::detail::RateLimitedLog connections;
    /// Undecodable packets, packets in the wrong state (info).
    sio::detail::RateLimitedLog invalid_packets;
    /// Event arguments a typed handler cannot take (info).
    sio::detail::RateLimitedLog invalid_arguments;
    /// Events without a handler, ACKs nobody waits for (debug).
    sio::detail::RateLimitedLog unhandled;
    /// A handler, ack callback or error handler threw (error).
    sio::detail::RateLimitedLog handler_errors;
};

/// What an exception says, for a log line: its what() escaped and cut (sio::detail::printable), or
/// a note that it is no std::exception.
inline std::string exception_text(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        return sio::detail::printable(e.what(), 256);
    } catch (...) {
        return "(not a std::exception)";
    }
}

}  // namespace socketio::detail
