// Node's @socket.io/redis-adapter (8.x, the classic createAdapter(pub, sub)) and
// @socket.io/redis-emitter (5.x) wire format, mapped to and from the adapter's message schema
// (docs/cluster.md). What Node publishes, per namespace <nsp>, with key prefix <key>:
//
//   <key>#<nsp>#  or  <key>#<nsp>#<room>#   a broadcast, msgpack [uid, packet, opts] (the room
//                                           form when exactly one room is addressed); every
//                                           server psubscribes <key>#<nsp>#*
//   <key>-request#<nsp>#                    requests {uid, requestId, type, …}: JSON, or msgpack
//                                           (BROADCAST, which carries the packet)
//   <key>-response#<nsp>#  (or …#<uid>#)    answers {requestId, …}: JSON, or msgpack
//                                           (BROADCAST_ACK)
//
// The number of servers is PUBSUB NUMSUB of the request channel; there is no heartbeat.

#include <cstdint>
#include <stdexcept>

#include "cluster_format.hpp"

namespace socketio::cluster {

namespace {

/// Node's RequestType (lib/index.ts).
enum RequestType : int {
    sockets = 0,
    all_rooms = 1,
    remote_join = 2,
    remote_leave = 3,
    remote_disconnect = 4,
    remote_fetch = 5,
    server_side_emit = 6,
    broadcast = 7,
    broadcast_client_count = 8,
    broadcast_ack = 9,
};

/// socket.io-parser's EVENT and BINARY_EVENT.
constexpr int packet_event = 2;
constexpr int packet_binary_event = 5;

/// npm's redis-emitter publishes with this uid (and none at all on its JSON requests but
/// serverSideEmit): a schema message without host_id is written as it would.
constexpr std::string_view emitter_uid = "emitter";

constexpr std::size_t max_depth = 64;

/// A message whose fields do not have the types Node's would.
struct Invalid : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

bool starts_with(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

/// A room as Node sends it: a string, or a number (Node's rooms may be numbers; ours are the
/// number's decimal text).
std::string room_text(const json& room) {
    if (room.is_string()) return room.get<std::string>();
    if (room.is_number_integer()) return room.dump();
    throw Invalid("a room is neither a string nor an integer");
}

/// Node's rooms / except: an array (absent or null: none).
json room_list(const json& object, const char* key) {
    json rooms = json::array();
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return rooms;
    if (!it->is_array()) throw Invalid(std::string("\"") + key + "\" is not an array");
    for (const auto& room : *it) rooms.push_back(room_text(room));
    return rooms;
}

/// The schema's room fields (python's room / skip_sid: null, one string or a list) as Node's
/// array.
json schema_rooms(const json& message, const char* key) {
    auto it = message.find(key);
    if (it == message.end() || it->is_null()) return json::array();
    if (it->is_string()) return json::array({*it});
    if (it->is_array()) return *it;
    throw Invalid(std::string("\"") + key + "\" is not a room list");
}

const json& field(const json& message, const char* key) {
    auto it = message.find(key);
    if (it == message.end()) throw Invalid(std::string("\"") + key + "\" is missing");
    return *it;
}

std::string string_of(const json& message, const char* key) {
    const json& value = field(message, key);
    if (!value.is_string()) throw Invalid(std::string("\"") + key + "\" is not a string");
    return value.get<std::string>();
}

/// An event array [name, args…] (Node's packet.data, serverSideEmit's data).
const json& event_data(const json& data) {
    if (!data.is_array() || data.empty() || !data[0].is_string()) {
        throw Invalid("the data is not an event array [name, args…]");
    }
    return data;
}

/// notepack.io writes `undefined` as fixext 1 of type 0 (0xd4 0x00 0x00), which nlohmann reads
/// as a one-byte binary with subtype 0; JSON, and so a client, knows it as null.
void undefined_to_null(json& value, std::size_t depth = 0) {
    if (depth > max_depth) return;  // parse_msgpack_bounded bounded it already
    if (value.is_binary()) {
        const auto& bytes = value.get_binary();
        if (bytes.has_subtype() && bytes.subtype() == 0 && bytes.size() == 1 && bytes[0] == 0) {
            value = nullptr;
        }
    } else if (value.is_array() || value.is_object()) {
        for (auto& child : value) undefined_to_null(child, depth + 1);
    }
}

/// The schema's emit arguments (python's `data`: null for none, one argument as it is, several as
/// a list marked cpp_args) → [event, args…].
json event_of_emit(const json& message) {
    json data = json::array({string_of(message, "event")});
    auto it = message.find("data");
    if (it == message.end() || it->is_null()) return data;
    if (message.value("cpp_args", false) && it->is_array()) {
        for (const auto& arg : *it) data.push_back(arg);
    } else {
        data.push_back(*it);
    }
    return data;
}

class NodeFormat final : public WireFormat {
  public:
    explicit NodeFormat(const ClusterOptions& options)
        : key_(options.channel.empty() ? default_channel(options.format) : options.channel),
          broadcast_prefix_(key_ + "#"),
          request_prefix_(key_ + "-request#"),
          response_prefix_(key_ + "-response#") {}

    std::vector<std::string> channels() const override { return {}; }

    Subscriptions namespace_subscriptions(std::string_view nsp,
                                          std::string_view server_id) const override {
        // As RedisAdapter's constructor: the broadcast pattern, the request channel, the shared
        // response channel and this server's own one.
        std::string response = response_channel(nsp);
        return {
            .channels = {request_channel(nsp), response, response + std::string(server_id) + "#"},
            .patterns = {broadcast_channel(nsp) + "*"}};
    }

    std::optional<std::string> server_count_channel(std::string_view nsp) const override {
        return request_channel(nsp);
    }

    bool encode(const json& message, std::string& channel, std::string& payload) const override {
        auto method_it = message.find("method");
        if (method_it == message.end() || !method_it->is_string()) return false;
        const std::string& method = method_it->get_ref<const std::string&>();
        const std::string nsp = namespace_of(message);
        auto host = message.find("host_id");
        const bool has_uid = host != message.end() && host->is_string();
        const json uid = has_uid ? *host : json(emitter_uid);

        auto callback = message.find("callback");
        auto ack_request = message.find("cpp_request_id");
        if (method == "emit" && callback != message.end() && !callback->is_null() &&
            ack_request != message.end() && ack_request->is_string()) {
            // An emit asking for acks (python's callback form, with our request id): Node's
            // broadcast with acks, whose answers carry that id.
            json request = json::object();
            if (has_uid) request["uid"] = uid;
            request["requestId"] = *ack_request;
            request["type"] = broadcast;
            request["packet"] = {
                {"type", packet_event}, {"data", event_of_emit(message)}, {"nsp", nsp}};
            request["opts"] = {{"rooms", schema_rooms(message, "room")},
                               {"except", schema_rooms(message, "skip_sid")},
                               {"flags", json::object()}};
            channel = request_channel(nsp);
            msgpack(request, payload);
            return true;
        }
        if (method == "emit") {
            // [uid, packet, opts] on the broadcast channel, as RedisAdapter.broadcast and the
            // emitter's BroadcastOperator.emit (the emitter's key order: rooms, flags, except).
            // python's `callback` alone has no Node equivalent (no one to answer to): dropped.
            json rooms = schema_rooms(message, "room");
            json packet = {{"type", packet_event}, {"data", event_of_emit(message)}, {"nsp", nsp}};
            json opts = {{"rooms", rooms},
                         {"flags", json::object()},
                         {"except", schema_rooms(message, "skip_sid")}};
            channel = broadcast_channel(nsp);
            if (rooms.size() == 1) channel += rooms[0].get<std::string>() + "#";
            msgpack(json::array({uid, std::move(packet), std::move(opts)}), payload);
            return true;
        }

        channel = request_channel(nsp);
        // Requests: {uid, [requestId,] type, …} as RedisAdapter writes them; the emitter's
        // socketsJoin / socketsLeave / disconnectSockets have no uid.
        json request = json::object();
        if (has_uid) request["uid"] = uid;
        auto with_opts = [&](int type, json rooms, json except) {
            request["type"] = type;
            request["opts"] = {{"rooms", std::move(rooms)}, {"except", std::move(except)}};
        };
        if (method == "enter_room" || method == "leave_room") {
            with_opts(method == "enter_room" ? remote_join : remote_leave,
                      json::array({string_of(message, "sid")}), json::array());
            request["rooms"] = json::array({string_of(message, "room")});
        } else if (method == "close_room") {
            // Node has no close_room: it is in(room).socketsLeave(room).
            const std::string room = string_of(message, "room");
            with_opts(remote_leave, json::array({room}), json::array());
            request["rooms"] = json::array({room});
        } else if (method == "disconnect") {
            with_opts(remote_disconnect, json::array({string_of(message, "sid")}), json::array());
            request["close"] = false;
        } else if (method == "cpp:sockets_join" || method == "cpp:sockets_leave") {
            const bool join = method == "cpp:sockets_join";
            with_opts(join ? remote_join : remote_leave, schema_rooms(message, "rooms"),
                      schema_rooms(message, "except"));
            request["rooms"] = schema_rooms(message, join ? "join" : "leave");
        } else if (method == "cpp:disconnect_sockets") {
            with_opts(remote_disconnect, schema_rooms(message, "rooms"),
                      schema_rooms(message, "except"));
            request["close"] = message.value("close", false);
        } else if (method == "cpp:fetch_sockets") {
            request["requestId"] = string_of(message, "request_id");
            with_opts(remote_fetch, schema_rooms(message, "rooms"),
                      schema_rooms(message, "except"));
        } else if (method == "cpp:fetch_rooms") {
            request["requestId"] = string_of(message, "request_id");
            request["type"] = all_rooms;
        } else if (method == "cpp:server_side_emit") {
            // The emitter's serverSideEmit says uid "emitter".
            request = {{"uid", uid}};
            auto id = message.find("request_id");
            if (id != message.end() && id->is_string()) request["requestId"] = *id;
            request["type"] = server_side_emit;
            request["data"] = event_data(field(message, "data"));
        } else if (method == "cpp:broadcast_ack") {
            // msgpack: the packet may carry binary.
            request["requestId"] = string_of(message, "request_id");
            request["type"] = broadcast;
            request["packet"] = {
                {"type", packet_event}, {"data", event_data(field(message, "data"))}, {"nsp", nsp}};
            request["opts"] = {{"rooms", schema_rooms(message, "rooms")},
                               {"except", schema_rooms(message, "except")},
                               {"flags", json::object()}};
            msgpack(request, payload);
            return true;
        } else {
            return encode_response(method, message, nsp, channel, payload);
        }
        payload = text(request);
        return true;
    }

    std::optional<json> decode(std::string_view channel, std::string_view payload,
                               std::string& error) const override {
        try {
            if (starts_with(channel, request_prefix_)) {
                auto nsp = namespace_in(channel.substr(request_prefix_.size()));
                return decode_request(object_of(payload, error), nsp);
            }
            if (starts_with(channel, response_prefix_)) {
                std::string_view rest = channel.substr(response_prefix_.size());
                if (rest.empty() || rest.back() != '#') throw Invalid("not a response channel");
                rest.remove_suffix(1);
                // <nsp># or <nsp>#<uid>#: the uid is what follows the last '#'.
                std::string_view to;
                if (auto hash = rest.rfind('#'); hash != std::string_view::npos) {
                    to = rest.substr(hash + 1);
                    rest = rest.substr(0, hash);
                }
                return decode_response(object_of(payload, error), std::string(rest), to);
            }
            if (starts_with(channel, broadcast_prefix_)) return decode_broadcast(payload, error);
            error = "not a channel of this cluster";
        } catch (const Invalid& e) {
            if (error.empty()) error = e.what();
        } catch (const json::exception& e) {
            error = e.what();
        }
        return std::nullopt;
    }

  private:
    std::string broadcast_channel(std::string_view nsp) const {
        return broadcast_prefix_ + std::string(nsp) + "#";
    }
    std::string request_channel(std::string_view nsp) const {
        return request_prefix_ + std::string(nsp) + "#";
    }
    std::string response_channel(std::string_view nsp) const {
        return response_prefix_ + std::string(nsp) + "#";
    }

    static std::string namespace_of(const json& message) {
        auto it = message.find("namespace");
        if (it == message.end() || it->is_null()) return "/";
        if (!it->is_string()) throw Invalid("\"namespace\" is not a string");
        return it->get<std::string>();
    }

    static std::string namespace_in(std::string_view rest) {
        if (rest.empty() || rest.back() != '#') throw Invalid("not a request channel");
        rest.remove_suffix(1);
        return std::string(rest);
    }

    static void msgpack(const json& value, std::string& payload) {
        payload.clear();
        json::to_msgpack(value, payload);
    }
    static std::string text(const json& value) {
        // JSON.stringify's form: no spaces, non-ASCII as it is. Invalid UTF-8 (a client's
        // binary-as-text) is replaced rather than thrown.
        return value.dump(-1, ' ', false, json::error_handler_t::replace);
    }

    /// Requests and responses: JSON when the first byte is '{' (as RedisAdapter tells them
    /// apart), else msgpack; an object either way.
    static json object_of(std::string_view payload, std::string& error) {
        std::optional<json> value;
        if (!payload.empty() && payload[0] == '{') {
            value = parse_bounded(payload, max_depth, error);
        } else {
            value = parse_msgpack_bounded(payload, max_depth, error);
        }
        if (!value) throw Invalid(error);
        if (!value->is_object()) throw Invalid("not an object");
        return std::move(*value);
    }

    static int type_of(const json& object) {
        auto it = object.find("type");
        if (it == object.end() || !it->is_number_integer()) {
            throw Invalid("\"type\" is missing or not an integer");
        }
        // Out of int's range: no type of ours (and no narrowing into one).
        const auto type = it->get<std::int64_t>();
        return type < 0 || type > 1000 ? -1 : static_cast<int>(type);
    }

    /// A message the adapter does not act on (skipped silently, as Node skips what it ignores).
    static json ignored(std::string what) { return {{"method", "node:" + std::move(what)}}; }

    static std::optional<json> decode_broadcast(std::string_view payload, std::string& error) {
        auto value = parse_msgpack_bounded(payload, max_depth, error);
        if (!value) return std::nullopt;
        undefined_to_null(*value);
        if (!value->is_array() || value->size() < 2) throw Invalid("not [uid, packet, opts]");
        const json& uid = (*value)[0];
        const json& packet = (*value)[1];
        if (!packet.is_object()) throw Invalid("the packet is not an object");
        const int type = type_of(packet);
        if (type != packet_event && type != packet_binary_event) {
            throw Invalid("the packet is not an EVENT");
        }
        const json& data = event_data(field(packet, "data"));
        json opts = value->size() > 2 ? (*value)[2] : json::object();
        if (opts.is_null()) opts = json::object();
        if (!opts.is_object()) throw Invalid("the options are not an object");
        json message = {{"method", "emit"},
                        {"event", data[0]},
                        {"data", json(data.begin() + 1, data.end())},
                        {"cpp_args", true},
                        {"namespace", packet.contains("nsp") ? packet["nsp"] : json("/")},
                        {"room", room_list(opts, "rooms")},
                        {"skip_sid", room_list(opts, "except")},
                        {"callback", nullptr}};
        // The flags (volatile, compress) are Node's delivery hints; ours deliver every
        // broadcast as a regular packet.
        if (uid.is_string()) message["host_id"] = uid;
        return message;
    }

    /// Node's opts {rooms, except} of a request.
    static void add_opts(json& message, const json& request) {
        auto opts = request.find("opts");
        if (opts == request.end() || !opts->is_object()) throw Invalid("\"opts\" is not an object");
        message["rooms"] = room_list(*opts, "rooms");
        message["except"] = room_list(*opts, "except");
    }

    static json decode_request(json request, const std::string& nsp) {
        undefined_to_null(request);
        const int type = type_of(request);
        json message = json::object();
        auto request_id = [&] {
            const json& id = field(request, "requestId");
            if (!id.is_string()) throw Invalid("\"requestId\" is not a string");
            return id;
        };
        switch (type) {
            case all_rooms:
                message = {{"method", "cpp:fetch_rooms"}, {"request_id", request_id()}};
                break;
            case remote_join:
            case remote_leave: {
                const bool join = type == remote_join;
                if (!request.contains("opts")) {
                    // Older adapters' remoteJoin/remoteLeave: one socket and one room (we do not
                    // send the {requestId} answer they wait for).
                    message = {{"method", join ? "enter_room" : "leave_room"},
                               {"sid", string_of(request, "sid")},
                               {"room", room_text(field(request, "room"))}};
                    break;
                }
                message = {{"method", join ? "cpp:sockets_join" : "cpp:sockets_leave"}};
                add_opts(message, request);
                message[join ? "join" : "leave"] = room_list(request, "rooms");
                break;
            }
            case remote_disconnect: {
                auto close = request.find("close");
                const bool closing = close != request.end() && close->is_boolean() && *close;
                message = {{"method", "cpp:disconnect_sockets"}};
                if (!request.contains("opts")) {
                    message["rooms"] = json::array({string_of(request, "sid")});
                    message["except"] = json::array();
                } else {
                    add_opts(message, request);
                }
                message["close"] = closing;
                break;
            }
            case remote_fetch:
                message = {{"method", "cpp:fetch_sockets"}, {"request_id", request_id()}};
                add_opts(message, request);
                break;
            case server_side_emit: {
                message = {{"method", "cpp:server_side_emit"},
                           {"data", event_data(field(request, "data"))}};
                auto id = request.find("requestId");
                message["request_id"] = id != request.end() && id->is_string() ? *id : json();
                break;
            }
            case broadcast: {
                const json& packet = field(request, "packet");
                if (!packet.is_object()) throw Invalid("the packet is not an object");
                message = {{"method", "cpp:broadcast_ack"},
                           {"data", event_data(field(packet, "data"))},
                           {"request_id", request_id()}};
                add_opts(message, request);
                break;
            }
            case sockets:  // allSockets() of older adapters: not answered
            default:
                return ignored("request type " + std::to_string(type));
        }
        message["namespace"] = nsp;
        auto uid = request.find("uid");
        if (uid != request.end() && uid->is_string()) message["host_id"] = *uid;
        return message;
    }

    static json decode_response(json response, std::string nsp, std::string_view to) {
        undefined_to_null(response);
        auto id = response.find("requestId");
        if (id == response.end() || !id->is_string()) {
            throw Invalid("\"requestId\" is missing or not a string");
        }
        json message = json::object();
        auto type = response.find("type");
        if (type != response.end()) {
            switch (type_of(response)) {
                case broadcast_client_count: {
                    const json& count = field(response, "clientCount");
                    if (!count.is_number_unsigned() && !count.is_number_integer()) {
                        throw Invalid("\"clientCount\" is not a count");
                    }
                    if (count.is_number_integer() && count.get<std::int64_t>() < 0) {
                        throw Invalid("\"clientCount\" is negative");
                    }
                    message = {{"method", "cpp:broadcast_ack_count"},
                               {"count", count.get<std::uint64_t>()}};
                    break;
                }
                case broadcast_ack: {
                    // Node forwards the first argument of each client's ack only.
                    auto packet = response.find("packet");
                    message = {{"method", "cpp:broadcast_ack_response"},
                               {"sid", response.contains("sid") && response["sid"].is_string()
                                           ? response["sid"]
                                           : json("")},
                               {"args",
                                packet == response.end() ? json::array() : json::array({*packet})}};
                    break;
                }
                case server_side_emit: {
                    auto data = response.find("data");
                    message = {
                        {"method", "cpp:server_side_emit_response"},
                        {"args", data == response.end() ? json::array() : json::array({*data})}};
                    break;
                }
                default:
                    return ignored("response type " + std::to_string(type_of(response)));
            }
        } else if (auto list = response.find("sockets"); list != response.end()) {
            if (!list->is_array()) throw Invalid("\"sockets\" is not an array");
            json sockets = json::array();
            for (const auto& s : *list) {
                if (!s.is_object()) return ignored("sockets response");  // SOCKETS: sids only
                json socket = {{"sid", string_of(s, "id")}, {"rooms", room_list(s, "rooms")}};
                if (auto h = s.find("handshake"); h != s.end()) socket["handshake"] = *h;
                if (auto d = s.find("data"); d != s.end()) socket["data"] = *d;
                sockets.push_back(std::move(socket));
            }
            message = {{"method", "cpp:fetch_sockets_response"}, {"sockets", std::move(sockets)}};
        } else if (response.contains("rooms")) {
            message = {{"method", "cpp:fetch_rooms_response"},
                       {"rooms", room_list(response, "rooms")}};
        } else {
            return ignored("response");  // {requestId}: the answer to a per-socket join of old
        }
        message["request_id"] = *id;
        message["namespace"] = std::move(nsp);
        if (!to.empty()) message["to"] = std::string(to);
        return message;
    }

    /// The answers of this server, on the namespace's shared response channel (as RedisAdapter
    /// with its default publishOnSpecificResponseChannel = false: every version reads it).
    bool encode_response(const std::string& method, const json& message, const std::string& nsp,
                         std::string& channel, std::string& payload) const {
        channel = response_channel(nsp);
        json response = json::object();
        if (method == "cpp:fetch_sockets_response") {
            json sockets = json::array();
            for (const auto& s : field(message, "sockets")) {
                sockets.push_back({{"id", string_of(s, "sid")},
                                   {"handshake", s.value("handshake", json::object())},
                                   {"rooms", s.value("rooms", json::array())},
                                   {"data", s.value("data", json::object())}});
            }
            response = {{"requestId", string_of(message, "request_id")},
                        {"sockets", std::move(sockets)}};
        } else if (method == "cpp:fetch_rooms_response") {
            response = {{"requestId", string_of(message, "request_id")},
                        {"rooms", field(message, "rooms")}};
        } else if (method == "cpp:broadcast_ack_count") {
            response = {{"type", broadcast_client_count},
                        {"requestId", string_of(message, "request_id")},
                        {"clientCount", field(message, "count")}};
        } else if (method == "cpp:broadcast_ack_response") {
            // A recipient that left before answering: Node has no message for it (its sender
            // waits for its timeout); any BROADCAST_ACK would count as an answer.
            if (message.value("failed", false)) return false;
            const json& args = field(message, "args");
            response = {{"type", broadcast_ack},
                        {"requestId", string_of(message, "request_id")},
                        {"packet", args.is_array() && !args.empty() ? args[0] : json()}};
            // Ours say who answered (Node reads neither field).
            if (message.contains("sid")) response["sid"] = message["sid"];
            msgpack(response, payload);
            return true;
        } else if (method == "cpp:server_side_emit_response") {
            const json& args = field(message, "args");
            response = {{"type", server_side_emit},
                        {"requestId", string_of(message, "request_id")},
                        {"data", args.is_array() && !args.empty() ? args[0] : json()}};
        } else {
            // cpp:hello / heartbeat / bye (Node counts servers by subscribers), python's
            // callback, and anything newer.
            return false;
        }
        payload = text(response);
        return true;
    }

    std::string key_;
    std::string broadcast_prefix_;
    std::string request_prefix_;
    std::string response_prefix_;
};

}  // namespace

std::optional<json> parse_msgpack_bounded(std::string_view bytes, std::size_t max_depth,
                                          std::string& error) {
    // One pass over the bytes without recursion: every header complete, every declared length
    // within the bytes left, containers nested at most max_depth deep. nlohmann's reader (which
    // recurses) only sees what passed.
    const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
    const std::size_t size = bytes.size();
    std::size_t pos = 0;
    std::vector<std::uint64_t> remaining{1};  // values still to read, per open container
    auto read_be = [&](std::size_t n) {
        std::uint64_t value = 0;
        for (std::size_t i = 0; i < n; ++i) value = (value << 8) | data[pos + i];
        pos += n;
        return value;
    };
    auto fail = [&](const char* what) {
        error = std::string("msgpack: ") + what + " at byte " + std::to_string(pos);
        return std::nullopt;
    };
    while (!remaining.empty()) {
        if (remaining.back() == 0) {
            remaining.pop_back();
            continue;
        }
        --remaining.back();
        if (pos >= size) return fail("truncated");
        const unsigned char head = data[pos++];
        std::uint64_t skip = 0;      // payload bytes after the header
        std::uint64_t children = 0;  // values inside a container
        bool container = false;
        std::size_t length_bytes = 0;
        if (head <= 0x7f || head >= 0xe0 || head == 0xc0 || head == 0xc2 || head == 0xc3) {
            // fixint, negative fixint, nil, false, true
        } else if (head <= 0x8f) {
            container = true;
            children = 2 * std::uint64_t(head & 0x0f);
        } else if (head <= 0x9f) {
            container = true;
            children = head & 0x0f;
        } else if (head <= 0xbf) {
            skip = head & 0x1f;
        } else {
            // clang-format off
            switch (head) {
                case 0xc4: case 0xd9: length_bytes = 1; break;         // bin 8, str 8
                case 0xc5: case 0xda: length_bytes = 2; break;         // bin 16, str 16
                case 0xc6: case 0xdb: length_bytes = 4; break;         // bin 32, str 32
                case 0xc7: length_bytes = 1; skip = 1; break;          // ext 8 (+ its type)
                case 0xc8: length_bytes = 2; skip = 1; break;          // ext 16
                case 0xc9: length_bytes = 4; skip = 1; break;          // ext 32
                case 0xca: skip = 4; break;                            // float 32
                case 0xcb: skip = 8; break;                            // float 64
                case 0xcc: case 0xd0: skip = 1; break;                 // (u)int 8
                case 0xcd: case 0xd1: skip = 2; break;                 // (u)int 16
                case 0xce: case 0xd2: skip = 4; break;                 // (u)int 32
                case 0xcf: case 0xd3: skip = 8; break;                 // (u)int 64
                case 0xd4: skip = 2; break;                            // fixext 1 (+ type)
                case 0xd5: skip = 3; break;                            // fixext 2
                case 0xd6: skip = 5; break;                            // fixext 4
                case 0xd7: skip = 9; break;                            // fixext 8
                case 0xd8: skip = 17; break;                           // fixext 16
                case 0xdc: case 0xde: container = true; length_bytes = 2; break;  // array, map 16
                case 0xdd: case 0xdf: container = true; length_bytes = 4; break;  // array, map 32
                default: return fail("an unused type byte");           // 0xc1
            }
            // clang-format on
        }
        if (length_bytes > 0) {
            if (size - pos < length_bytes) return fail("truncated");
            const std::uint64_t n = read_be(length_bytes);
            if (container) {
                children = (head == 0xde || head == 0xdf) ? 2 * n : n;
            } else {
                skip += n;
            }
        }
        if (container) {
            // Each value takes at least one byte: a count beyond the bytes left is a lie.
            if (children > size - pos) return fail("a container larger than the message");
            if (remaining.size() > max_depth) return fail("nested too deeply");
            remaining.push_back(children);
        } else {
            if (skip > size - pos) return fail("truncated");
            pos += static_cast<std::size_t>(skip);
        }
    }
    if (pos != size) return fail("bytes after the value");
    try {
        return json::from_msgpack(bytes.begin(), bytes.end(), true, true);
    } catch (const json::exception& e) {
        error = std::string("msgpack: ") + e.what();  // a map key that is not a string
    }
    return std::nullopt;
}

std::unique_ptr<WireFormat> make_node_format(const ClusterOptions& options) {
    return std::make_unique<NodeFormat>(options);
}

}  // namespace socketio::cluster
