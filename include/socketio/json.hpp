#pragma once
// socketio::json — the payload value type — and the conversions between it and application types.

#include <string_view>
#include <type_traits>
#include <utility>

#include <nlohmann/json.hpp>

namespace socketio {

/// Every event argument, ack argument, auth payload and session is a socketio::json:
/// nlohmann::ordered_json, so an object keeps its keys in the order they were sent or inserted
/// (as JSON.parse and Python dicts do) and a relayed `{"t":…, "p":…}` reaches the other clients as
/// it was sent. It converts to and from nlohmann::json both ways; application types convert
/// through a `to_json`/`from_json` written for either of the two (so the NLOHMANN_DEFINE_TYPE_*
/// macros, which name nlohmann::json, work as they are).
using json = nlohmann::ordered_json;

/// A binary argument: `s.emit("file", socketio::binary(bytes))` sends it as a binary attachment.
/// Incoming binary arguments arrive as json binary values (`j.is_binary()`, `j.get_binary()`).
inline json binary(std::string_view bytes) {
    return json::binary(json::binary_t::container_type(bytes.begin(), bytes.end()));
}

/// A value socketio::json can be made from: json itself, what nlohmann converts to it, or a type
/// whose to_json takes nlohmann::json.
template <class T>
concept JsonConvertible =
    std::is_constructible_v<json, const T&> || std::is_constructible_v<nlohmann::json, const T&>;

/// The value as socketio::json (through nlohmann::json when T's to_json is written for that).
template <JsonConvertible T>
json to_json_value(T&& value) {
    if constexpr (std::is_constructible_v<json, T&&>) {
        return json(std::forward<T>(value));
    } else {
        return json(nlohmann::json(std::forward<T>(value)));
    }
}

}  // namespace socketio
