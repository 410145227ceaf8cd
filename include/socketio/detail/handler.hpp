#pragma once
// The thin template layer: turns a user's lambda into one type-erased callable at registration,
// and rejects a lambda that does not fit with a static_assert saying why. Nothing here runs per
// frame except the erased call itself.

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <utility>

#include <boost/asio/awaitable.hpp>

#include "socketio/ack.hpp"
#include "socketio/args.hpp"
#include "socketio/error.hpp"
#include "socketio/json.hpp"

namespace socketio {

class Socket;
enum class DisconnectReason;

namespace detail {

// --- erased handler types ------------------------------------------------------------------------

/// What an event handler hands back: the ack's arguments (an array); or the event's arguments
/// still unbuilt, when the handler returned its Args without reading them (they go back as the
/// client's text); or nothing to ack now (a handler with a Responder, or a catch-all / Args
/// handler returning void).
class AckArgs {
  public:
    AckArgs() = default;
    AckArgs(std::nullopt_t) noexcept {}
    AckArgs(json array) : array_(std::move(array)) {}
    /// The unbuilt arguments of `source` (valid while the event's dispatch runs).
    static AckArgs relay(EventArgs& source) noexcept {
        AckArgs ack;
        ack.relayed_ = &source;
        return ack;
    }

    explicit operator bool() const noexcept { return array_.has_value() || relayed_ != nullptr; }
    /// The arguments' text to relay as is, or nullptr when they are a built array.
    const EventArgs* relayed() const noexcept {
        return relayed_ != nullptr && relayed_->deferred() ? relayed_ : nullptr;
    }
    /// The arguments as an array (built now if they were text). Only when this is true.
    json take() { return array_ ? std::move(*array_) : std::move(relayed_->array()); }

  private:
    std::optional<json> array_;
    EventArgs* relayed_ = nullptr;
};

/// An event handler: gets the event's arguments (a JSON array without the name, maybe still
/// unbuilt) and the ack id the client asked for. Exactly one of the two is set.
struct EventHandler {
    std::function<AckArgs(Socket&, EventArgs& args, std::optional<std::uint64_t> ack_id)> sync;
    std::function<boost::asio::awaitable<AckArgs>(Socket, json args,
                                                  std::optional<std::uint64_t> ack_id)>
        coroutine;
    explicit operator bool() const noexcept { return sync || coroutine; }
};
/// The catch-all: events without a handler of their own; also gets the event name.
struct CatchAllHandler {
    std::function<AckArgs(Socket&, const std::string& event, json& args,
                          std::optional<std::uint64_t> ack_id)>
        sync;
    std::function<boost::asio::awaitable<AckArgs>(Socket, std::string event, json args,
                                                  std::optional<std::uint64_t> ack_id)>
        coroutine;
    explicit operator bool() const noexcept { return sync || coroutine; }
};
/// Sees every event before its handler (Node's onAny); never acks.
using AnyHandler = std::function<void(Socket&, const std::string& event, const Args& args)>;
/// A connect handler or a middleware: false (or ConnectionRefused thrown) refuses.
struct ConnectHandler {
    std::function<bool(Socket&, const json& auth)> sync;
    std::function<boost::asio::awaitable<bool>(Socket, const json& auth)> coroutine;
    explicit operator bool() const noexcept { return sync || coroutine; }
};
using DisconnectHandler = std::function<void(Socket&, DisconnectReason)>;
/// Gets the event name, its arguments and the exception a handler threw.
using ErrorHandler =
    std::function<void(Socket&, const std::string& event, const json& args, std::exception_ptr)>;

// --- callable traits -----------------------------------------------------------------------------

template <class T>
struct callable_traits : callable_traits<decltype(&T::operator())> {};
template <class C, class R, class... A>
struct callable_traits<R (C::*)(A...) const> {
    using result = R;
    using args = std::tuple<A...>;
};
template <class C, class R, class... A>
struct callable_traits<R (C::*)(A...)> : callable_traits<R (C::*)(A...) const> {};
template <class C, class R, class... A>
struct callable_traits<R (C::*)(A...) const noexcept> : callable_traits<R (C::*)(A...) const> {};
template <class C, class R, class... A>
struct callable_traits<R (C::*)(A...) noexcept> : callable_traits<R (C::*)(A...) const> {};
template <class R, class... A>
struct callable_traits<R (*)(A...)> {
    using result = R;
    using args = std::tuple<A...>;
};
template <class R, class... A>
struct callable_traits<R (*)(A...) noexcept> : callable_traits<R (*)(A...)> {};
template <class R, class... A>
struct callable_traits<R(A...)> : callable_traits<R (*)(A...)> {};

/// A function, a function pointer, or a class with one non-template operator() (a lambda that
/// is not generic): what callable_traits can read.
template <class T>
        struct has_callable_traits
    : std::bool_constant < std::is_function_v<std::remove_pointer_t<T>> ||
    requires {
    &T::operator();
} > {};

template <class T>
struct is_awaitable : std::false_type {};
template <class T, class E>
struct is_awaitable<boost::asio::awaitable<T, E>> : std::true_type {
    using value_type = T;
};
/// R, or T for R = awaitable<T>.
template <class R>
struct awaited {
    using type = R;
};
template <class T, class E>
struct awaited<boost::asio::awaitable<T, E>> {
    using type = T;
};

template <class T>
struct is_tuple : std::false_type {};
template <class... T>
struct is_tuple<std::tuple<T...>> : std::true_type {};

template <class>
inline constexpr bool always_false = false;

// --- parameters ----------------------------------------------------------------------------------

template <class P>
inline constexpr bool is_args_param = std::is_same_v<std::remove_cvref_t<P>, Args>;
template <class P>
inline constexpr bool is_responder_param = std::is_same_v<std::remove_cvref_t<P>, Responder>;

/// A parameter that takes one event argument: json, or a type json converts to (from_json).
template <class P>
concept ValueParameter = !is_args_param<P> && !is_responder_param<P> &&
                         (std::is_same_v<std::decay_t<P>, json> ||
                          requires(const json& j) { j.template get<std::decay_t<P>>(); });

/// The first thing wrong with an event handler's signature, if any.
enum class Problem {
    none,
    not_a_plain_callable,
    no_socket_first,
    responder_not_last,
    args_not_after_values,
    bad_parameter,
    responder_with_result,
    bad_result,
};

template <class Params>
struct parameter_layout;
template <class... P>
struct parameter_layout<std::tuple<P...>> {
    static constexpr std::size_t count = sizeof...(P);
    static constexpr bool flags_args[] = {is_args_param<P>..., false};
    static constexpr bool flags_responder[] = {is_responder_param<P>..., false};
    static constexpr bool flags_value[] = {ValueParameter<P>..., false};
    static constexpr bool has_responder = count > 0 && flags_responder[count - 1];
    /// Parameters that take event arguments (all but a trailing Responder).
    static constexpr std::size_t argument_count = has_responder ? count - 1 : count;
    static constexpr bool has_args = argument_count > 0 && flags_args[argument_count - 1];
    /// Typed parameters (before Args).
    static constexpr std::size_t value_count = has_args ? argument_count - 1 : argument_count;

    static constexpr Problem check() {
        for (std::size_t i = 0; i < argument_count; ++i) {
            if (flags_responder[i]) return Problem::responder_not_last;
        }
        for (std::size_t i = 0; i < value_count; ++i) {
            if (flags_args[i]) return Problem::args_not_after_values;
        }
        for (std::size_t i = 0; i < value_count; ++i) {
            if (!flags_value[i]) return Problem::bad_parameter;
        }
        return Problem::none;
    }
};

template <class Tuple>
struct tuple_tail;
template <class H, class... T>
struct tuple_tail<std::tuple<H, T...>> {
    using type = std::tuple<T...>;
};

/// A value a handler may return as its ack: void, Ack, Args, a tuple, or anything json can be
/// built from.
template <class R>
constexpr bool is_ack_result() {
    using D = std::decay_t<R>;
    return std::is_void_v<D> || std::is_same_v<D, Ack> || std::is_same_v<D, Args> ||
           is_tuple<D>::value || JsonConvertible<D>;
}

/// Checks F as an event handler: (Socket&, P…[, Args][, Responder]) → ack result.
template <class F>
constexpr Problem event_handler_problem() {
    using D = std::decay_t<F>;
    if constexpr (!has_callable_traits<D>::value) {
        return Problem::not_a_plain_callable;
    } else {
        using Params = typename callable_traits<D>::args;
        using R = typename callable_traits<D>::result;
        if constexpr (std::tuple_size_v<Params> == 0) {
            return Problem::no_socket_first;
        } else if constexpr (!std::is_same_v<std::tuple_element_t<0, Params>, Socket&>) {
            return Problem::no_socket_first;
        } else {
            using Layout = parameter_layout<typename tuple_tail<Params>::type>;
            constexpr Problem problem = Layout::check();
            if constexpr (problem != Problem::none) {
                return problem;
            } else if constexpr (Layout::has_responder &&
                                 !std::is_void_v<typename awaited<R>::type>) {
                return Problem::responder_with_result;
            } else if constexpr (!is_ack_result<typename awaited<R>::type>()) {
                return Problem::bad_result;
            } else {
                return Problem::none;
            }
        }
    }
}

template <class F>
constexpr bool is_event_handler() {
    return event_handler_problem<F>() == Problem::none;
}

/// The readable error for a handler that does not fit (one static_assert per mistake, so the
/// compiler prints the one that applies).
template <Problem P>
constexpr void report_event_handler_problem() {
    static_assert(
        P != Problem::not_a_plain_callable,
        "socketio: a handler must be a lambda or function with one fixed signature (not a "
        "generic lambda with auto parameters, not an overloaded callable)");
    static_assert(P != Problem::no_socket_first,
                  "socketio: an event handler's first parameter must be socketio::Socket&");
    static_assert(P != Problem::responder_not_last,
                  "socketio: socketio::Responder must be the handler's last parameter");
    static_assert(P != Problem::args_not_after_values,
                  "socketio: socketio::Args must follow every typed parameter (last, or just "
                  "before a Responder)");
    static_assert(P != Problem::bad_parameter,
                  "socketio: each event parameter after socketio::Socket& must be socketio::json, "
                  "a type with from_json, socketio::Args or socketio::Responder");
    static_assert(P != Problem::responder_with_result,
                  "socketio: a handler that takes a socketio::Responder acks through it and must "
                  "return void (or awaitable<void>)");
    static_assert(P != Problem::bad_result,
                  "socketio: a handler returns void, its ack value (json or a type with to_json), "
                  "a std::tuple, socketio::Ack or socketio::Args, or a boost::asio::awaitable of "
                  "one of those");
}

// --- arguments and results -----------------------------------------------------------------------

/// Appends one emit argument to `array`: an Args stands for its arguments.
template <class T>
void append_arg(json& array, const T& value) {
    if constexpr (std::is_same_v<T, Args>) {
        for (const json& element : value) array.push_back(element);
    } else {
        static_assert(JsonConvertible<T>,
                      "socketio: an emitted argument must be socketio::json, a type with to_json "
                      "(for nlohmann::json or socketio::json), or socketio::Args");
        if constexpr (JsonConvertible<T>) array.push_back(to_json_value(value));
    }
}

/// The arguments of an emit as one JSON array.
template <class... T>
json make_args(const T&... args) {
    json array = json::array();
    (append_arg(array, args), ...);
    return array;
}

/// A handler's return value as ack arguments (always an array, or Args' unbuilt text).
template <class R>
AckArgs to_ack_args(R&& value) {
    using D = std::decay_t<R>;
    if constexpr (std::is_same_v<D, Ack>) {
        return std::forward<R>(value).args;
    } else if constexpr (std::is_same_v<D, Args>) {
        if (EventArgs* unbuilt = ArgsAccess::unbuilt(value)) return AckArgs::relay(*unbuilt);
        return ArgsAccess::take(value);
    } else if constexpr (is_tuple<D>::value) {
        return std::apply([](auto&&... v) { return make_args(v...); }, std::forward<R>(value));
    } else {
        json array = json::array();
        array.push_back(to_json_value(std::forward<R>(value)));
        return array;
    }
}

/// What Responder needs from the handler layer.
struct ResponderAccess {
    static Responder make(const std::shared_ptr<SocketImpl>& socket,
                          std::optional<std::uint64_t> ack_id) {
        if (!ack_id) return Responder(nullptr);
        auto state = std::make_shared<Responder::State>();
        state->socket = socket;
        state->id = *ack_id;
        return Responder(std::move(state));
    }
    static std::optional<std::uint64_t> id(const Responder& responder) noexcept {
        if (!responder.state_) return std::nullopt;
        return responder.state_->id;
    }
};
/// The socket's implementation (socket.hpp defines it; Socket is incomplete here).
template <class S>
const std::shared_ptr<SocketImpl>& socket_impl(S& socket) {
    return socket.impl();
}

/// How a handler parameter is held while the handler runs: `const json&` / `json&` refer into the
/// decoded arguments (no copy); anything else is a value converted from them.
template <class P>
struct param_storage {
    using type = std::decay_t<P>;
};
template <>
struct param_storage<const json&> {
    using type = const json&;
};
template <>
struct param_storage<json&> {
    using type = json&;
};

/// The arguments' array (built now if they were text).
inline json& args_array(json& args) noexcept {
    return args;
}
inline json& args_array(EventArgs& args) {
    return args.array();
}

/// Argument `index`, or null when the client sent fewer. Arguments are not moved out, so the error
/// handler still sees them.
inline json& arg_at(json& args, std::size_t index) {
    if (index < args.size()) return args[index];
    thread_local json missing;
    missing = nullptr;
    return missing;
}

template <class P, class A>
typename param_storage<P>::type convert_arg(A& args, std::size_t index) {
    using D = std::decay_t<P>;
    if constexpr (std::is_reference_v<typename param_storage<P>::type> || std::is_same_v<D, json>) {
        return arg_at(args_array(args), index);
    } else {
        // Whatever a conversion of the client's data throws (nlohmann's type_error, a user
        // from_json's own exception) is the client's mistake.
        try {
            return arg_at(args_array(args), index).template get<D>();
        } catch (const std::bad_alloc&) {
            throw;
        } catch (const std::exception& e) {
            throw ArgumentError(index, e.what());
        }
    }
}

/// The value passed for parameter `I` of type P. `args`: json (an array) or EventArgs.
template <class P, std::size_t I, class S, class A>
decltype(auto) make_param(S& socket, A& args, const std::optional<std::uint64_t>& ack_id) {
    if constexpr (is_args_param<P>) {
        return ArgsAccess::make(args, I);
    } else if constexpr (is_responder_param<P>) {
        return ResponderAccess::make(socket_impl(socket), ack_id);
    } else {
        return convert_arg<P>(args, I);
    }
}

template <class S, class A, class... P, std::size_t... I>
auto make_params(S& socket, A& args, const std::optional<std::uint64_t>& ack_id, std::tuple<P...>*,
                 std::index_sequence<I...>) {
    using Stored = std::tuple<std::conditional_t<
        is_args_param<P>, Args,
        std::conditional_t<is_responder_param<P>, Responder, typename param_storage<P>::type>>...>;
    return Stored{make_param<P, I>(socket, args, ack_id)...};
}

/// Runs `f` with the parameters built from `args`; the ack per the handler's kind.
template <class Params, bool AckWhenVoid, class F, class S, class A>
AckArgs call_handler(F& f, S& socket, A& args, const std::optional<std::uint64_t>& ack_id) {
    using Layout = parameter_layout<Params>;
    auto params = make_params(socket, args, ack_id, static_cast<Params*>(nullptr),
                              std::make_index_sequence<Layout::count>{});
    using R = decltype(std::apply([&](auto&... p) { return f(socket, p...); }, params));
    if constexpr (std::is_void_v<R>) {
        std::apply([&](auto&... p) { f(socket, p...); }, params);
        if constexpr (AckWhenVoid && !Layout::has_responder && !Layout::has_args) {
            return json::array();
        } else {
            return std::nullopt;
        }
    } else {
        return to_ack_args(std::apply([&](auto&... p) { return f(socket, p...); }, params));
    }
}

template <class Params, bool AckWhenVoid, class F, class S>
boost::asio::awaitable<AckArgs> co_call_handler(F& f, S& socket, json& args,
                                                std::optional<std::uint64_t> ack_id) {
    using Layout = parameter_layout<Params>;
    auto params = make_params(socket, args, ack_id, static_cast<Params*>(nullptr),
                              std::make_index_sequence<Layout::count>{});
    using R = decltype(std::apply([&](auto&... p) { return f(socket, p...); }, params));
    using T = typename awaited<R>::type;
    if constexpr (std::is_void_v<T>) {
        co_await std::apply([&](auto&... p) { return f(socket, p...); }, params);
        if constexpr (AckWhenVoid && !Layout::has_responder && !Layout::has_args) {
            co_return json::array();
        } else {
            co_return std::nullopt;
        }
    } else {
        // The co_await alone in its statement: GCC 12 mishandles temporaries around a co_await
        // nested in a call's arguments (docs/api.md, "GCC 12").
        T result = co_await std::apply([&](auto&... p) { return f(socket, p...); }, params);
        co_return to_ack_args(std::move(result));
    }
}

/// Makes the erased event handler. A typed handler that returns void acks with no arguments
/// (python-socketio's rule); one that takes Args or a Responder acks only with what it returns or
/// responds.
template <class F>
EventHandler make_event_handler(F f) {
    constexpr Problem problem = event_handler_problem<F>();
    report_event_handler_problem<problem>();
    EventHandler handler;
    if constexpr (problem == Problem::none) {
        using Traits = callable_traits<std::decay_t<F>>;
        using Params = typename tuple_tail<typename Traits::args>::type;
        using R = typename Traits::result;
        if constexpr (is_awaitable<R>::value) {
            // `auto` keeps Socket (incomplete here) a dependent type until the user's call site.
            handler.coroutine = [f = std::move(f)](auto socket, json args,
                                                   std::optional<std::uint64_t> ack_id) mutable
                -> boost::asio::awaitable<AckArgs> {
                // Missing arguments become nulls in this frame's own array: arg_at's thread_local
                // stand-in must not be referred to across a suspension (another handler on this
                // thread resets it).
                if (!args.is_array()) args = json::array();
                if constexpr (parameter_layout<Params>::value_count > 0) {
                    while (args.size() < parameter_layout<Params>::value_count) {
                        args.push_back(nullptr);
                    }
                }
                co_return co_await co_call_handler<Params, true>(f, socket, args, ack_id);
            };
        } else {
            handler.sync = [f = std::move(f)](auto& socket, EventArgs& args,
                                              std::optional<std::uint64_t> ack_id) mutable {
                return call_handler<Params, true>(f, socket, args, ack_id);
            };
        }
    }
    return handler;
}

/// F(Socket&, const std::string& event, Args args[, Responder]): the catch-all. It acks only with
/// what it returns or responds, never by itself.
template <class F>
constexpr bool is_catch_all_handler() {
    using D = std::decay_t<F>;
    if constexpr (!has_callable_traits<D>::value) {
        return false;
    } else {
        using Params = typename callable_traits<D>::args;
        constexpr std::size_t n = std::tuple_size_v<Params>;
        if constexpr (n < 3 || n > 4) {
            return false;
        } else if constexpr (!std::is_same_v<std::tuple_element_t<0, Params>, Socket&> ||
                             !std::is_same_v<std::decay_t<std::tuple_element_t<1, Params>>,
                                             std::string> ||
                             !is_args_param<std::tuple_element_t<2, Params>>) {
            return false;
        } else {
            using R = typename awaited<typename callable_traits<D>::result>::type;
            if constexpr (n == 4) {
                return is_responder_param<std::tuple_element_t<3, Params>> && std::is_void_v<R>;
            } else {
                return is_ack_result<R>();
            }
        }
    }
}
template <class F>
CatchAllHandler make_catch_all_handler(F f) {
    static_assert(is_catch_all_handler<F>(),
                  "socketio: a catch-all handler is callable as (socketio::Socket&, const "
                  "std::string& event, socketio::Args args[, socketio::Responder]) and returns "
                  "void, an ack value, or an awaitable of one (void with a Responder)");
    CatchAllHandler handler;
    if constexpr (is_catch_all_handler<F>()) {
        using Traits = callable_traits<std::decay_t<F>>;
        using Params = typename tuple_tail<typename tuple_tail<typename Traits::args>::type>::type;
        using R = typename Traits::result;
        if constexpr (is_awaitable<R>::value) {
            // The frame owns the event name and the arguments: the user's coroutine may refer to
            // them until it finishes.
            handler.coroutine = [f = std::move(f)](auto socket, std::string event, json args,
                                                   std::optional<std::uint64_t> ack_id) mutable
                -> boost::asio::awaitable<AckArgs> {
                if (!args.is_array()) args = json::array();  // the catch-all takes no typed ones
                auto bound = [&f, &event](auto& s, auto&... p) {
                    return f(s, std::as_const(event), p...);
                };
                co_return co_await co_call_handler<Params, false>(bound, socket, args, ack_id);
            };
        } else {
            handler.sync = [f = std::move(f)](auto& socket, const std::string& event, json& args,
                                              std::optional<std::uint64_t> ack_id) mutable {
                auto bound = [&f, &event](auto& s, auto&... p) { return f(s, event, p...); };
                return call_handler<Params, false>(bound, socket, args, ack_id);
            };
        }
    }
    return handler;
}

/// F(Socket&, const std::string& event, const Args& args) → void: on_any.
template <class F>
constexpr bool is_any_handler() {
    if constexpr (std::is_invocable_v<F&, Socket&, const std::string&, const Args&>) {
        return std::is_void_v<std::invoke_result_t<F&, Socket&, const std::string&, const Args&>>;
    } else {
        return false;
    }
}

/// F(Socket&) or F(Socket&, const json& auth), returning void, bool, or an awaitable of either:
/// a connect handler or a middleware.
template <class F>
constexpr bool is_connect_handler() {
    auto result_fits = []<class R>(std::type_identity<R>) {
        using T = typename awaited<R>::type;
        return std::is_void_v<T> || std::is_same_v<T, bool>;
    };
    if constexpr (std::is_invocable_v<F&, Socket&, const json&>) {
        return result_fits(std::type_identity<std::invoke_result_t<F&, Socket&, const json&>>{});
    } else if constexpr (std::is_invocable_v<F&, Socket&>) {
        return result_fits(std::type_identity<std::invoke_result_t<F&, Socket&>>{});
    } else {
        return false;
    }
}
template <class F>
ConnectHandler make_connect_handler(F f) {
    static_assert(is_connect_handler<F>(),
                  "socketio: a connect handler or middleware is callable as (socketio::Socket&) or "
                  "(socketio::Socket&, const socketio::json& auth) and returns void, bool (false "
                  "refuses) or a boost::asio::awaitable of either; throw "
                  "socketio::ConnectionRefused to refuse with a message and data");
    ConnectHandler handler;
    if constexpr (is_connect_handler<F>()) {
        constexpr bool with_auth = std::is_invocable_v<F&, Socket&, const json&>;
        auto call = [](F& f, auto& socket, const json& auth) -> decltype(auto) {
            if constexpr (with_auth) {
                return f(socket, auth);
            } else {
                return f(socket);
            }
        };
        using R = decltype(call(std::declval<F&>(), std::declval<Socket&>(),
                                std::declval<const json&>()));
        if constexpr (is_awaitable<R>::value) {
            handler.coroutine = [f = std::move(f), call](
                                    auto socket,
                                    const json& auth) mutable -> boost::asio::awaitable<bool> {
                if constexpr (std::is_void_v<typename awaited<R>::type>) {
                    co_await call(f, socket, auth);
                    co_return true;
                } else {
                    co_return co_await call(f, socket, auth);
                }
            };
        } else {
            handler.sync = [f = std::move(f), call](auto& socket, const json& auth) mutable {
                if constexpr (std::is_void_v<R>) {
                    call(f, socket, auth);
                    return true;
                } else {
                    return static_cast<bool>(call(f, socket, auth));
                }
            };
        }
    }
    return handler;
}

/// F(Socket&) or F(Socket&, DisconnectReason), returning void.
template <class F>
constexpr bool is_disconnect_handler() {
    if constexpr (std::is_invocable_v<F&, Socket&, DisconnectReason>) {
        return std::is_void_v<std::invoke_result_t<F&, Socket&, DisconnectReason>>;
    } else if constexpr (std::is_invocable_v<F&, Socket&>) {
        return std::is_void_v<std::invoke_result_t<F&, Socket&>>;
    } else {
        return false;
    }
}
template <class F>
DisconnectHandler make_disconnect_handler(F f) {
    static_assert(is_disconnect_handler<F>(),
                  "socketio: a disconnect handler is callable as (socketio::Socket&) or "
                  "(socketio::Socket&, socketio::DisconnectReason) and returns void");
    if constexpr (is_disconnect_handler<F>()) {
        return [f = std::move(f)](Socket& socket, DisconnectReason reason) mutable {
            if constexpr (std::is_invocable_v<F&, Socket&, DisconnectReason>) {
                f(socket, reason);
            } else {
                f(socket);
            }
        };
    } else {
        return {};
    }
}

}  // namespace detail

template <class... T>
bool Responder::operator()(const T&... args) const {
    return send_args(detail::make_args(args...));
}

}  // namespace socketio
