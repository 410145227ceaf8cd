#pragma once
// Builds a payload's tree from nlohmann's SAX events (any input format: JSON text, msgpack)
// within ParserLimits, with object keys in the order the peer sent them.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "socketio/protocol/error.hpp"
#include "socketio/protocol/parser.hpp"

namespace socketio::protocol::detail {

/// Appends members to an object being built, in arrival order. A repeated key keeps its first
/// position and takes the last value (JSON.parse's rule and ordered_json's operator[]). The check
/// for a repeat is a linear scan while the object is small and a hash index once it is not:
/// ordered_map's own lookup is linear, so inserting through it would let a peer's object of n keys
/// cost n²/2 key comparisons (50,000 keys: over a billion).
class OrderedMembers {
  public:
    explicit OrderedMembers(json::object_t& members) : members_(&members) {}
    using Slots = json::object_t::Container;  // ordered_map's vector: its operator[] takes a key

    /// Returns where the value now is.
    json& add(std::string key, json value) {
        Slots& members = *members_;
        if (index_.empty()) {
            if (members.size() < linear_limit) {
                for (auto& member : members) {
                    if (member.first == key) {
                        member.second = std::move(value);
                        return member.second;
                    }
                }
                members.emplace_back(std::move(key), std::move(value));
                return members.back().second;
            }
            // Every key so far is distinct: index them all.
            index_.reserve(members.size() * 2);
            for (std::size_t i = 0; i < members.size(); ++i) index_.insert(i);
        }
        members.emplace_back(std::move(key), std::move(value));
        const auto [found, inserted] = index_.insert(members.size() - 1);
        if (inserted) return members.back().second;
        json& first = members[*found].second;
        first = std::move(members.back().second);
        members.pop_back();
        return first;
    }

  private:
    static constexpr std::size_t linear_limit = 16;

    // The index holds positions; hashing and comparing look the key up in the object, whose
    // elements move when it grows (so no pointers or views into it are kept).
    struct KeyHash {
        const Slots* members;
        std::size_t operator()(std::size_t i) const noexcept {
            return std::hash<std::string_view>{}((*members)[i].first);
        }
    };
    struct KeyEqual {
        const Slots* members;
        bool operator()(std::size_t a, std::size_t b) const noexcept {
            return (*members)[a].first == (*members)[b].first;
        }
    };

    Slots* members_;
    std::unordered_set<std::size_t, KeyHash, KeyEqual> index_{0, KeyHash{members_},
                                                              KeyEqual{members_}};
};

/// A SAX consumer for json::sax_parse that builds the tree like json::parse, counting as it goes:
/// over ParserLimits::max_values values or max_nesting_depth levels it stops at once, so a
/// hostile payload costs the work and memory of at most that many values, whatever its size
/// ("[{},{},…]" would otherwise turn 1 MB of input into ~40 MB of tree). nlohmann's parsers are
/// iterative, so depth costs no stack here.
class BoundedBuilder {
  public:
    BoundedBuilder(json& result, const ParserLimits& limits) : result_(result), limits_(limits) {}

    bool null() { return value() && (add(json(nullptr)), true); }
    bool boolean(bool v) { return value() && (add(json(v)), true); }
    bool number_integer(json::number_integer_t v) { return value() && (add(json(v)), true); }
    bool number_unsigned(json::number_unsigned_t v) { return value() && (add(json(v)), true); }
    bool number_float(json::number_float_t v, const json::string_t&) {
        return value() && (add(json(v)), true);
    }
    bool string(json::string_t& v) { return value() && (add(json(std::move(v))), true); }
    bool binary(json::binary_t& v) {
        if (!value()) return false;
        if (v.has_subtype()) {
            const auto subtype = v.subtype();
            add(json::binary(std::move(v), subtype));
        } else {
            add(json::binary(std::move(v)));
        }
        return true;
    }
    bool start_object(std::size_t) {
        if (!value() || !enter()) return false;
        json* object = add(json(json::value_t::object));
        frames_.push_back(Frame{object, OrderedMembers(object->get_ref<json::object_t&>()), {}});
        return true;
    }
    bool key(json::string_t& k) {
        frames_.back().key = std::move(k);
        return true;
    }
    bool end_object() {
        --depth_;
        frames_.pop_back();
        return true;
    }
    bool start_array(std::size_t) {
        if (!value() || !enter()) return false;
        json* array = add(json(json::value_t::array));
        frames_.push_back(Frame{array, std::nullopt, {}});
        return true;
    }
    bool end_array() {
        --depth_;
        frames_.pop_back();
        return true;
    }
    template <class Exception>
    bool parse_error(std::size_t, const std::string&, const Exception&) {
        failure_ = error::invalid_json;
        return false;
    }

    /// Why the parse stopped (valid only after sax_parse returned false).
    error failure() const noexcept { return failure_; }

  private:
    struct Frame {
        json* container;
        std::optional<OrderedMembers> members;  // set for an object
        std::string key;                        // an object's pending key
    };

    // Places a value in the container being built (or as the root) and returns where it is: a
    // container stays put while its own members are added, as nothing else grows its parent.
    json* add(json v) {
        if (frames_.empty()) {
            result_ = std::move(v);
            return &result_;
        }
        Frame& frame = frames_.back();
        if (!frame.members) {
            auto& elements = frame.container->get_ref<json::array_t&>();
            elements.push_back(std::move(v));
            return &elements.back();
        }
        return &frame.members->add(std::move(frame.key), std::move(v));
    }
    bool value() {
        if (++values_ <= limits_.max_values) return true;
        failure_ = error::too_many_values;
        return false;
    }
    bool enter() {
        if (++depth_ <= limits_.max_nesting_depth) return true;
        failure_ = error::nesting_too_deep;
        return false;
    }

    json& result_;
    const ParserLimits& limits_;
    std::vector<Frame> frames_;
    std::size_t values_ = 0;
    std::size_t depth_ = 0;
    error failure_ = error::invalid_json;
};

}  // namespace socketio::protocol::detail
