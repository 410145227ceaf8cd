#pragma once
// socketio::Ack and the ack callbacks: acknowledgements in both directions.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include "socketio/json.hpp"

namespace socketio {

namespace detail {
class SocketImpl;
struct ResponderAccess;
}  // namespace detail

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
        constexpr bool convertible = (JsonConvertible<std::remove_cvref_t<T>> && ...);
        static_assert(convertible,
                      "socketio::Ack: every value must convert to json (a json value, or a type "
                      "with to_json)");
        // Without the conversions when they fail: the assertion is then the only error, not the
        // last of a page of nlohmann's candidate constructors.
        if constexpr (convertible) {
            return json::array({to_json_value(std::forward<T>(values))...});
        } else {
            return json::array();
        }
    }
    // Takes the array without first building the default empty one (an allocation).
    struct Adopt {};
    static constexpr Adopt adopt{};
    Ack(json array, Adopt) : args(std::move(array)) {}
};

/// The ack of one incoming event, answered when the application chooses (Node's ack callback).
/// Take it as a handler's last parameter; the handler then returns void and nothing is acked for
/// it until the responder is called — later, from a coroutine, a timer or another thread:
///
///   io.on("work", [&pool](socketio::Socket&, json job, socketio::Responder respond) {
///       if (!respond.requested()) return;   // the client did not ask for an ack
///       pool.post([job, respond] { respond(compute(job)); });
///   });
///
/// A Responder is a cheap handle; copies share one ack, which goes out at most once (a second
/// call returns false). Never calling it sends no ack (the client's timeout, if any, fires).
///
/// Thread safety: every member is safe from any thread.
class Responder {
  public:
    /// True when the client asked for an ack (its emit had a callback).
    bool requested() const noexcept { return state_ != nullptr; }
    /// Sends the ack with these arguments (each json or anything with to_json; an Args stands for
    /// its arguments). False when no ack was requested, it was already sent, or the socket is gone.
    template <class... T>
    bool operator()(const T&... args) const;
    /// The same with the arguments as one JSON array.
    bool send_args(json args) const;

  private:
    friend struct detail::ResponderAccess;
    struct State {
        std::shared_ptr<detail::SocketImpl> socket;
        std::uint64_t id;
        std::atomic<bool> sent{false};
    };
    explicit Responder(std::shared_ptr<State> state) noexcept : state_(std::move(state)) {}
    std::shared_ptr<State> state_;  // null when no ack was requested
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
