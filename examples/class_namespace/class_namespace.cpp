#include "class_namespace.hpp"

using socketio::json;

CounterNamespace::CounterNamespace() {
    // The same signatures as lambdas given to on(): typed parameters, the return value is the ack.
    bind("increment", &CounterNamespace::increment);
    bind("get", &CounterNamespace::get);
}

bool CounterNamespace::on_connect(socketio::Socket& socket, const json&) {
    long value = 0, visitors = 0;
    {
        std::lock_guard lock(mutex_);
        value = value_;
        visitors = ++visitors_;
    }
    socket.emit("count", value);
    socket.broadcast().emit("visitors", visitors);
    return true;  // false (or throwing socketio::ConnectionRefused) refuses the client
}

void CounterNamespace::on_disconnect(socketio::Socket& socket, socketio::DisconnectReason) {
    long visitors = 0;
    {
        std::lock_guard lock(mutex_);
        visitors = --visitors_;
    }
    socket.broadcast().emit("visitors", visitors);
}

long CounterNamespace::increment(socketio::Socket& socket, const json& by) {
    long value = 0;
    {
        std::lock_guard lock(mutex_);
        value = value_ += by.is_number_integer() ? by.get<long>() : 1;
    }
    socket.nsp().emit("count", value);  // everyone in "/counter", the sender too
    return value;
}

long CounterNamespace::get(socketio::Socket&) {
    std::lock_guard lock(mutex_);
    return value_;
}

std::shared_ptr<CounterNamespace> install_class_namespace(socketio::Server& io) {
    auto counter = std::make_shared<CounterNamespace>();
    io.register_namespace("/counter", counter);
    return counter;
}
