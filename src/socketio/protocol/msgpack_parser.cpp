// The msgpack parser: the wire format of socket.io-msgpack-parser 3.x (index.js, on notepack.io
// 2.x). Every packet is one binary Engine.IO message, the msgpack map {type, data, nsp, id}; binary
// values travel inline as msgpack `bin`, so there are no attachments and no BINARY_* types.
//
// Decoding goes through nlohmann's SAX msgpack reader into BoundedBuilder (the ParserLimits
// bounds, keys in arrival order) and turns what notepack.io writes for JavaScript values with no
// JSON counterpart into what JSON.stringify would have made of them, so that a packet looks to the
// layers above as it would have with the JSON parser:
//   undefined (fixext 1, type 0)            a missing member / null in an array / key dropped
//   ArrayBuffer, typed array (ext, type 0)  binary, as a Buffer (bin) is
//   Date (fixext 8, type 0)                 its toISOString() (null for an invalid date)
//   another ext type                        [type, binary] (notepack.io's decoded form)
// Strings that are not UTF-8 get U+FFFD, as Buffer#toString("utf8") does on the JavaScript side.

#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <limits>
#include <optional>
#include <stdexcept>
#include <utility>

#include "socketio/protocol/bounded_builder.hpp"
#include "socketio/protocol/error.hpp"
#include "socketio/protocol/packet_rules.hpp"
#include "socketio/protocol/parser.hpp"

namespace socketio::protocol {

namespace {

using detail::BoundedBuilder;
using detail::is_valid_utf8;

// --- UTF-8 repair --------------------------------------------------------------------------------

// `s` with every ill-formed sequence replaced by U+FFFD, one per maximal subpart (the WHATWG
// decoder's rule, which Node's Buffer#toString follows).
std::string replace_invalid_utf8(std::string_view s) {
    static constexpr std::string_view replacement = "\xEF\xBF\xBD";
    std::string out;
    out.reserve(s.size() + 8);
    std::size_t i = 0;
    while (i < s.size()) {
        if (static_cast<unsigned char>(s[i]) < 0x80) {
            out.push_back(s[i]);
            ++i;
            continue;
        }
        const auto sequence = detail::utf8_sequence_at(s, i);
        if (sequence.length != 0 && sequence.valid == sequence.length) {
            out.append(s.substr(i, sequence.length));
        } else {
            out.append(replacement);  // the maximal subpart; the byte that broke it starts anew
        }
        i += sequence.length == 0 ? 1 : sequence.valid;
    }
    return out;
}

void make_utf8(std::string& s) {
    if (!is_valid_utf8(s)) s = replace_invalid_utf8(s);
}

// --- Date ----------------------------------------------------------------------------------------

// JavaScript's Date#toJSON for a time value in milliseconds since the epoch: toISOString(), or
// null outside the ±8.64e15 ms a Date can hold (years -271821 to 275760, beyond std::chrono::year).
json date_to_json(std::int64_t ms) {
    constexpr std::int64_t max_time = 8'640'000'000'000'000;
    if (ms < -max_time || ms > max_time) return nullptr;
    constexpr std::int64_t ms_per_day = 86'400'000;
    std::int64_t days = ms / ms_per_day;
    std::int64_t in_day = ms % ms_per_day;
    if (in_day < 0) {
        in_day += ms_per_day;
        --days;
    }
    // Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's civil_from_days).
    const std::int64_t z = days + 719'468;
    const std::int64_t era = (z >= 0 ? z : z - 146'096) / 146'097;
    const std::int64_t day_of_era = z - era * 146'097;
    const std::int64_t year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36'524 - day_of_era / 146'096) / 365;
    const std::int64_t day_of_year =
        day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const std::int64_t shifted_month = (5 * day_of_year + 2) / 153;  // March = 0
    const std::int64_t day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    const std::int64_t month = shifted_month < 10 ? shifted_month + 3 : shifted_month - 9;
    const std::int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);

    char text[48];
    const char* year_format =
        year >= 0 && year <= 9999 ? "%04lld" : (year < 0 ? "-%06lld" : "+%06lld");
    int n = std::snprintf(text, sizeof text, year_format,
                          static_cast<long long>(year < 0 ? -year : year));
    n += std::snprintf(text + n, sizeof text - static_cast<std::size_t>(n),
                       "-%02lld-%02lldT%02lld:%02lld:%02lld.%03lldZ", static_cast<long long>(month),
                       static_cast<long long>(day), static_cast<long long>(in_day / 3'600'000),
                       static_cast<long long>(in_day / 60'000 % 60),
                       static_cast<long long>(in_day / 1000 % 60),
                       static_cast<long long>(in_day % 1000));
    return std::string(text, static_cast<std::size_t>(n));
}

// --- reading -------------------------------------------------------------------------------------

// An input iterator over the frame that publishes how far the reader got, so a SAX callback can
// look at the bytes of the value just read: nlohmann reports fixext and ext values alike (binary
// with a subtype), but notepack.io gives fixext 1 and fixext 8 of type 0 their own meaning.
struct TrackingIterator {
    using iterator_category = std::input_iterator_tag;
    using value_type = char;
    using difference_type = std::ptrdiff_t;
    using pointer = const char*;
    using reference = const char&;

    const char* at;
    const char** cursor;  // where `at` is published (the end iterator is never advanced)

    reference operator*() const noexcept { return *at; }
    TrackingIterator& operator++() noexcept {
        *cursor = ++at;
        return *this;
    }
    TrackingIterator operator++(int) noexcept {
        TrackingIterator before = *this;
        ++*this;
        return before;
    }
    friend bool operator==(const TrackingIterator& a, const TrackingIterator& b) noexcept {
        return a.at == b.at;
    }
};

// The members of the packet map, as read.
struct Envelope {
    enum Member : unsigned { type = 1, nsp = 2, data = 4, id = 8 };
    unsigned present = 0;  // Member bits: keys that were there, with a value other than undefined
    json type_value;
    json nsp_value;
    json data_value;
    json id_value;
    json ignored;  // the value of a key the packet does not use (socket.io-client's "options")
};

// A SAX consumer for one frame: the root must be a map; the value of each of its keys is built
// with a BoundedBuilder of its own (so `data` is bounded exactly as the JSON parser bounds a
// payload), the JavaScript-only values translated on the way (see the top of the file).
class PacketReader {
  public:
    /// `containers`: scratch space kept between frames (cleared here).
    PacketReader(Envelope& envelope, const ParserLimits& limits, const char* const& cursor,
                 std::vector<bool>& containers)
        : envelope_(envelope), limits_(limits), cursor_(cursor), containers_(containers) {
        containers_.clear();
    }

    bool null() {
        return forward([](BoundedBuilder& b) { return b.null(); });
    }
    bool boolean(bool v) {
        return forward([v](BoundedBuilder& b) { return b.boolean(v); });
    }
    bool number_integer(json::number_integer_t v) {
        return forward([v](BoundedBuilder& b) { return b.number_integer(v); });
    }
    bool number_unsigned(json::number_unsigned_t v) {
        return forward([v](BoundedBuilder& b) { return b.number_unsigned(v); });
    }
    bool number_float(json::number_float_t v, const json::string_t& text) {
        return forward([&](BoundedBuilder& b) { return b.number_float(v, text); });
    }
    bool string(json::string_t& v) {
        make_utf8(v);
        return forward([&](BoundedBuilder& b) { return b.string(v); });
    }
    bool binary(json::binary_t& v) {
        if (depth_ == 0) return forward([](BoundedBuilder&) { return true; });  // refused there
        if (!v.has_subtype()) return forward([&](BoundedBuilder& b) { return b.binary(v); });
        const auto type = static_cast<std::int8_t>(v.subtype());
        if (type == 0 && fixext(v.size())) {
            if (v.size() == 1) return undefined();
            if (v.size() == 8) {
                std::uint64_t bits = 0;
                for (const auto byte : v) bits = bits << 8 | byte;
                // notepack.io: a signed high half times 2^32 plus an unsigned low half.
                const auto ms = static_cast<std::int64_t>(bits);
                json date = date_to_json(ms);
                if (date.is_null()) return null();
                return forward(
                    [&](BoundedBuilder& b) { return b.string(date.get_ref<std::string&>()); });
            }
        }
        if (type == 0 && !fixext(v.size())) {
            // An ArrayBuffer or typed array: bytes, as a Buffer's are.
            json::binary_t bytes(std::move(static_cast<json::binary_t::container_type&>(v)));
            return forward([&](BoundedBuilder& b) { return b.binary(bytes); });
        }
        // notepack.io decodes any other extension as [type, Buffer].
        json::binary_t bytes(std::move(static_cast<json::binary_t::container_type&>(v)));
        return start_array(2) &&
               forward([&](BoundedBuilder& b) { return b.number_integer(type); }) &&
               forward([&](BoundedBuilder& b) { return b.binary(bytes); }) && end_array();
    }
    bool start_object(std::size_t size) {
        if (depth_ == 0) {
            depth_ = 1;  // the packet map
            containers_.push_back(true);
            return true;
        }
        if (!forward([size](BoundedBuilder& b) { return b.start_object(size); })) return false;
        ++depth_;
        containers_.push_back(true);
        return true;
    }
    bool key(json::string_t& k) {
        make_utf8(k);
        if (depth_ == 1) return member(k);
        return builder_->key(k);
    }
    bool end_object() {
        --depth_;
        containers_.pop_back();
        if (depth_ == 0) return true;  // the packet map
        return builder_->end_object();
    }
    bool start_array(std::size_t size) {
        if (!forward([size](BoundedBuilder& b) { return b.start_array(size); })) return false;
        ++depth_;
        containers_.push_back(false);
        return true;
    }
    bool end_array() {
        --depth_;
        containers_.pop_back();
        return builder_->end_array();
    }
    template <class Exception>
    bool parse_error(std::size_t, const std::string&, const Exception&) {
        failure_ = error::invalid_msgpack;
        return false;
    }

    /// Why the parse stopped (valid only after sax_parse returned false).
    error failure() const noexcept { return failure_; }

  private:
    // A value starts or continues the value of the current key.
    template <class Event>
    bool forward(Event&& event) {
        if (depth_ == 0) {
            // socket.io-msgpack-parser would find no `type` on anything but a map.
            failure_ = error::invalid_packet_type;
            return false;
        }
        if (!event(*builder_)) {
            failure_ = builder_->failure();
            return false;
        }
        return true;
    }

    bool member(const std::string& name) {
        json* target = &envelope_.ignored;
        current_ = 0;
        if (name == "type") {
            target = &envelope_.type_value;
            current_ = Envelope::type;
        } else if (name == "nsp") {
            target = &envelope_.nsp_value;
            current_ = Envelope::nsp;
        } else if (name == "data") {
            target = &envelope_.data_value;
            current_ = Envelope::data;
        } else if (name == "id") {
            target = &envelope_.id_value;
            current_ = Envelope::id;
        }
        // A repeated key: the last value wins (as in a JavaScript object).
        envelope_.present |= current_;
        builder_.emplace(*target, limits_);
        return true;
    }

    // JavaScript's undefined: as JSON.stringify treats it.
    bool undefined() {
        if (depth_ == 1) {
            envelope_.present &= ~current_;  // {data: undefined} has no data
            return true;
        }
        if (containers_.back()) return true;  // a member of an object: left out
        return null();                        // an element of an array: null
    }

    // Whether the extension value of `size` bytes just read was a fixext (0xd4..0xd8: one byte
    // of type before the data) rather than an ext 8/16/32 (whose last length byte, `size` itself
    // or its low byte, sits there instead and is never 0xd4..0xd8 for these sizes).
    bool fixext(std::size_t size) const noexcept {
        unsigned char code = 0;
        switch (size) {
            case 1:
                code = 0xd4;
                break;
            case 2:
                code = 0xd5;
                break;
            case 4:
                code = 0xd6;
                break;
            case 8:
                code = 0xd7;
                break;
            case 16:
                code = 0xd8;
                break;
            default:
                return false;
        }
        return static_cast<unsigned char>(*(cursor_ - size - 2)) == code;
    }

    Envelope& envelope_;
    const ParserLimits& limits_;
    const char* const& cursor_;  // just past the last byte read
    std::optional<BoundedBuilder> builder_;
    std::vector<bool>& containers_;  // open containers, innermost last: true for a map
    std::size_t depth_ = 0;          // open containers, the packet map included
    unsigned current_ = 0;           // the Envelope::Member being read (0: an ignored key)
    error failure_ = error::invalid_msgpack;
};

// JavaScript's Number.isInteger for a decoded number, as an unsigned value (nullopt: not an
// integer, or negative, or over 64 bits).
std::optional<std::uint64_t> unsigned_integer(const json& value) {
    if (value.is_number_unsigned()) return value.get<std::uint64_t>();
    if (value.is_number_integer()) {
        const auto v = value.get<std::int64_t>();
        if (v < 0) return std::nullopt;
        return static_cast<std::uint64_t>(v);
    }
    if (value.is_number_float()) {
        const double v = value.get<double>();
        if (!std::isfinite(v) || std::floor(v) != v || v < 0 || v >= 18446744073709551616.0) {
            return std::nullopt;
        }
        return static_cast<std::uint64_t>(v);
    }
    return std::nullopt;
}

class MsgpackDecoder final : public Decoder {
  public:
    explicit MsgpackDecoder(ParserLimits limits) : limits_(limits) {}

    std::optional<Packet> feed(std::string_view data, bool binary, std::error_code& ec) override {
        ec.clear();
        if (!binary) return fail(ec, error::unexpected_text_frame);
        Envelope envelope;
        const char* cursor = data.data();
        PacketReader reader(envelope, limits_, cursor, containers_);
        const TrackingIterator first{data.data(), &cursor};
        const TrackingIterator last{data.data() + data.size(), &cursor};
        if (!json::sax_parse(first, last, &reader, json::input_format_t::msgpack)) {
            return fail(ec, reader.failure());
        }

        // socket.io-msgpack-parser's checkPacket, in its order: type, nsp, data, id.
        const auto type = (envelope.present & Envelope::type) != 0
                              ? unsigned_integer(envelope.type_value)
                              : std::nullopt;
        if (!type || *type > static_cast<std::uint64_t>(PacketType::connect_error)) {
            return fail(ec, error::invalid_packet_type);
        }
        Packet packet;
        packet.type = static_cast<PacketType>(*type);
        // A namespace the JSON format could carry too (it starts with '/' and ends at a ','):
        // the layers above rely on it.
        if ((envelope.present & Envelope::nsp) == 0 || !envelope.nsp_value.is_string()) {
            return fail(ec, error::invalid_namespace);
        }
        packet.nsp = std::move(envelope.nsp_value.get_ref<std::string&>());
        if (packet.nsp.empty() || packet.nsp.front() != '/' ||
            packet.nsp.find(',') != std::string::npos) {
            return fail(ec, error::invalid_namespace);
        }
        const bool has_data = (envelope.present & Envelope::data) != 0;
        if (!detail::payload_valid(packet.type, has_data ? &envelope.data_value : nullptr)) {
            return fail(ec, error::invalid_payload);
        }
        if ((envelope.present & Envelope::id) != 0) {
            packet.id = unsigned_integer(envelope.id_value);
            if (!packet.id) return fail(ec, error::invalid_ack_id);
        }
        if (has_data) packet.data = std::move(envelope.data_value);
        return packet;
    }

    bool awaiting_attachments() const noexcept override { return false; }

  private:
    static std::optional<Packet> fail(std::error_code& ec, error e) {
        ec = e;
        return std::nullopt;
    }

    ParserLimits limits_;
    std::vector<bool> containers_;  // PacketReader's scratch, kept for its capacity
};

// --- writing -------------------------------------------------------------------------------------

void put_byte(std::string& out, unsigned value) {
    out.push_back(static_cast<char>(static_cast<unsigned char>(value)));
}

// `value` big-endian in `bytes` bytes.
void put_big_endian(std::string& out, std::uint64_t value, int bytes) {
    for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8)
        put_byte(out, (value >> shift) & 0xFF);
}

// A length-prefixed header: `fix` | size when size < fix_limit, else the 8/16/32-bit forms (code8
// 0 when there is no 8-bit form).
void put_header(std::string& out, std::size_t size, unsigned fix, std::size_t fix_limit,
                unsigned code8, unsigned code16, unsigned code32) {
    if (size < fix_limit) {
        put_byte(out, fix | static_cast<unsigned>(size));
    } else if (code8 != 0 && size <= 0xFF) {
        put_byte(out, code8);
        put_byte(out, static_cast<unsigned>(size));
    } else if (size <= 0xFFFF) {
        put_byte(out, code16);
        put_big_endian(out, size, 2);
    } else if (size <= 0xFFFF'FFFF) {
        put_byte(out, code32);
        put_big_endian(out, size, 4);
    } else {
        throw std::length_error("msgpack: a string, binary, array or map over 2^32 - 1");
    }
}

void put_unsigned(std::string& out, std::uint64_t v) {
    if (v < 0x80) {
        put_byte(out, static_cast<unsigned>(v));
    } else if (v <= 0xFF) {
        put_byte(out, 0xCC);
        put_byte(out, static_cast<unsigned>(v));
    } else if (v <= 0xFFFF) {
        put_byte(out, 0xCD);
        put_big_endian(out, v, 2);
    } else if (v <= 0xFFFF'FFFF) {
        put_byte(out, 0xCE);
        put_big_endian(out, v, 4);
    } else {
        put_byte(out, 0xCF);
        put_big_endian(out, v, 8);
    }
}

void put_integer(std::string& out, std::int64_t v) {
    if (v >= 0) return put_unsigned(out, static_cast<std::uint64_t>(v));
    const auto bits = static_cast<std::uint64_t>(v);
    if (v >= -32) {
        put_byte(out, static_cast<unsigned>(bits & 0xFF));  // negative fixint
    } else if (v >= -128) {
        put_byte(out, 0xD0);
        put_big_endian(out, bits, 1);
    } else if (v >= -32768) {
        put_byte(out, 0xD1);
        put_big_endian(out, bits, 2);
    } else if (v >= -2147483648LL) {
        put_byte(out, 0xD2);
        put_big_endian(out, bits, 4);
    } else {
        put_byte(out, 0xD3);
        put_big_endian(out, bits, 8);
    }
}

void put_string(std::string& out, std::string_view s) {
    if (!is_valid_utf8(s)) {
        // As the JSON parser's writer: U+FFFD rather than bytes a peer may refuse.
        const std::string repaired = replace_invalid_utf8(s);
        put_header(out, repaired.size(), 0xA0, 32, 0xD9, 0xDA, 0xDB);
        out.append(repaired);
        return;
    }
    put_header(out, s.size(), 0xA0, 32, 0xD9, 0xDA, 0xDB);
    out.append(s);
}

// notepack.io's encoding of the value, except that a float is always a float 64 (notepack.io
// writes an integral one as an integer: JavaScript has one number type, the peer reads the same).
void put_value(std::string& out, const json& value) {
    switch (value.type()) {
        case json::value_t::null:
        case json::value_t::discarded:
            return put_byte(out, 0xC0);
        case json::value_t::boolean:
            return put_byte(out, value.get<bool>() ? 0xC3 : 0xC2);
        case json::value_t::number_integer:
            return put_integer(out, value.get<json::number_integer_t>());
        case json::value_t::number_unsigned:
            return put_unsigned(out, value.get<json::number_unsigned_t>());
        case json::value_t::number_float: {
            const double v = value.get<double>();
            std::uint64_t bits = 0;
            std::memcpy(&bits, &v, sizeof bits);
            put_byte(out, 0xCB);
            return put_big_endian(out, bits, 8);
        }
        case json::value_t::string:
            return put_string(out, value.get_ref<const std::string&>());
        case json::value_t::binary: {
            // Always `bin`, whatever its subtype: the peer gets a Buffer (an ArrayBuffer in a
            // browser), as with the JSON parser's attachments.
            const auto& bytes = value.get_binary();
            put_header(out, bytes.size(), 0, 0, 0xC4, 0xC5, 0xC6);
            out.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
            return;
        }
        case json::value_t::array: {
            const auto& elements = value.get_ref<const json::array_t&>();
            put_header(out, elements.size(), 0x90, 16, 0, 0xDC, 0xDD);
            for (const auto& element : elements) put_value(out, element);
            return;
        }
        case json::value_t::object: {
            const auto& members = value.get_ref<const json::object_t&>();
            put_header(out, members.size(), 0x80, 16, 0, 0xDE, 0xDF);
            for (const auto& [key, member] : members) {
                put_string(out, key);
                put_value(out, member);
            }
            return;
        }
    }
}

class MsgpackParser final : public Parser {
  public:
    explicit MsgpackParser(ParserLimits limits) : limits_(limits) {}

    // Never one text frame.
    bool encode_text(const Packet&, std::string&) const override { return false; }

    std::vector<Frame> encode(const Packet& packet) const override {
        std::vector<Frame> frames(1);
        Frame& frame = frames.front();
        frame.binary = true;
        std::string& out = frame.data;
        // Binary travels inline: BINARY_EVENT and BINARY_ACK are plain EVENT and ACK here (the
        // npm decoder refuses types above CONNECT_ERROR).
        PacketType type = packet.type;
        if (type == PacketType::binary_event) type = PacketType::event;
        if (type == PacketType::binary_ack) type = PacketType::ack;
        const bool has_data = !packet.data.is_null();
        // The keys in the order socket.io's broadcasts write them: type, data, nsp, id.
        put_byte(out, 0x80 | (2u + (has_data ? 1u : 0u) + (packet.id ? 1u : 0u)));
        out.append("\xA4type");
        put_unsigned(out, static_cast<std::uint64_t>(type));
        if (has_data) {
            out.append(
                "\xA4"
                "data");
            put_value(out, packet.data);
        }
        out.append("\xA3nsp");
        put_string(out, packet.nsp.empty() ? std::string_view("/") : std::string_view(packet.nsp));
        if (packet.id) {
            out.append("\xA2id");
            put_unsigned(out, *packet.id);
        }
        return frames;
    }

    std::unique_ptr<Decoder> make_decoder() const override {
        return std::make_unique<MsgpackDecoder>(limits_);
    }

  private:
    ParserLimits limits_;
};

}  // namespace

std::shared_ptr<const Parser> msgpack_parser(ParserLimits limits) {
    return std::make_shared<const MsgpackParser>(limits);
}

}  // namespace socketio::protocol
