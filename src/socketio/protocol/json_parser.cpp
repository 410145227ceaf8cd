// The default Socket.IO v5 parser: the wire format of socket.io-parser (lib/index.ts,
// lib/binary.ts), one text frame `<type>[<attachments>-][<nsp>,][<id>][<json>]` followed by one
// binary frame per attachment.

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "socketio/protocol/bounded_builder.hpp"
#include "socketio/protocol/error.hpp"
#include "socketio/protocol/packet_rules.hpp"
#include "socketio/protocol/parser.hpp"

namespace socketio::protocol {

namespace {

constexpr std::array<std::string_view, 6> reserved_event_names = {
    "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener",
};

constexpr bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}

bool is_binary_type(PacketType type) noexcept {
    return type == PacketType::binary_event || type == PacketType::binary_ack;
}

// --- scanning eight bytes at a time
// ----------------------------------------------------------------

constexpr std::uint64_t every_byte(unsigned char b) noexcept {
    return 0x0101010101010101ull * b;
}

// Whether any byte of `word` is a '"', a '\\' or a control character (below 0x20): the bytes
// that end or escape a JSON string. Exact for "any" (a byte at or above 0x80 never counts): with
// no byte below the subtrahend nothing borrows, and `& ~word` drops bytes with the top bit set.
constexpr bool has_special_byte(std::uint64_t word) noexcept {
    constexpr std::uint64_t high = every_byte(0x80);
    const auto below = [](std::uint64_t w, unsigned char n) {
        return (w - every_byte(n)) & ~w & high;
    };
    return (below(word, 0x20) | below(word ^ every_byte('"'), 1) |
            below(word ^ every_byte('\\'), 1)) != 0;
}

// Where the first '"', '\\' or control character of [p, end) is (end if none), and whether a
// byte at or above 0x80 comes before it.
const char* find_special_byte(const char* p, const char* end, bool& non_ascii) noexcept {
    std::uint64_t seen = 0;
#if defined(__SSE2__)
    // Sixteen bytes at a time where x86-64 guarantees SSE2.
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i last_control = _mm_set1_epi8(0x1F);
    while (end - p >= 16) {
        const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        const __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(bytes, last_control), bytes);
        const __m128i special = _mm_or_si128(
            control, _mm_or_si128(_mm_cmpeq_epi8(bytes, quote), _mm_cmpeq_epi8(bytes, backslash)));
        const auto special_mask = static_cast<unsigned>(_mm_movemask_epi8(special));
        auto high_mask = static_cast<unsigned>(_mm_movemask_epi8(bytes));  // top bits
        if (special_mask != 0) {
            const int first = __builtin_ctz(special_mask);
            high_mask &= (1u << first) - 1;  // only the bytes before it
            non_ascii = (seen & every_byte(0x80)) != 0 || high_mask != 0;
            return p + first;
        }
        if (high_mask != 0) seen |= every_byte(0x80);
        p += 16;
    }
#endif
    while (end - p >= 8) {
        std::uint64_t word;
        std::memcpy(&word, p, sizeof word);
        if (has_special_byte(word)) break;
        seen |= word;
        p += 8;
    }
    for (; p != end; ++p) {
        const auto c = static_cast<unsigned char>(*p);
        if (c < 0x20 || c == '"' || c == '\\') break;
        seen |= c;
    }
    non_ascii = (seen & every_byte(0x80)) != 0;
    return p;
}

bool is_ascii(std::string_view s) noexcept {
    std::uint64_t seen = 0;
    std::size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
        std::uint64_t word;
        std::memcpy(&word, s.data() + i, sizeof word);
        seen |= word;
    }
    for (; i < s.size(); ++i) seen |= static_cast<unsigned char>(s[i]);
    return (seen & every_byte(0x80)) == 0;
}

// --- JSON helpers --------------------------------------------------------------------------------

using detail::BoundedBuilder;
using detail::is_valid_utf8;
using detail::OrderedMembers;
using detail::payload_valid;

// Parses a payload within the limits; on failure `out` is null and the error is returned.
std::optional<error> parse_bounded(std::string_view text, const ParserLimits& limits, json& out) {
    BoundedBuilder builder(out, limits);
    if (json::sax_parse(text.data(), text.data() + text.size(), &builder)) return std::nullopt;
    out = nullptr;  // the partial tree
    return builder.failure();
}

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The code unit of a "\uXXXX" escape starting at text[i] (the backslash), or -1.
long escaped_unit(std::string_view text, std::size_t i) noexcept {
    if (i + 6 > text.size() || text[i] != '\\' || text[i + 1] != 'u') return -1;
    long unit = 0;
    for (std::size_t k = 2; k < 6; ++k) {
        const int digit = hex_value(text[i + k]);
        if (digit < 0) return -1;
        unit = unit * 16 + digit;
    }
    return unit;
}

// JSON.stringify writes a lone UTF-16 surrogate as "\udXXX" and JSON.parse (and Python's json)
// accept it, but nlohmann refuses it: a JavaScript client sending such a string would otherwise
// be disconnected. Returns `text` with each lone-surrogate escape inside a string replaced by
// "\ufffd", or nothing when there is none. Only called after a parse failed, so valid input
// never pays for it.
std::optional<std::string> replace_lone_surrogates(std::string_view text) {
    std::string out;
    bool replaced = false;
    bool in_string = false;
    std::size_t copied = 0;  // text[0, copied) is in `out` already
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (!in_string) {
            in_string = c == '"';
            continue;
        }
        if (c == '"') {
            in_string = false;
            continue;
        }
        if (c != '\\') continue;
        const long unit = escaped_unit(text, i);
        if (unit < 0) {
            ++i;  // a two-character escape (or a malformed one the parser will refuse)
            continue;
        }
        if (unit >= 0xD800 && unit <= 0xDBFF) {
            const long next = escaped_unit(text, i + 6);
            if (next >= 0xDC00 && next <= 0xDFFF) {
                i += 11;  // a valid pair
                continue;
            }
        } else if (unit < 0xDC00 || unit > 0xDFFF) {
            i += 5;
            continue;
        }
        out.append(text.substr(copied, i - copied));
        out.append("\\ufffd");
        copied = i + 6;
        replaced = true;
        i += 5;
    }
    if (!replaced) return std::nullopt;
    out.append(text.substr(copied));
    return out;
}

// socket.io-parser's test: an object whose "_placeholder" is exactly `true`.
bool is_placeholder(const json& value) {
    if (!value.is_object()) return false;
    const auto it = value.find("_placeholder");
    return it != value.end() && it->is_boolean() && it->get<bool>();
}

// Checks every placeholder of a decoded BINARY_* payload refers to one of `references.size()`
// attachments and counts the references to each.
bool count_placeholders(const json& value, std::vector<std::uint32_t>& references) {
    if (is_placeholder(value)) {
        const auto num = value.find("num");
        if (num == value.end() || !num->is_number_integer()) return false;
        if (num->is_number_unsigned()) {
            const auto index = num->get<std::uint64_t>();
            if (index >= references.size()) return false;
            ++references[static_cast<std::size_t>(index)];
            return true;
        }
        return false;  // a negative integer
    }
    if (value.is_array() || value.is_object()) {
        for (const auto& element : value) {
            if (!count_placeholders(element, references)) return false;
        }
    }
    return true;
}

// Puts the attachments in place of their placeholders (already checked by count_placeholders).
// The last reference to an attachment takes its bytes; earlier ones (a peer may refer to one
// attachment twice, socket.io-parser allows it) copy them.
void fill_placeholders(json& value, std::vector<json::binary_t::container_type>& attachments,
                       std::vector<std::uint32_t>& references) {
    if (is_placeholder(value)) {
        const auto index = static_cast<std::size_t>(value["num"].get<std::uint64_t>());
        if (--references[index] == 0) {
            value = json::binary(std::move(attachments[index]));
        } else {
            value = json::binary(attachments[index]);
        }
        return;
    }
    if (value.is_array() || value.is_object()) {
        for (auto& element : value) fill_placeholders(element, attachments, references);
    }
}

std::size_t count_placeholder_objects(const json& value) {
    if (is_placeholder(value)) return 1;
    std::size_t count = 0;
    if (value.is_array() || value.is_object()) {
        for (const auto& element : value) count += count_placeholder_objects(element);
    }
    return count;
}

bool has_binary(const json& value) {
    if (value.is_binary()) return true;
    if (value.is_array() || value.is_object()) {
        for (const auto& element : value) {
            if (has_binary(element)) return true;
        }
    }
    return false;
}

// Replaces each binary value by {"_placeholder":true,"num":N} and appends its bytes as frame N+1,
// in document order (arrays by index, objects by key), as socket.io-parser's deconstructPacket.
void extract_binary(json& value, std::vector<Frame>& frames) {
    if (value.is_binary()) {
        const auto& bytes = value.get_binary();
        Frame frame{.binary = true, .data = std::string(bytes.begin(), bytes.end())};
        const auto num = frames.size() - 1;  // frames[0] is the text frame
        frames.push_back(std::move(frame));
        value = json{{"_placeholder", true}, {"num", num}};
        return;
    }
    if (value.is_array() || value.is_object()) {
        for (auto& element : value) extract_binary(element, frames);
    }
}

// Appends `value` serialised to `out` without an intermediate string. ensure_ascii off (UTF-8
// goes out as is, as JSON.stringify does); invalid UTF-8 in a string becomes U+FFFD instead of
// throwing.
void append_json(std::string& out, const json& value) {
    nlohmann::detail::serializer<json> serializer(
        nlohmann::detail::output_adapter<char, std::string>(out), ' ',
        nlohmann::json::error_handler_t::replace);
    serializer.dump(value, /*pretty_print=*/false, /*ensure_ascii=*/false, /*indent_step=*/0);
}

// --- the fast reader -----------------------------------------------------------------------------

// Builds the tree of the payloads clients commonly send in one pass and with one allocation per
// string and container: nlohmann's lexer copies every character into two buffers and its SAX
// parser grows each array as it goes. It reads a subset of JSON whose value is the one nlohmann
// would build, and decides nothing else: at anything outside it (a backslash escape, a control
// character, invalid UTF-8, a number nlohmann reads differently, deep nesting, a value over the
// limits, any syntax error) it gives up and the caller parses with nlohmann, which then also
// reports the error. So what it accepts is exactly what nlohmann accepts, only faster.
//
// With Build false it only checks (the same grammar, the same limits, no tree, no allocation):
// what it accepts then, a building reader accepts too, with the tree nlohmann would build.
template <bool Build>
class FastReader {
  public:
    /// `stack` is scratch space kept between calls (empty on entry and on return).
    FastReader(std::string_view text, const ParserLimits& limits, std::vector<json>& stack)
        : pos_(text.data()), end_(text.data() + text.size()), limits_(limits), stack_(stack) {}

    /// The payload's tree in `out`, or false (then `out` is unchanged).
    bool read(json& out) requires Build {
        const bool ok = value(0) && (skip_whitespace(), pos_ == end_);
        if (ok) out = std::move(stack_.back());
        stack_.clear();
        return ok;
    }

    /// The array whose elements (and closing bracket) `text` is — an array's text after its
    /// '[' — in `out`, or false.
    bool read_array_tail(json& out) requires Build {
        const bool ok = array_body(1) && (skip_whitespace(), pos_ == end_);
        if (ok) out = std::move(stack_.back());
        stack_.clear();
        return ok;
    }

    /// Checks that `text` is an EVENT payload `[name, args…]` with a string name and returns the
    /// name and the text after it: from after its comma, or from the closing bracket when there
    /// are no arguments (so "[" + tail is the arguments' array). False when the reader does not
    /// accept the payload or the name is not a plain string.
    bool check_event(std::string_view& name, std::string_view& tail) requires(!Build) {
        skip_whitespace();
        if (pos_ == end_ || *pos_ != '[' || !enter(1)) return false;
        ++pos_;
        values_ = 2;  // the array and its name
        skip_whitespace();
        if (pos_ == end_ || *pos_ != '"' || values_ > limits_.max_values || !string(name)) {
            return false;
        }
        skip_whitespace();
        if (pos_ == end_) return false;
        const char* tail_start = pos_;
        if (*pos_ == ']') {
            ++pos_;
        } else if (*pos_ == ',') {
            tail_start = ++pos_;
            if (!elements(1)) return false;
        } else {
            return false;
        }
        skip_whitespace();
        if (pos_ != end_) return false;
        tail = std::string_view(tail_start, static_cast<std::size_t>(end_ - tail_start));
        return true;
    }

  private:
    // Deeper payloads are left to nlohmann's parser, which does not recurse.
    static constexpr std::size_t max_recursion = 64;

    void skip_whitespace() noexcept {
        while (pos_ != end_ && (*pos_ == ' ' || *pos_ == '\t' || *pos_ == '\n' || *pos_ == '\r')) {
            ++pos_;
        }
    }

    bool literal(std::string_view word) noexcept {
        if (static_cast<std::size_t>(end_ - pos_) < word.size() ||
            std::string_view(pos_, word.size()) != word) {
            return false;
        }
        pos_ += word.size();
        return true;
    }

    // Pushes one value onto the stack. `depth`: the containers around it.
    bool value(std::size_t depth) {
        skip_whitespace();
        if (pos_ == end_ || ++values_ > limits_.max_values) return false;
        switch (*pos_) {
            case '[':
                return array(depth + 1);
            case '{':
                return object(depth + 1);
            case '"': {
                std::string_view text;
                if (!string(text)) return false;
                if constexpr (Build) stack_.emplace_back(std::string(text));
                return true;
            }
            case 't':
                if (!literal("true")) return false;
                if constexpr (Build) stack_.emplace_back(true);
                return true;
            case 'f':
                if (!literal("false")) return false;
                if constexpr (Build) stack_.emplace_back(false);
                return true;
            case 'n':
                if (!literal("null")) return false;
                if constexpr (Build) stack_.emplace_back(nullptr);
                return true;
            default:
                return number();
        }
    }

    bool enter(std::size_t depth) noexcept {
        return depth <= limits_.max_nesting_depth && depth <= max_recursion;
    }

    bool array(std::size_t depth) {
        if (!enter(depth)) return false;
        ++pos_;  // '['
        return array_body(depth);
    }

    // An array after its '[': its elements and the closing bracket.
    bool array_body(std::size_t depth) {
        const std::size_t first = stack_.size();
        skip_whitespace();
        if (pos_ != end_ && *pos_ == ']') {
            ++pos_;
            if constexpr (Build) stack_.emplace_back(json::value_t::array);
            return true;
        }
        if (!elements(depth)) return false;
        if constexpr (Build) {
            // The elements sit on the stack: the array is allocated once, at its final size.
            json::array_t values(std::make_move_iterator(stack_.begin() + first),
                                 std::make_move_iterator(stack_.end()));
            stack_.resize(first);
            stack_.emplace_back(std::move(values));
        }
        return true;
    }

    // One or more values separated by commas, then the array's closing bracket.
    bool elements(std::size_t depth) {
        for (;;) {
            if (!value(depth)) return false;
            skip_whitespace();
            if (pos_ == end_) return false;
            const char c = *pos_++;
            if (c == ']') return true;
            if (c != ',') return false;
        }
    }

    bool object(std::size_t depth) {
        if (!enter(depth)) return false;
        ++pos_;  // '{'
        if constexpr (Build) {
            json result(json::value_t::object);
            OrderedMembers members(result.get_ref<json::object_t&>());
            if (!members_of(depth, [&](std::string_view key) {
                    members.add(std::string(key), std::move(stack_.back()));
                    stack_.pop_back();
                })) {
                return false;
            }
            stack_.push_back(std::move(result));
            return true;
        } else {
            return members_of(depth, [](std::string_view) {});
        }
    }

    // An object's members after its '{', and the closing brace; `add(key)` after each value.
    template <class Add>
    bool members_of(std::size_t depth, Add&& add) {
        skip_whitespace();
        if (pos_ != end_ && *pos_ == '}') {
            ++pos_;
            return true;
        }
        for (;;) {
            skip_whitespace();
            std::string_view key;
            if (pos_ == end_ || *pos_ != '"' || !string(key)) return false;
            skip_whitespace();
            if (pos_ == end_ || *pos_++ != ':') return false;
            if (!value(depth)) return false;
            add(key);
            skip_whitespace();
            if (pos_ == end_) return false;
            const char c = *pos_++;
            if (c == '}') return true;
            if (c != ',') return false;
        }
    }

    // A string without escapes: its bytes as they are.
    bool string(std::string_view& text) noexcept {
        const char* const start = ++pos_;  // after '"'
        bool non_ascii = false;
        pos_ = find_special_byte(pos_, end_, non_ascii);
        if (pos_ == end_ || *pos_ != '"') return false;  // unterminated, an escape or a control
        text = std::string_view(start, static_cast<std::size_t>(pos_ - start));
        ++pos_;  // '"'
        return !non_ascii || is_valid_utf8(text);
    }

    // JSON's number grammar; an integer nlohmann holds as an integer, or a float std::from_chars
    // reads as strtod does (both round correctly).
    bool number() {
        const char* const start = pos_;
        const bool negative = *pos_ == '-';
        if (negative) ++pos_;
        if (pos_ == end_ || !is_digit(*pos_)) return false;
        bool integer = true;
        if (*pos_ == '0') {
            ++pos_;
            if (pos_ != end_ && is_digit(*pos_)) return false;  // a leading zero
        } else {
            while (pos_ != end_ && is_digit(*pos_)) ++pos_;
        }
        if (pos_ != end_ && *pos_ == '.') {
            integer = false;
            ++pos_;
            if (pos_ == end_ || !is_digit(*pos_)) return false;
            while (pos_ != end_ && is_digit(*pos_)) ++pos_;
        }
        if (pos_ != end_ && (*pos_ == 'e' || *pos_ == 'E')) {
            integer = false;
            ++pos_;
            if (pos_ != end_ && (*pos_ == '+' || *pos_ == '-')) ++pos_;
            if (pos_ == end_ || !is_digit(*pos_)) return false;
            while (pos_ != end_ && is_digit(*pos_)) ++pos_;
        }
        if (integer) {
            // nlohmann: a negative integer is number_integer, any other number_unsigned; one out
            // of their range becomes a float, which is left to it.
            if (negative) {
                std::int64_t v = 0;
                const auto [end, ec] = std::from_chars(start, pos_, v);
                if (ec != std::errc{} || end != pos_) return false;
                if constexpr (Build) stack_.emplace_back(static_cast<json::number_integer_t>(v));
            } else {
                std::uint64_t v = 0;
                const auto [end, ec] = std::from_chars(start, pos_, v);
                if (ec != std::errc{} || end != pos_) return false;
                if constexpr (Build) stack_.emplace_back(static_cast<json::number_unsigned_t>(v));
            }
            return true;
        }
        double v = 0;
        const auto [end, ec] = std::from_chars(start, pos_, v);
        if (ec != std::errc{} || end != pos_ || !std::isfinite(v)) return false;
        if constexpr (Build) stack_.emplace_back(static_cast<json::number_float_t>(v));
        return true;
    }

    const char* pos_;
    const char* const end_;
    const ParserLimits& limits_;
    std::vector<json>& stack_;
    std::size_t values_ = 0;
};

// --- the fast writer -----------------------------------------------------------------------------

// nlohmann's serializer, kept per thread: building one costs an allocation and a localeconv().
// Writes what the fast writer leaves to it (floats, strings that are not valid UTF-8).
class NlohmannWriter {
  public:
    void append(std::string& out, const json& value) {
        buffer_.clear();
        serializer_.dump(value, /*pretty_print=*/false, /*ensure_ascii=*/false, /*indent_step=*/0);
        out += buffer_;
    }

    static NlohmannWriter& local() {
        thread_local NlohmannWriter writer;
        return writer;
    }

  private:
    std::string buffer_;
    nlohmann::detail::serializer<json> serializer_{
        nlohmann::detail::output_adapter<char, std::string>(buffer_), ' ',
        json::error_handler_t::replace};
};

// Appends `s` as a JSON string as nlohmann writes it with ensure_ascii off: only '"', '\\' and
// control characters escaped (the usual short forms, else \u00xx). False, with nothing written,
// for a string that is not valid UTF-8: its replacement characters are nlohmann's business.
bool append_json_string(std::string& out, std::string_view s) {
    bool non_ascii = false;
    const char* const special = find_special_byte(s.data(), s.data() + s.size(), non_ascii);
    const auto plain = static_cast<std::size_t>(special - s.data());  // s[0, plain) as it is
    if ((non_ascii || !is_ascii(s.substr(plain))) && !is_valid_utf8(s)) return false;
    out.push_back('"');
    out.append(s.data(), plain);
    std::size_t copied = plain;  // s[0, copied) is in `out`
    for (std::size_t i = plain; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(s.data() + copied, i - copied);
        copied = i + 1;
        switch (c) {
            case '"':
                out.append("\\\"");
                break;
            case '\\':
                out.append("\\\\");
                break;
            case '\b':
                out.append("\\b");
                break;
            case '\f':
                out.append("\\f");
                break;
            case '\n':
                out.append("\\n");
                break;
            case '\r':
                out.append("\\r");
                break;
            case '\t':
                out.append("\\t");
                break;
            default: {
                constexpr std::string_view hex = "0123456789abcdef";
                const char escape[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
                out.append(escape, sizeof escape);
            }
        }
    }
    out.append(s.data() + copied, s.size() - copied);
    out.push_back('"');
    return true;
}

template <class Integer>
void append_integer(std::string& out, Integer value) {
    char digits[24];
    const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
    out.append(digits, end);
}

// Appends `value` as nlohmann's dump() (compact, ensure_ascii off, invalid UTF-8 replaced) writes
// it, without its per-call setup and byte-at-a-time string escaping. False (out partly written)
// at a binary or discarded value: the caller decides what those become.
bool append_json_fast(std::string& out, const json& value) {
    switch (value.type()) {
        case json::value_t::null:
            out.append("null");
            return true;
        case json::value_t::boolean:
            out.append(value.get<bool>() ? "true" : "false");
            return true;
        case json::value_t::number_integer:
            append_integer(out, value.get<json::number_integer_t>());
            return true;
        case json::value_t::number_unsigned:
            append_integer(out, value.get<json::number_unsigned_t>());
            return true;
        case json::value_t::number_float:
            NlohmannWriter::local().append(out, value);
            return true;
        case json::value_t::string: {
            const auto& s = value.get_ref<const json::string_t&>();
            if (!append_json_string(out, s)) NlohmannWriter::local().append(out, value);
            return true;
        }
        case json::value_t::array: {
            out.push_back('[');
            bool first = true;
            for (const auto& element : value.get_ref<const json::array_t&>()) {
                if (!first) out.push_back(',');
                first = false;
                if (!append_json_fast(out, element)) return false;
            }
            out.push_back(']');
            return true;
        }
        case json::value_t::object: {
            out.push_back('{');
            bool first = true;
            for (const auto& [key, member] : value.get_ref<const json::object_t&>()) {
                if (!first) out.push_back(',');
                first = false;
                if (!append_json_string(out, key)) NlohmannWriter::local().append(out, json(key));
                out.push_back(':');
                if (!append_json_fast(out, member)) return false;
            }
            out.push_back('}');
            return true;
        }
        case json::value_t::binary:
        case json::value_t::discarded:
            return false;
    }
    return false;
}

// A string reused per thread to build a text frame in: the frame is then copied out at its final
// size, one allocation instead of one per doubling.
std::string& frame_scratch() {
    thread_local std::string scratch;
    scratch.clear();
    return scratch;
}

// The text frame's header: <type>[<attachments>-][<nsp>,][<id>].
void append_header(std::string& out, PacketType type, std::size_t attachments,
                   const Packet& packet) {
    out.push_back(static_cast<char>('0' + static_cast<int>(type)));
    if (is_binary_type(type)) {
        append_integer(out, attachments);
        out.push_back('-');
    }
    if (!packet.nsp.empty() && packet.nsp != "/") {
        out += packet.nsp;
        out.push_back(',');
    }
    if (packet.id) append_integer(out, *packet.id);
}

// --- decoder ------------------------------------------------------------------------------------

class JsonDecoder final : public Decoder {
  public:
    explicit JsonDecoder(ParserLimits limits) : limits_(limits) {}

    std::optional<Packet> feed(std::string_view data, bool binary, std::error_code& ec) override {
        ec.clear();
        if (binary) return feed_attachment(data, ec);
        if (awaiting_attachments()) return fail(ec, error::unexpected_text_frame);
        return feed_text(data, ec);
    }

    bool awaiting_attachments() const noexcept override { return binary_ != nullptr; }

    void defer_event_args(bool defer) noexcept override { defer_event_args_ = defer; }

  private:
    std::optional<Packet> fail(std::error_code& ec, error e) {
        ec = e;
        reset();
        return std::nullopt;
    }

    void reset() { binary_.reset(); }

    /// FastReader's stack, kept for its capacity: one per thread, not one per decoder (every
    /// client has a decoder; a vector in each was 24 bytes, and its capacity once it had read).
    static std::vector<json>& reader_stack() {
        thread_local std::vector<json> stack;
        return stack;
    }

    std::optional<Packet> feed_text(std::string_view text, std::error_code& ec) {
        if (text.empty() || text[0] < '0' || text[0] > '6') {
            return fail(ec, error::invalid_packet_type);
        }
        Packet packet;
        const auto wire_type = static_cast<PacketType>(text[0] - '0');
        std::size_t i = 1;

        // <attachments>-
        std::size_t attachments = 0;
        if (is_binary_type(wire_type)) {
            const std::size_t start = i;
            bool over_limit = false;
            const std::size_t max = limits_.max_attachments;
            while (i < text.size() && is_digit(text[i])) {
                // Stop accumulating once over the limit, so any number of digits (and any
                // limit, up to SIZE_MAX) cannot overflow.
                const auto digit = static_cast<std::size_t>(text[i] - '0');
                if (over_limit || attachments > max / 10 || digit > max - attachments * 10) {
                    over_limit = true;
                } else {
                    attachments = attachments * 10 + digit;
                }
                ++i;
            }
            if (i == start || i == text.size() || text[i] != '-') {
                return fail(ec, error::invalid_attachment_count);
            }
            if (over_limit) return fail(ec, error::too_many_attachments);
            if (attachments == 0) return fail(ec, error::invalid_attachment_count);
            ++i;  // '-'
        }

        // <nsp>, — up to the first ',' or the end ("40/admin" is accepted, as socket.io-parser)
        if (i < text.size() && text[i] == '/') {
            const std::size_t comma = text.find(',', i);
            const std::size_t end = comma == std::string_view::npos ? text.size() : comma;
            const std::string_view nsp = text.substr(i, end - i);
            if (!is_valid_utf8(nsp)) return fail(ec, error::invalid_namespace);
            packet.nsp.assign(nsp);
            i = comma == std::string_view::npos ? text.size() : comma + 1;
        }

        // <id>
        if (i < text.size() && is_digit(text[i])) {
            std::uint64_t id = 0;
            constexpr auto max = std::numeric_limits<std::uint64_t>::max();
            while (i < text.size() && is_digit(text[i])) {
                const auto digit = static_cast<std::uint64_t>(text[i] - '0');
                if (id > (max - digit) / 10) return fail(ec, error::invalid_ack_id);
                id = id * 10 + digit;
                ++i;
            }
            packet.id = id;
        }

        // <json>
        const std::string_view body = text.substr(i);
        bool has_payload = false;
        if (!body.empty()) {
            // What follows the header is the payload; a character that cannot start a JSON value
            // sits where the ack id belongs ("42abc[…]").
            switch (body.front()) {
                case '[':
                case '{':
                case '"':
                case 't':
                case 'f':
                case 'n':
                case '-':
                case ' ':
                case '\t':
                case '\n':
                case '\r':
                    break;
                default:
                    return fail(ec, error::invalid_ack_id);
            }
            if (defer_event_args_ && wire_type == PacketType::event) {
                std::string_view name;
                std::string_view tail;
                if (FastReader<false>(body, limits_, reader_stack()).check_event(name, tail) &&
                    !is_reserved_event_name(name)) {
                    packet.type = PacketType::event;
                    packet.deferred = DeferredEvent{.name = name, .args = tail};
                    return packet;
                }
                // Anything else (an escape, a number as the name, an error) takes the usual way.
            }
            if (!FastReader<true>(body, limits_, reader_stack()).read(packet.data)) {
                if (auto failure = parse_bounded(body, limits_, packet.data)) {
                    if (*failure != error::invalid_json) return fail(ec, *failure);
                    const auto repaired = replace_lone_surrogates(body);
                    if (!repaired) return fail(ec, error::invalid_json);
                    if (auto again = parse_bounded(*repaired, limits_, packet.data)) {
                        return fail(ec, *again);
                    }
                }
            }
            has_payload = true;
        }
        if (!payload_valid(wire_type, has_payload ? &packet.data : nullptr)) {
            return fail(ec, error::invalid_payload);
        }

        if (!is_binary_type(wire_type)) {
            packet.type = wire_type;
            return packet;
        }

        // BINARY_*: check the placeholders now, then wait for the attachments.
        packet.type = wire_type == PacketType::binary_event ? PacketType::event : PacketType::ack;
        // More attachments declared than placeholders present cannot all be referenced; checked
        // first so the bookkeeping below is bounded by the payload, whatever the limit.
        if (attachments > count_placeholder_objects(packet.data)) {
            return fail(ec, error::attachment_count_mismatch);
        }
        auto binary = std::make_unique<BinaryPacket>();
        binary->references.assign(attachments, 0);
        if (!count_placeholders(packet.data, binary->references)) {
            return fail(ec, error::invalid_placeholder);
        }
        for (const auto count : binary->references) {
            if (count == 0) return fail(ec, error::attachment_count_mismatch);
        }
        binary->pending = std::move(packet);
        binary->expected_attachments = attachments;
        binary->attachments.reserve(attachments);
        binary_ = std::move(binary);
        return std::nullopt;
    }

    std::optional<Packet> feed_attachment(std::string_view bytes, std::error_code& ec) {
        if (!awaiting_attachments()) return fail(ec, error::unexpected_binary_frame);
        BinaryPacket& binary = *binary_;
        binary.attachments.emplace_back(
            reinterpret_cast<const std::uint8_t*>(bytes.data()),
            reinterpret_cast<const std::uint8_t*>(bytes.data()) + bytes.size());
        if (binary.attachments.size() < binary.expected_attachments) return std::nullopt;
        fill_placeholders(binary.pending.data, binary.attachments, binary.references);
        Packet packet = std::move(binary.pending);
        reset();
        return packet;
    }

    // A BINARY_* packet waiting for its attachments. Held apart and only meanwhile: every
    // client has a decoder, few ever send binary (per-connection memory, issue 11).
    struct BinaryPacket {
        Packet pending;
        std::size_t expected_attachments = 0;
        std::vector<json::binary_t::container_type> attachments;
        std::vector<std::uint32_t> references;  // placeholders per attachment
    };

    ParserLimits limits_;
    std::unique_ptr<BinaryPacket> binary_;  // null: no attachment awaited
    bool defer_event_args_ = false;
};

// --- parser -------------------------------------------------------------------------------------

class JsonParser final : public Parser {
  public:
    explicit JsonParser(ParserLimits limits) : limits_(limits) {}

    bool encode_text(const Packet& packet, std::string& out) const override {
        std::string& frame = frame_scratch();
        PacketType type = packet.type;
        const bool may_have_attachments = type == PacketType::event ||
                                          type == PacketType::binary_event ||
                                          type == PacketType::ack || type == PacketType::binary_ack;
        if (type == PacketType::binary_event) type = PacketType::event;
        if (type == PacketType::binary_ack) type = PacketType::ack;
        append_header(frame, type, 0, packet);
        if (!packet.data.is_null()) {
            const std::size_t header = frame.size();
            if (!append_json_fast(frame, packet.data)) {
                // A binary value: attachments for an EVENT or ACK, else what nlohmann makes of
                // it (and of a discarded value).
                if (may_have_attachments && has_binary(packet.data)) return false;
                frame.resize(header);
                append_json(frame, packet.data);
            }
        }
        out.append(frame);
        return true;
    }

    bool encode_relayed_ack(std::string_view nsp, std::uint64_t id, std::string_view args_tail,
                            std::string& out) const override {
        out.reserve(out.size() + 1 + nsp.size() + 1 + 20 + 1 + args_tail.size());
        out.push_back('0' + static_cast<char>(PacketType::ack));
        if (!nsp.empty() && nsp != "/") {
            out += nsp;
            out.push_back(',');
        }
        append_integer(out, id);
        out.push_back('[');
        out += args_tail;
        return true;
    }

    std::vector<Frame> encode(const Packet& packet) const override {
        std::vector<Frame> frames(1);
        if (encode_text(packet, frames.front().data)) return frames;
        PacketType type = packet.type;
        const json* data = &packet.data;
        json extracted;  // the payload with placeholders, only for a packet with attachments
        if (type == PacketType::event || type == PacketType::binary_event ||
            type == PacketType::ack || type == PacketType::binary_ack) {
            const bool is_ack = type == PacketType::ack || type == PacketType::binary_ack;
            if (has_binary(packet.data)) {
                extracted = packet.data;
                extract_binary(extracted, frames);
                data = &extracted;
                type = is_ack ? PacketType::binary_ack : PacketType::binary_event;
            } else {
                type = is_ack ? PacketType::ack : PacketType::event;
            }
        }

        std::string& out = frames.front().data;
        append_header(out, type, frames.size() - 1, packet);
        if (!data->is_null()) append_json(out, *data);
        return frames;
    }

    std::unique_ptr<Decoder> make_decoder() const override {
        return std::make_unique<JsonDecoder>(limits_);
    }

  private:
    ParserLimits limits_;
};

}  // namespace

bool is_reserved_event_name(std::string_view name) noexcept {
    for (const auto reserved : reserved_event_names) {
        if (name == reserved) return true;
    }
    return false;
}

std::string_view to_string(PacketType type) noexcept {
    switch (type) {
        case PacketType::connect:
            return "CONNECT";
        case PacketType::disconnect:
            return "DISCONNECT";
        case PacketType::event:
            return "EVENT";
        case PacketType::ack:
            return "ACK";
        case PacketType::connect_error:
            return "CONNECT_ERROR";
        case PacketType::binary_event:
            return "BINARY_EVENT";
        case PacketType::binary_ack:
            return "BINARY_ACK";
    }
    return "UNKNOWN";
}

bool read_deferred_args(std::string_view args_tail, json& out) {
    // The decoder checked this text within its limits already: none apply again.
    const ParserLimits unbounded{.max_attachments = 0,
                                 .max_nesting_depth = std::numeric_limits<std::size_t>::max(),
                                 .max_values = std::numeric_limits<std::size_t>::max()};
    thread_local std::vector<json> stack;
    return FastReader<true>(args_tail, unbounded, stack).read_array_tail(out);
}

std::shared_ptr<const Parser> json_parser(ParserLimits limits) {
    return std::make_shared<const JsonParser>(limits);
}

}  // namespace socketio::protocol
