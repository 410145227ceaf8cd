// The default Socket.IO v5 parser: the wire format of socket.io-parser (lib/index.ts,
// lib/binary.ts), one text frame `<type>[<attachments>-][<nsp>,][<id>][<json>]` followed by one
// binary frame per attachment.

#include <array>
#include <cstdint>
#include <limits>
#include <utility>

#include "socketio/protocol/error.hpp"
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

// --- UTF-8 -------------------------------------------------------------------------------------

// Well-formed UTF-8 per RFC 3629 (no overlongs, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view s) noexcept {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t length = 0;
        unsigned char low = 0x80, high = 0xBF;  // bounds of the second byte
        if (c >= 0xC2 && c <= 0xDF) {
            length = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            length = 3;
            if (c == 0xE0) low = 0xA0;
            if (c == 0xED) high = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            length = 4;
            if (c == 0xF0) low = 0x90;
            if (c == 0xF4) high = 0x8F;
        } else {
            return false;
        }
        if (s.size() - i < length) return false;
        const auto second = static_cast<unsigned char>(s[i + 1]);
        if (second < low || second > high) return false;
        for (std::size_t k = 2; k < length; ++k) {
            const auto next = static_cast<unsigned char>(s[i + k]);
            if (next < 0x80 || next > 0xBF) return false;
        }
        i += length;
    }
    return true;
}

// --- JSON helpers --------------------------------------------------------------------------------

// Builds the payload's tree like json::parse, counting as it goes: over ParserLimits::max_values
// values or max_nesting_depth levels it stops at once, so a hostile payload costs the work and
// memory of at most that many values, whatever its size ("[{},{},…]" would otherwise turn 1 MB
// of input into ~40 MB of tree). nlohmann's parser is iterative, so depth costs no stack here.
class BoundedBuilder {
  public:
    BoundedBuilder(json& result, const ParserLimits& limits)
        : dom_(result, false), limits_(limits) {}

    bool null() { return value() && dom_.null(); }
    bool boolean(bool v) { return value() && dom_.boolean(v); }
    bool number_integer(json::number_integer_t v) { return value() && dom_.number_integer(v); }
    bool number_unsigned(json::number_unsigned_t v) { return value() && dom_.number_unsigned(v); }
    bool number_float(json::number_float_t v, const json::string_t& s) {
        return value() && dom_.number_float(v, s);
    }
    bool string(json::string_t& v) { return value() && dom_.string(v); }
    bool binary(json::binary_t& v) { return value() && dom_.binary(v); }
    bool start_object(std::size_t n) { return value() && enter() && dom_.start_object(n); }
    bool key(json::string_t& k) { return dom_.key(k); }
    bool end_object() {
        --depth_;
        return dom_.end_object();
    }
    bool start_array(std::size_t n) { return value() && enter() && dom_.start_array(n); }
    bool end_array() {
        --depth_;
        return dom_.end_array();
    }
    template <class Exception>
    bool parse_error(std::size_t, const std::string&, const Exception&) {
        failure_ = error::invalid_json;
        return false;
    }

    /// Why the parse stopped (valid only after sax_parse returned false).
    error failure() const noexcept { return failure_; }

  private:
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

    nlohmann::detail::json_sax_dom_parser<json> dom_;
    const ParserLimits& limits_;
    std::size_t values_ = 0;
    std::size_t depth_ = 0;
    error failure_ = error::invalid_json;
};

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

// Is `payload` valid for `type`? socket.io-parser's isPayloadValid, and the spec's "mandatory"
// payloads: EVENT needs a non-empty array, ACK an array, CONNECT_ERROR an object or a string.
bool payload_valid(PacketType type, const json* payload) {
    switch (type) {
        case PacketType::connect:
            return payload == nullptr || payload->is_object();
        case PacketType::disconnect:
            return payload == nullptr;
        case PacketType::event:
        case PacketType::binary_event: {
            if (payload == nullptr || !payload->is_array() || payload->empty()) return false;
            const json& name = payload->front();
            if (name.is_number()) return true;
            return name.is_string() && !is_reserved_event_name(name.get_ref<const std::string&>());
        }
        case PacketType::ack:
        case PacketType::binary_ack:
            return payload != nullptr && payload->is_array();
        case PacketType::connect_error:
            return payload != nullptr && (payload->is_object() || payload->is_string());
    }
    return false;
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

    bool awaiting_attachments() const noexcept override { return expected_attachments_ != 0; }

  private:
    std::optional<Packet> fail(std::error_code& ec, error e) {
        ec = e;
        reset();
        return std::nullopt;
    }

    void reset() {
        expected_attachments_ = 0;
        attachments_.clear();
        references_.clear();
        pending_ = Packet{};
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
            if (auto failure = parse_bounded(body, limits_, packet.data)) {
                if (*failure != error::invalid_json) return fail(ec, *failure);
                const auto repaired = replace_lone_surrogates(body);
                if (!repaired) return fail(ec, error::invalid_json);
                if (auto again = parse_bounded(*repaired, limits_, packet.data)) {
                    return fail(ec, *again);
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
        references_.assign(attachments, 0);
        if (!count_placeholders(packet.data, references_)) {
            return fail(ec, error::invalid_placeholder);
        }
        for (const auto count : references_) {
            if (count == 0) return fail(ec, error::attachment_count_mismatch);
        }
        pending_ = std::move(packet);
        expected_attachments_ = attachments;
        attachments_.reserve(attachments);
        return std::nullopt;
    }

    std::optional<Packet> feed_attachment(std::string_view bytes, std::error_code& ec) {
        if (!awaiting_attachments()) return fail(ec, error::unexpected_binary_frame);
        attachments_.emplace_back(
            reinterpret_cast<const std::uint8_t*>(bytes.data()),
            reinterpret_cast<const std::uint8_t*>(bytes.data()) + bytes.size());
        if (attachments_.size() < expected_attachments_) return std::nullopt;
        fill_placeholders(pending_.data, attachments_, references_);
        Packet packet = std::move(pending_);
        reset();
        return packet;
    }

    ParserLimits limits_;
    Packet pending_;                        // the BINARY_* packet waiting for its attachments
    std::size_t expected_attachments_ = 0;  // 0: none awaited
    std::vector<json::binary_t::container_type> attachments_;
    std::vector<std::uint32_t> references_;  // placeholders per attachment
};

// --- parser -------------------------------------------------------------------------------------

class JsonParser final : public Parser {
  public:
    explicit JsonParser(ParserLimits limits) : limits_(limits) {}

    std::vector<Frame> encode(const Packet& packet) const override {
        std::vector<Frame> frames(1);
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
        out.push_back(static_cast<char>('0' + static_cast<int>(type)));
        if (is_binary_type(type)) {
            out += std::to_string(frames.size() - 1);
            out.push_back('-');
        }
        if (!packet.nsp.empty() && packet.nsp != "/") {
            out += packet.nsp;
            out.push_back(',');
        }
        if (packet.id) out += std::to_string(*packet.id);
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

std::shared_ptr<const Parser> json_parser(ParserLimits limits) {
    return std::make_shared<const JsonParser>(limits);
}

}  // namespace socketio::protocol
