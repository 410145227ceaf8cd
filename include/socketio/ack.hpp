#pragma once
// socketio::Ack and the ack callbacks: acknowledgements in both directions.

#include <functional>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace socketio {

using json = nlohmann::json;

/// Several ack arguments returned from a handler:
///   io.on("sum", [](socketio::Socket&, int a, int b) { return socketio::Ack{a + b, "ok"}; });
/// A handler that returns one value acks with that one argument; `void` acks with no arguments;
/// a std::tuple acks with one argument per element.
struct Ack {
    json args = json::array();  ///< always an array

    Ack() = default;
    template <class... T>
    explicit Ack(T&&... values) : args(array_of(std::forward<T>(values)...)) {}
    /// From an array of arguments as it is.
    static Ack from_array(json array) { return Ack(std::move(array), adopt); }

  private:
    template <class... T>
    static json array_of(T&&... values) {
        constexpr bool convertible = (std::is_constructible_v<json, T&&> && ...);
        static_assert(convertible,
                      "socketio::Ack: every value must convert to json (a json value, or a type "
                      "with to_json)");
        // Without the conversions when they fail: the assertion is then the only error, not the
        // last of a page of nlohmann's candidate constructors.
        if constexpr (convertible) {
            return json::array({json(std::forward<T>(values))...});
        } else {
            return json::array();
        }
    }
    // Takes the array without first building the default empty one (an allocation).
    struct Adopt {};
    static constexpr Adopt adopt{};
    Ack(json array, Adopt) : args(std::move(array)) {}
};

/// The outcome of an emit with ack to one socket. `ec` is empty on success, else
/// error::ack_timeout, error::socket_disconnected or error::too_many_pending_acks; `args` is the
/// array of arguments the client acknowledged with (empty on error).
struct AckResult {
    std::error_code ec;
    json args = json::array();
};

/// Called once with the client's ack: on the socket's event loop (or, for a timeout, on it too).
using AckCallback = std::function<void(std::error_code ec, json args)>;

/// Called once when every recipient of a broadcast acknowledged (ec empty) or the timeout
/// expired (ec == error::ack_timeout; `responses` holds the acks that did arrive). Each response
/// is the array of arguments of one client. Runs on one of the event loops.
using BroadcastAckCallback = std::function<void(std::error_code ec, std::vector<json> responses)>;

}  // namespace socketio
