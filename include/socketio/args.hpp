#pragma once
// socketio::Args — every argument of an event in one parameter.

#include <cstddef>
#include <iterator>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>

#include "socketio/error.hpp"
#include "socketio/json.hpp"

namespace socketio {

namespace detail {
struct ArgsAccess;
}

/// The arguments of an event, or those after a handler's leading typed parameters (JavaScript's
/// `(...args)` and `(room, ...rest)`):
///
///   io.on("echo", [](socketio::Socket&, socketio::Args args) { return args; });  // acks them all
///   io.on("say", [](socketio::Socket& s, std::string room, socketio::Args rest) {
///       s.to(room).emit("say", rest);  // emits every one of them, not one array
///   });
///
/// An Args is a view of the decoded packet: valid while the handler runs (for a coroutine handler:
/// until it finishes). Keep a copy with array(). Returned from a handler, it is the ack (all its
/// arguments); passed to an emit, it stands for its arguments in place.
class Args {
  public:
    using const_iterator = json::array_t::const_iterator;

    std::size_t size() const noexcept { return array_->size() - first_; }
    bool empty() const noexcept { return size() == 0; }
    /// Argument `i` of these (unchecked); at() throws std::out_of_range.
    const json& operator[](std::size_t i) const noexcept { return elements()[first_ + i]; }
    const json& at(std::size_t i) const {
        if (i >= size())
            throw std::out_of_range("socketio::Args: no argument " + std::to_string(i));
        return (*this)[i];
    }
    /// Argument `i` converted to T (null when absent). A value that does not convert throws
    /// ArgumentError with its position among the event's arguments, like a typed parameter.
    template <class T>
    T get(std::size_t i) const {
        static const json missing;
        const json& value = i < size() ? (*this)[i] : missing;
        try {
            return value.template get<T>();
        } catch (const std::bad_alloc&) {
            throw;
        } catch (const std::exception& e) {
            throw ArgumentError(first_ + i, e.what());
        }
    }
    const_iterator begin() const noexcept { return elements().begin() + static_cast<long>(first_); }
    const_iterator end() const noexcept { return elements().end(); }
    /// A copy of these arguments as a JSON array.
    json array() const { return json(json::array_t(begin(), end())); }

  private:
    friend struct detail::ArgsAccess;
    Args(json& array, std::size_t first) noexcept : array_(&array), first_(first) {}
    const json::array_t& elements() const noexcept {
        return array_->get_ref<const json::array_t&>();
    }

    json* array_;
    std::size_t first_;
};

namespace detail {

/// What the handler layer needs of Args that applications do not.
struct ArgsAccess {
    /// A view of `array` (an array) from element `first` on.
    static Args make(json& array, std::size_t first) noexcept { return Args(array, first); }
    /// The viewed arguments as an array, taken from the packet (the handler is done with them):
    /// the whole array moves without a copy.
    static json take(const Args& args) {
        auto& elements = args.array_->get_ref<json::array_t&>();
        if (args.first_ == 0) return std::move(*args.array_);
        return json(json::array_t(
            std::make_move_iterator(elements.begin() + static_cast<long>(args.first_)),
            std::make_move_iterator(elements.end())));
    }
};

}  // namespace detail
}  // namespace socketio
