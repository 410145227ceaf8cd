#pragma once
// Templates behind Socket's and Broadcast's emits: the callback-last argument lists, typed ack
// results, and the box of Socket::data<T>().

#include <cstddef>
#include <memory>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "socketio/ack.hpp"
#include "socketio/args.hpp"
#include "socketio/detail/handler.hpp"
#include "socketio/json.hpp"

namespace socketio::detail {

template <class... T>
using last_t = std::tuple_element_t<sizeof...(T) - 1, std::tuple<T...>>;

/// An ack callback for one socket: (std::error_code, json args).
template <class F>
inline constexpr bool is_ack_callback =
    std::is_invocable_v<std::decay_t<F>&, std::error_code, json>;
/// An ack callback for a broadcast: (std::error_code, std::vector<json> responses).
template <class F>
inline constexpr bool is_broadcast_ack_callback =
    std::is_invocable_v<std::decay_t<F>&, std::error_code, std::vector<json>>;

/// (a, b, …, callback) → the arguments as an array, and the callback.
template <class Callback, class... T>
std::pair<json, Callback> split_callback(T&&... all) {
    auto refs = std::forward_as_tuple(std::forward<T>(all)...);
    constexpr std::size_t n = sizeof...(T) - 1;
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
        return std::pair<json, Callback>(make_args(std::get<I>(refs)...),
                                         Callback(std::get<n>(std::move(refs))));
    }
    (std::make_index_sequence<n>{});
}

/// An ack's arguments as Result: its first argument, or one per element of a std::tuple.
template <class Result>
Result ack_as(json& args) {
    const Args view = ArgsAccess::make(args, 0);
    if constexpr (is_tuple<Result>::value) {
        return [&]<std::size_t... I>(std::index_sequence<I...>) {
            return Result{view.template get<std::tuple_element_t<I, Result>>(I)...};
        }
        (std::make_index_sequence<std::tuple_size_v<Result>>{});
    } else {
        return view.template get<Result>(0);
    }
}

template <class Result>
boost::asio::awaitable<Result> convert_ack(boost::asio::awaitable<AckResult> pending) {
    AckResult result = co_await std::move(pending);
    if (result.ec) throw std::system_error(result.ec);
    if (!result.args.is_array()) result.args = json::array();
    co_return ack_as<Result>(result.args);
}

/// A value of any type, owned through a type-erased pointer (Socket::data<T>()).
struct DataBox {
    std::unique_ptr<void, void (*)(void*)> value{nullptr, [](void*) {}};
    const std::type_info* type = nullptr;

    template <class T>
    static DataBox of(T v) {
        return DataBox{std::unique_ptr<void, void (*)(void*)>(
                           new T(std::move(v)), [](void* p) { delete static_cast<T*>(p); }),
                       &typeid(T)};
    }
};

}  // namespace socketio::detail
