#pragma once
// The handlers of the class_namespace example (see main.cpp).

#include <memory>
#include <mutex>

#include "socketio/namespace.hpp"
#include "socketio/server.hpp"

/// A shared counter as a class-based namespace (python-socketio's socketio.Namespace): each
/// method bound to an event, the connect and disconnect handlers as overrides.
///   "increment" (by = 1) → the new value, acked and broadcast to the namespace as "count".
///   "get"                → acks the value.
/// On connect the client gets "count" (value) and everyone else "visitors" (number connected).
class CounterNamespace : public socketio::NamespaceHandler {
  public:
    CounterNamespace();
    bool on_connect(socketio::Socket& socket, const socketio::json& auth) override;
    void on_disconnect(socketio::Socket& socket, socketio::DisconnectReason reason) override;

    long increment(socketio::Socket& socket, const socketio::json& by);
    long get(socketio::Socket& socket);

  private:
    // Handlers of one namespace run on several loops at once: the state is guarded.
    std::mutex mutex_;
    long value_ = 0;
    long visitors_ = 0;
};

/// Registers a CounterNamespace as "/counter".
std::shared_ptr<CounterNamespace> install_class_namespace(socketio::Server& io);
