#pragma once
// The thin template layer: turns a user's lambda into one type-erased callable at registration.
// Nothing here runs per frame except the erased call itself.

#include <exception>
#include <functional>
#include <new>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include <boost/asio/awaitable.hpp>

#include "socketio/ack.hpp"
#include "socketio/error.hpp"
#include "socketio/json.hpp"

namespace socketio {

class Socket;
enum class DisconnectReason;

namespace detail {

// --- erased handler types ------------------------------------------------------------------------

/// An event handler: gets the event's arguments (a JSON array, without the name) and returns the
/// ack arguments (a JSON array). Exactly one of the two is set.
struct EventHandler {
    std::function<json(Socket&, json& args)> sync;
    std::function<boost::asio::awaitable<json>(Socket, json args)> coroutine;
    explicit operator bool() const noexcept { return sync || coroutine; }
};
/// A catch-all handler: also gets the event name. Exactly one of the two is set.
struct CatchAllHandler {
    std::function<json(Socket&, const std::string& event, json& args)> sync;
    std::function<boost::asio::awaitable<json>(Socket, std::string event, json args)> coroutine;
    explicit operator bool() const noexcept { return sync || coroutine; }
};
/// Returns false (or throws ConnectionRefused) to refuse.
using ConnectHandler = std::function<bool(Socket&, const json& auth)>;
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
struct callable_traits<R(A...)> : callable_traits<R (*)(A...)> {};

template <class T, class = void>
struct has_callable_traits : std::false_type {};
template <class T>
struct has_callable_traits<T, std::void_t<typename callable_traits<T>::args>> : std::true_type {};

template <class... T>
using first_t = std::tuple_element_t<0, std::tuple<T...>>;

/// True when the first of Args is an ack callback (selects Socket::emit_with_ack's overload).
template <class... Args>
struct starts_with_ack_callback : std::false_type {};
template <class First, class... Rest>
struct starts_with_ack_callback<First, Rest...>
    : std::bool_constant<std::is_invocable_v<const First&, std::error_code, json>> {};

template <class Tuple>
struct tuple_tail;
template <class H, class... T>
struct tuple_tail<std::tuple<H, T...>> {
    using type = std::tuple<T...>;
};

template <class T>
struct is_awaitable : std::false_type {};
template <class T, class E>
struct is_awaitable<boost::asio::awaitable<T, E>> : std::true_type {
    using value_type = T;
};

template <class T>
struct is_tuple : std::false_type {};
template <class... T>
struct is_tuple<std::tuple<T...>> : std::true_type {};

/// A parameter type a handler may take for one event argument.
template <class P>
concept EventParameter = std::is_same_v<std::decay_t<P>, json> || requires(const json& j) {
    j.template get<std::decay_t<P>>();
};

template <class Tuple>
struct all_event_parameters;
template <class... P>
struct all_event_parameters<std::tuple<P...>> : std::bool_constant<(EventParameter<P> && ...)> {};

/// F(Socket&, P...) with every P an event parameter.
template <class F>
constexpr bool is_event_handler() {
    using D = std::decay_t<F>;
    if constexpr (!has_callable_traits<D>::value) {
        return false;
    } else {
        using Args = typename callable_traits<D>::args;
        if constexpr (std::tuple_size_v<Args> == 0) {
            return false;
        } else if constexpr (!std::is_same_v<std::tuple_element_t<0, Args>, Socket&>) {
            return false;
        } else {
            return all_event_parameters<typename tuple_tail<Args>::type>::value;
        }
    }
}

// --- arguments and results -----------------------------------------------------------------------

/// The arguments of an emit as one JSON array.
template <class... Args>
json make_args(const Args&... args) {
    json array = json::array();
    (array.push_back(to_json_value(args)), ...);
    return array;
}

/// A handler's return value as ack arguments (always an array).
template <class R>
json to_ack_args(R&& value) {
    using D = std::decay_t<R>;
    if constexpr (std::is_same_v<D, Ack>) {
        return std::forward<R>(value).args;
    } else if constexpr (is_tuple<D>::value) {
        return std::apply([](auto&&... v) { return make_args(v...); }, std::forward<R>(value));
    } else {
        json array = json::array();
        array.push_back(to_json_value(std::forward<R>(value)));
        return array;
    }
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

/// Argument `index`, or null when the client sent fewer. Arguments are not moved out, so the error
/// handler still sees them.
inline json& arg_at(json& args, std::size_t index) {
    if (index < args.size()) return args[index];
    thread_local json missing;
    missing = nullptr;
    return missing;
}

template <class P>
typename param_storage<P>::type convert_arg(json& args, std::size_t index) {
    using D = std::decay_t<P>;
    if constexpr (std::is_reference_v<typename param_storage<P>::type> || std::is_same_v<D, json>) {
        return arg_at(args, index);
    } else {
        // Whatever a conversion of the client's data throws (nlohmann's type_error, a user
        // from_json's own exception) is the client's mistake.
        try {
            return arg_at(args, index).template get<D>();
        } catch (const std::bad_alloc&) {
            throw;
        } catch (const std::exception& e) {
            throw ArgumentError(index, e.what());
        }
    }
}

template <class... P, std::size_t... I>
std::tuple<typename param_storage<P>::type...> convert_args(json& args, std::tuple<P...>*,
                                                            std::index_sequence<I...>) {
    return std::tuple<typename param_storage<P>::type...>{convert_arg<P>(args, I)...};
}
template <class Params>
auto convert_all(json& args) {
    return convert_args(args, static_cast<Params*>(nullptr),
                        std::make_index_sequence<std::tuple_size_v<Params>>{});
}

template <class F>
EventHandler make_event_handler(F f) {
    static_assert(is_event_handler<F>(),
                  "an event handler is callable as (socketio::Socket&, P...) where each P is json "
                  "or a type with from_json");
    using Traits = callable_traits<std::decay_t<F>>;
    using Params = typename tuple_tail<typename Traits::args>::type;
    using R = typename Traits::result;
    EventHandler handler;
    if constexpr (is_awaitable<R>::value) {
        using T = typename is_awaitable<R>::value_type;
        // `auto` keeps Socket (incomplete here) a dependent type until the user's call site.
        handler.coroutine = [f = std::move(f)](auto socket,
                                               json args) -> boost::asio::awaitable<json> {
            // Missing arguments become nulls in this frame's own array: arg_at's thread_local
            // stand-in must not be referred to across a suspension (another handler on this
            // thread resets it).
            if (!args.is_array()) args = json::array();
            while (args.size() < std::tuple_size_v<Params>) args.push_back(nullptr);
            auto params = convert_all<Params>(args);
            if constexpr (std::is_void_v<T>) {
                co_await std::apply([&](auto&... p) { return f(socket, p...); }, params);
                co_return json::array();
            } else {
                co_return to_ack_args(
                    co_await std::apply([&](auto&... p) { return f(socket, p...); }, params));
            }
        };
    } else {
        handler.sync = [f = std::move(f)](Socket& socket, json& args) mutable -> json {
            auto params = convert_all<Params>(args);
            if constexpr (std::is_void_v<R>) {
                std::apply([&](auto&... p) { f(socket, p...); }, params);
                return json::array();
            } else {
                return to_ack_args(std::apply([&](auto&... p) { return f(socket, p...); }, params));
            }
        };
    }
    return handler;
}

/// A value a handler may return: void, Ack, a tuple, or anything json can be built from.
template <class R>
constexpr bool is_ack_result() {
    using D = std::decay_t<R>;
    return std::is_void_v<D> || std::is_same_v<D, Ack> || is_tuple<D>::value || JsonConvertible<D>;
}

/// F(Socket&, const std::string& event, json& args) returning an ack result, or an awaitable of
/// one (a coroutine catch-all). True exactly when make_catch_all_handler<F> compiles, so that
/// Namespace::on(), which instantiates every branch, never picks this path for an event handler
/// whose parameters happen to fit this shape.
template <class F>
constexpr bool is_catch_all_handler() {
    if constexpr (!std::is_invocable_v<F&, Socket&, const std::string&, json&>) {
        return false;
    } else {
        using R = std::invoke_result_t<F&, Socket&, const std::string&, json&>;
        if constexpr (is_awaitable<R>::value) {
            return is_ack_result<typename is_awaitable<R>::value_type>();
        } else {
            return is_ack_result<R>();
        }
    }
}
template <class F>
CatchAllHandler make_catch_all_handler(F f) {
    static_assert(
        is_catch_all_handler<F>(),
        "a catch-all handler is callable as (socketio::Socket&, const std::string& event, "
        "json& args) and returns void, an ack value, or an awaitable of one");
    using R = std::invoke_result_t<F&, Socket&, const std::string&, json&>;
    CatchAllHandler handler;
    if constexpr (is_awaitable<R>::value) {
        using T = typename is_awaitable<R>::value_type;
        // The frame owns the event name and the arguments: the user's coroutine may refer to them
        // until it finishes. `auto` keeps Socket (incomplete here) dependent.
        handler.coroutine = [f = std::move(f)](auto socket, std::string event,
                                               json args) -> boost::asio::awaitable<json> {
            if constexpr (std::is_void_v<T>) {
                co_await f(socket, std::as_const(event), args);
                co_return json::array();
            } else {
                co_return to_ack_args(co_await f(socket, std::as_const(event), args));
            }
        };
    } else {
        handler.sync = [f = std::move(f)](Socket& socket, const std::string& event,
                                          json& args) mutable -> json {
            if constexpr (std::is_void_v<R>) {
                f(socket, event, args);
                return json::array();
            } else {
                return to_ack_args(f(socket, event, args));
            }
        };
    }
    return handler;
}

/// F(Socket&) or F(Socket&, const json& auth), returning void or bool.
template <class F>
constexpr bool is_connect_handler() {
    if constexpr (std::is_invocable_v<F&, Socket&, const json&>) {
        using R = std::invoke_result_t<F&, Socket&, const json&>;
        return std::is_void_v<R> || std::is_same_v<R, bool>;
    } else if constexpr (std::is_invocable_v<F&, Socket&>) {
        using R = std::invoke_result_t<F&, Socket&>;
        return std::is_void_v<R> || std::is_same_v<R, bool>;
    } else {
        return false;
    }
}
template <class F>
ConnectHandler make_connect_handler(F f) {
    return [f = std::move(f)](Socket& socket, const json& auth) mutable -> bool {
        if constexpr (std::is_invocable_v<F&, Socket&, const json&>) {
            if constexpr (std::is_void_v<std::invoke_result_t<F&, Socket&, const json&>>) {
                f(socket, auth);
                return true;
            } else {
                return f(socket, auth);
            }
        } else {
            if constexpr (std::is_void_v<std::invoke_result_t<F&, Socket&>>) {
                f(socket);
                return true;
            } else {
                return f(socket);
            }
        }
    };
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
    return [f = std::move(f)](Socket& socket, DisconnectReason reason) mutable {
        if constexpr (std::is_invocable_v<F&, Socket&, DisconnectReason>) {
            f(socket, reason);
        } else {
            f(socket);
        }
    };
}

}  // namespace detail
}  // namespace socketio
