#include "binary.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <string>

using socketio::json;

void install_binary(socketio::Server& io) {
    // Shared by handlers that run on several loops at once: guarded.
    struct Store {
        std::mutex mutex;
        std::map<std::string, json::binary_t> files;
    };
    auto store = std::make_shared<Store>();

    // A binary argument arrives as a json binary value (from a Buffer, ArrayBuffer, Blob, bytes).
    io.on("upload", [store](socketio::Socket&, const std::string& name, const json& bytes) {
        if (!bytes.is_binary()) return json{{"error", "expected binary data"}};
        std::lock_guard lock(store->mutex);
        store->files[name] = bytes.get_binary();
        return json{{"size", bytes.get_binary().size()}};
    });
    // A json binary value in an ack or an emit goes out as a binary attachment.
    io.on("download", [store](socketio::Socket&, const std::string& name) {
        std::lock_guard lock(store->mutex);
        auto it = store->files.find(name);
        return it == store->files.end() ? json(nullptr) : json::binary(it->second);
    });
    io.on("reverse", [](socketio::Socket& s, const json& bytes) {
        if (!bytes.is_binary()) return;
        const auto& in = bytes.get_binary();
        s.emit("reversed", socketio::binary(std::string(in.rbegin(), in.rend())));
    });
}
