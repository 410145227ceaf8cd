#pragma once
// socketio::Args — every argument of an event in one parameter.

#include <cstddef>
#include <iterator>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "socketio/error.hpp"
#include "socketio/json.hpp"

namespace socketio {

namespace detail {
struct ArgsAccess;

/// An event's arguments as the dispatcher holds them: a JSON array, or — until something asks for
/// a value — the JSON text the decoder checked without building it, so that a handler that only
/// hands them back (an echo) has them relayed as they came, never parsed into a tree.
class EventArgs {
  public:
    /// Builds the array from the text (false if it is not one: cannot happen for checked text).
    using Reader = bool (*)(std::string_view text, json& array);

    /// Arguments already decoded: `array` (an array).
    explicit EventArgs(json& array) noexcept : array_(&array) {}
    /// Arguments as `text` (the array's text after its '['), built into `storage` on first use.
    EventArgs(json& storage, std::string_view text, Reader read) noexcept
        : array_(&storage), text_(text), read_(read) {}
    EventArgs(const EventArgs&) = delete;
    EventArgs& operator=(const EventArgs&) = delete;

    /// The array; built now if it was text.
    json& array() {
        if (read_ != nullptr) build();
        return *array_;
    }
    /// The text, while the array was not built.
    bool deferred() const noexcept { return read_ != nullptr; }
    std::string_view text() const noexcept { return text_; }

  private:
    void build() {
        json built;
        if (!read_(text_, built) || !built.is_array()) built = json::array();
        *array_ = std::move(built);
        read_ = nullptr;
    }

    json* array_;
    std::string_view text_;
    Reader read_ = nullptr;  // set while deferred
};
}  // namespace detail

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
/// arguments); passed to an emit, it stands for its arguments in place. The arguments are built
/// when first looked at: a handler that returns its Args without reading them (an echo) acks with
/// the client's own JSON text, never parsed into a tree (JSON parser; sync handlers).
class Args {
  public:
    using const_iterator = json::array_t::const_iterator;

    std::size_t size() const { return elements().size() - first_; }
    bool empty() const { return size() == 0; }
    /// Argument `i` of these (unchecked); at() throws std::out_of_range.
    const json& operator[](std::size_t i) const { return elements()[first_ + i]; }
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
    const_iterator begin() const { return elements().begin() + static_cast<long>(first_); }
    const_iterator end() const { return elements().end(); }
    /// A copy of these arguments as a JSON array.
    json array() const { return json(json::array_t(begin(), end())); }

  private:
    friend struct detail::ArgsAccess;
    Args(json& array, std::size_t first) noexcept : array_(&array), first_(first) {}
    Args(detail::EventArgs& source, std::size_t first) noexcept : source_(&source), first_(first) {}
    json& array_ref() const { return source_ != nullptr ? source_->array() : *array_; }
    const json::array_t& elements() const { return array_ref().get_ref<const json::array_t&>(); }

    json* array_ = nullptr;
    detail::EventArgs* source_ = nullptr;  // instead of array_: arguments maybe not built yet
    std::size_t first_;
};

namespace detail {

/// What the handler layer needs of Args that applications do not.
struct ArgsAccess {
    /// A view of `array` (an array) from element `first` on.
    static Args make(json& array, std::size_t first) noexcept { return Args(array, first); }
    static Args make(EventArgs& source, std::size_t first) noexcept { return Args(source, first); }
    /// The arguments' source when they are all of an event's arguments still not built (the
    /// handler did not look at them): a handler returning them acks with their text as it came.
    static EventArgs* unbuilt(const Args& args) noexcept {
        return args.source_ != nullptr && args.first_ == 0 && args.source_->deferred()
                   ? args.source_
                   : nullptr;
    }
    /// The viewed arguments as an array, taken from the packet (the handler is done with them):
    /// the whole array moves without a copy.
    static json take(const Args& args) {
        json& array = args.array_ref();
        auto& elements = array.get_ref<json::array_t&>();
        if (args.first_ == 0) return std::move(array);
        return json(json::array_t(
            std::make_move_iterator(elements.begin() + static_cast<long>(args.first_)),
            std::make_move_iterator(elements.end())));
    }
};

}  // namespace detail
}  // namespace socketio
