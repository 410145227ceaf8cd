// The cluster's wire formats: python-socketio's JSON messages (Node's: node_format.cpp).

#include "cluster_format.hpp"

#include "pickle.hpp"

#include <algorithm>
#include <stdexcept>

namespace socketio::cluster {

namespace {

/// JSON has no bytes: nlohmann writes a binary value as {"bytes": [0…255…], "subtype": null}.
bool has_binary(const json& value) {
    if (value.is_binary()) return true;
    if (!value.is_structured()) return false;
    for (const auto& item : value) {
        if (has_binary(item)) return true;
    }
    return false;
}

/// Turns nlohmann's form of binary values back into binary (nesting is bounded by the parse).
void restore_binary(json& value) {
    if (value.is_object()) {
        auto bytes = value.find("bytes");
        auto subtype = value.find("subtype");
        if (value.size() == 2 && bytes != value.end() && bytes->is_array() &&
            subtype != value.end() && (subtype->is_null() || subtype->is_number_unsigned())) {
            json::binary_t::container_type data;
            data.reserve(bytes->size());
            bool all_bytes = true;
            for (const auto& b : *bytes) {
                if (!b.is_number_unsigned() || b.get<std::uint64_t>() > 255) {
                    all_bytes = false;
                    break;
                }
                data.push_back(static_cast<std::uint8_t>(b.get<std::uint64_t>()));
            }
            if (all_bytes) {
                value = subtype->is_null()
                            ? json::binary(std::move(data))
                            : json::binary(std::move(data), subtype->get<std::uint8_t>());
                return;
            }
        }
        for (auto& item : value) restore_binary(item);
    } else if (value.is_array()) {
        for (auto& item : value) restore_binary(item);
    }
}

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
        //
        // A message with binary values (an emit's bytes) is marked "cpp_binary": our servers turn
        // nlohmann's {"bytes": […], "subtype": null} back into binary; python servers, which
        // cannot publish bytes in JSON either, see those objects.
        if (has_binary(message)) {
            json marked = message;
            marked["cpp_binary"] = true;
            payload = marked.dump(-1, ' ', false, json::error_handler_t::replace);
            return true;
        }
        payload = message.dump(-1, ' ', false, json::error_handler_t::replace);
        return true;
    }

    std::optional<json> decode(std::string_view, std::string_view payload,
                               std::string& error) const override {
        std::size_t first = payload.find_first_not_of(" \t\r\n");
        if (first != std::string_view::npos && payload[first] == '{') {
            auto message = parse_bounded(payload, 64, error);
            if (message && message->is_object()) {
                auto marked = message->find("cpp_binary");
                if (marked != message->end() && *marked == true) restore_binary(*message);
            }
            return message;
        }
        if (!decode_payload_) {
            // What python-socketio's RedisManager published before it switched to JSON (Debian's
            // 5.7.2): pickle.dumps(message), read here as plain data only.
            std::vector<std::string> tuples;
            auto decoded = adapters::decode_pickle(payload, error, {}, &tuples);
            if (decoded && !decoded->is_object()) {
                error = "a pickle that is not a dict";
                return std::nullopt;
            }
            // python delivers an emit's tuple `data` as several arguments (a list as one): the
            // schema's "cpp_args" says the same (JSON emitters lose the tuple, as in python).
            if (decoded && std::find(tuples.begin(), tuples.end(), "data") != tuples.end()) {
                (*decoded)["cpp_args"] = true;
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
            return std::make_unique<PythonFormat>(options);
    }
    // A value cast from a number, or a format of a newer header than this library.
    throw std::invalid_argument("socketio: ClusterFormat " +
                                std::to_string(static_cast<int>(options.format)) +
                                " is not a wire format of this build");
}

}  // namespace socketio::cluster
