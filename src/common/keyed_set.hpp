#pragma once
// Hash and equality for a set or map whose elements carry their own string key (a session or a
// socket found by its sid): transparent, so a lookup by the key builds no element, and the key is
// stored once, in the element. `KeyOf` maps an element — and the key itself — to a string_view.

#include <cstddef>
#include <functional>
#include <string_view>

namespace sio::detail {

template <class KeyOf>
struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(const auto& x) const noexcept {
        return std::hash<std::string_view>{}(KeyOf{}(x));
    }
};

template <class KeyOf>
struct KeyEqual {
    using is_transparent = void;
    bool operator()(const auto& a, const auto& b) const noexcept {
        return KeyOf{}(a) == KeyOf{}(b);
    }
};

}  // namespace sio::detail
