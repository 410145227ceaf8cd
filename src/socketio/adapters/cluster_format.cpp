// The cluster's wire formats: python-socketio's JSON messages (Node's: node_format.cpp).

#include "cluster_format.hpp"

#include "pickle.hpp"

#include <stdexcept>

namespace socketio::cluster {

namespace {

/// python-socketio's pub/sub managers: one channel, one JSON object per message
/// (json.dumps(message) in RedisManager._publish; json.loads, or pickle.loads for bytes from
/// older versions, in PubSubManager._thread).
class PythonFormat final : public WireFormat {
  public:
    explicit PythonFormat(const ClusterOptions& options)
        : channel_(options.channel.empty() ? default_channel(options.format) : options.channel),
          decode_payload_(options.decode_payload) {}

    std::vector<std::string> channels() const override { return {channel_}; }

    bool encode(const json& message, std::string& channel, std::string& payload) const override {
        channel = channel_;
        // Invalid UTF-8 in a string (a client's binary-as-text) is replaced rather than thrown:
        // json.loads on the other side accepts only valid UTF-8.
        payload = message.dump(-1, ' ', false, json::error_handler_t::replace);
        return true;
    }

    std::optional<json> decode(std::string_view, std::string_view payload,
                               std::string& error) const override {
        std::size_t first = payload.find_first_not_of(" \t\r\n");
        if (first != std::string_view::npos && payload[first] == '{') {
            return parse_bounded(payload, 64, error);
        }
        if (!decode_payload_) {
            // What python-socketio's RedisManager published before it switched to JSON (Debian's
            // 5.7.2): pickle.dumps(message), read here as plain data only.
            auto decoded = adapters::decode_pickle(payload, error);
            if (decoded && !decoded->is_object()) {
                error = "a pickle that is not a dict";
                return std::nullopt;
            }
            return decoded;
        }
        try {
            return decode_payload_(payload, error);
        } catch (const std::exception& e) {
            error = std::string("payload decoder threw: ") + e.what();
            return std::nullopt;
        }
    }

  private:
    std::string channel_;
    ClusterPayloadDecoder decode_payload_;
};

struct TooDeep : std::runtime_error {
    TooDeep() : std::runtime_error("nested too deeply") {}
};

}  // namespace

std::optional<json> parse_bounded(std::string_view text, std::size_t max_depth,
                                  std::string& error) {
    try {
        json value = json::parse(
            text,
            [max_depth](int depth, json::parse_event_t event, json&) {
                if ((event == json::parse_event_t::object_start ||
                     event == json::parse_event_t::array_start) &&
                    static_cast<std::size_t>(depth) >= max_depth) {
                    throw TooDeep();
                }
                return true;
            },
            true);
        return value;
    } catch (const TooDeep& e) {
        error = e.what();
    } catch (const json::exception& e) {
        error = e.what();
    }
    return std::nullopt;
}

std::string default_channel(ClusterFormat format) {
    switch (format) {
        case ClusterFormat::node_redis_adapter:
            return "socket.io";
        case ClusterFormat::python_socketio:
            break;
    }
    return "socketio";
}

std::unique_ptr<WireFormat> make_wire_format(const ClusterOptions& options) {
    switch (options.format) {
        case ClusterFormat::node_redis_adapter:
            return make_node_format(options);
        case ClusterFormat::python_socketio:
            break;
    }
    return std::make_unique<PythonFormat>(options);
}

}  // namespace socketio::cluster
