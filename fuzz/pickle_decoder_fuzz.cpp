// libFuzzer target: the restricted pickle reader (src/socketio/adapters/pickle.hpp) on any bytes.
//
// Beyond "no crash, no sanitizer report, no leak, no hang":
//  - it answers either a value with no error, or no value with an error;
//  - a value respects the limits it was given (depth, values) and serialises to JSON (its
//    strings are valid UTF-8: dump() would throw otherwise);
//  - tighter limits never accept what looser ones refused.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "socketio/adapters/pickle.hpp"

namespace {

using socketio::json;
using socketio::adapters::decode_pickle;
using socketio::adapters::PickleLimits;

constexpr PickleLimits loose{.max_bytes = 1 << 20, .max_depth = 32, .max_elements = 20'000};
constexpr PickleLimits tight{.max_bytes = 1 << 20, .max_depth = 8, .max_elements = 200};

// Values and depth of `value`, as decode_pickle counts them (dict keys are not values in JSON).
void measure(const json& value, std::size_t depth, std::size_t& values, std::size_t& deepest) {
    ++values;
    if (depth > deepest) deepest = depth;
    if (value.is_array() || value.is_object()) {
        for (const auto& element : value) measure(element, depth + 1, values, deepest);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    std::string error;
    const auto decoded = decode_pickle(bytes, error, loose);
    if (decoded.has_value() == !error.empty()) std::abort();
    if (decoded) {
        std::size_t values = 0;
        std::size_t deepest = 0;
        measure(*decoded, 0, values, deepest);
        if (values > loose.max_elements || deepest > loose.max_depth) std::abort();
        (void)decoded->dump();  // throws (→ a libFuzzer crash) on invalid UTF-8
    }
    std::string tight_error;
    const auto tightly = decode_pickle(bytes, tight_error, tight);
    if (tightly && !decoded) std::abort();
    // Compared as text: a float may be NaN, which equals nothing, itself included.
    if (tightly && tightly->dump() != decoded->dump()) std::abort();
    return 0;
}
