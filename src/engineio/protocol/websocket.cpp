#include "engineio/protocol/websocket.hpp"

#include <zlib.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <new>

#include "engineio/protocol/utf8.hpp"

namespace engineio::protocol::ws {

namespace {

// ---- permessage-deflate negotiation (RFC 7692 §7.1, the header grammar of RFC 6455 §9.1) ----

bool is_tchar(char c) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= '0' && u <= '9') return true;
    if ((u | 0x20) >= 'a' && (u | 0x20) <= 'z') return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), is_tchar);
}

std::string_view trim(std::string_view text) {
    const auto is_space = [](char c) { return c == ' ' || c == '\t'; };
    while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
    return text;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

/// Splits `text` at each `separator` outside a quoted-string, so a quoted ',' or ';' does not
/// cut an element (it makes that parameter invalid instead, when its value is checked).
template <typename Visit>
void split_unquoted(std::string_view text, char separator, Visit visit) {
    bool quoted = false;
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '\\') {
                ++i;  // the escaped character, whatever it is
            } else if (c == '"') {
                quoted = false;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == separator) {
            visit(text.substr(start, i - start));
            start = i + 1;
        }
    }
    visit(text.substr(start));
}

/// A parameter value: a token, or a quoted-string whose unescaped content is a token (RFC 6455
/// §9.1). Window bits are tokens of digits, so the unescaped form never needs more than a copy.
std::optional<std::string> parse_value(std::string_view text) {
    if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
        std::string value;
        const std::string_view inner = text.substr(1, text.size() - 2);
        for (std::size_t i = 0; i < inner.size(); ++i) {
            if (inner[i] == '\\') {
                if (++i == inner.size()) return std::nullopt;
            } else if (inner[i] == '"') {
                return std::nullopt;
            }
            value.push_back(inner[i]);
        }
        if (!is_token(value)) return std::nullopt;
        return value;
    }
    if (!is_token(text)) return std::nullopt;
    return std::string(text);
}

/// 8..15 written without leading zeros (RFC 7692 §7.1.2.1).
std::optional<int> parse_window_bits(std::string_view value) {
    if (value.size() == 1 && value[0] >= '8' && value[0] <= '9') return value[0] - '0';
    if (value.size() == 2 && value[0] == '1' && value[1] >= '0' && value[1] <= '5')
        return 10 + (value[1] - '0');
    return std::nullopt;
}

/// One element of the header: a permessage-deflate offer whose parameters this server accepts,
/// or nothing (another extension, or an offer with an unknown, repeated or invalid parameter).
std::optional<DeflateParams> parse_offer(std::string_view offer) {
    std::optional<DeflateParams> params;
    bool first = true;
    bool valid = true;
    bool seen_server_no_takeover = false;
    bool seen_client_no_takeover = false;
    split_unquoted(offer, ';', [&](std::string_view part) {
        part = trim(part);
        if (!valid) return;
        if (first) {
            first = false;
            valid = iequals(part, "permessage-deflate");
            if (valid) params.emplace();
            return;
        }
        const std::size_t equals = part.find('=');
        const std::string_view name = trim(part.substr(0, equals));
        std::optional<std::string> value;
        if (equals != std::string_view::npos) {
            value = parse_value(trim(part.substr(equals + 1)));
            if (!value) {
                valid = false;
                return;
            }
        }
        const auto flag = [&](bool& seen, bool& field) {
            if (seen || value) valid = false;
            seen = field = true;
        };
        const auto window_bits = [&](bool& offered, int& field, bool value_required) {
            if (offered) valid = false;
            offered = true;
            if (!value) {
                valid = valid && !value_required;
                return;
            }
            const std::optional<int> bits = parse_window_bits(*value);
            if (!bits)
                valid = false;
            else
                field = *bits;
        };
        if (iequals(name, "server_no_context_takeover")) {
            flag(seen_server_no_takeover, params->server_no_context_takeover);
        } else if (iequals(name, "client_no_context_takeover")) {
            flag(seen_client_no_takeover, params->client_no_context_takeover);
        } else if (iequals(name, "server_max_window_bits")) {
            window_bits(params->server_max_window_bits_offered, params->server_max_window_bits,
                        true);
        } else if (iequals(name, "client_max_window_bits")) {
            window_bits(params->client_max_window_bits_offered, params->client_max_window_bits,
                        false);
        } else {
            valid = false;
        }
    });
    if (!valid) return std::nullopt;
    return params;
}

// ---- Frames ----

void append_length(std::string& out, char first_byte, std::size_t payload_size) {
    char header[10];
    header[0] = first_byte;
    std::size_t size;
    if (payload_size < 126) {
        header[1] = static_cast<char>(payload_size);
        size = 2;
    } else if (payload_size <= 0xFFFF) {
        header[1] = 126;
        header[2] = static_cast<char>(payload_size >> 8);
        header[3] = static_cast<char>(payload_size);
        size = 4;
    } else {
        header[1] = 127;
        const auto length = static_cast<std::uint64_t>(payload_size);
        for (int i = 0; i < 8; ++i) header[2 + i] = static_cast<char>(length >> (56 - 8 * i));
        size = 10;
    }
    out.append(header, size);
}

/// XORs `size` bytes with the 4-byte `key` (RFC 6455 §5.3). Every frame is unmasked from its
/// first payload byte, so the key repeated twice masks 8 bytes at a time.
void unmask(char* payload, std::size_t size, const char* key) {
    std::uint32_t key32;
    std::memcpy(&key32, key, sizeof key32);
    const std::uint64_t key64 = (std::uint64_t{key32} << 32) | key32;
    std::size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        std::uint64_t word;
        std::memcpy(&word, payload + i, sizeof word);
        word ^= key64;
        std::memcpy(payload + i, &word, sizeof word);
    }
    for (; i < size; ++i) payload[i] ^= key[i & 3];
}

/// Close codes a peer may send (RFC 6455 §7.4.1, §7.4.2 and the IANA registry up to 1014;
/// 1004-1006 and 1015 are reserved, 1016-2999 are for future RFCs, 3000-4999 for applications).
bool is_sendable_close_code(std::uint16_t code) {
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
           (code >= 3000 && code <= 4999);
}

/// The largest compressed message accepted for `max_message_size` bytes once inflated: deflate
/// may expand incompressible data by a little (zlib's deflateBound(): size/4096 + size/16384 + 13
/// bytes more), so a message of exactly the maximum still fits when a client compresses it.
std::size_t compressed_limit(std::size_t max_message_size) {
    const std::size_t slack = max_message_size / 1024 + 64;
    return max_message_size > SIZE_MAX - slack ? SIZE_MAX : max_message_size + slack;
}

/// zlib counts in uInt; a buffer larger than that is fed in pieces.
uInt clamp_uint(std::size_t size) {
    return static_cast<uInt>(std::min<std::size_t>(size, UINT_MAX));
}

constexpr unsigned char kDeflateTail[4] = {0x00, 0x00, 0xFF, 0xFF};

}  // namespace

std::optional<DeflateParams> negotiate_deflate(std::string_view extensions_header) {
    std::optional<DeflateParams> accepted;
    split_unquoted(extensions_header, ',', [&](std::string_view offer) {
        if (accepted) return;
        offer = trim(offer);
        if (!offer.empty()) accepted = parse_offer(offer);
    });
    return accepted;
}

std::string format_deflate_response(const DeflateParams& params) {
    std::string out = "permessage-deflate";
    if (params.server_no_context_takeover) out += "; server_no_context_takeover";
    if (params.client_no_context_takeover) out += "; client_no_context_takeover";
    if (params.server_max_window_bits_offered) {
        out += "; server_max_window_bits=";
        out += std::to_string(params.server_max_window_bits);
    }
    if (params.client_max_window_bits_offered) {
        out += "; client_max_window_bits=";
        out += std::to_string(params.client_max_window_bits);
    }
    return out;
}

void append_frame_header(std::string& out, Opcode opcode, std::size_t payload_size, bool rsv1) {
    const auto first = static_cast<char>(0x80 | (rsv1 ? 0x40 : 0) | static_cast<int>(opcode));
    append_length(out, first, payload_size);
}

void append_close_frame(std::string& out, std::uint16_t code, std::string_view reason) {
    constexpr std::size_t kMaxReason = 125 - 2;
    if (reason.size() > kMaxReason) {
        // Cut before the sequence the limit falls in, so the reason stays UTF-8.
        std::size_t cut = kMaxReason;
        while (cut > 0 && (static_cast<unsigned char>(reason[cut]) & 0xC0) == 0x80) --cut;
        reason = reason.substr(0, cut);
    }
    append_frame_header(out, Opcode::close, 2 + reason.size());
    out.push_back(static_cast<char>(code >> 8));
    out.push_back(static_cast<char>(code));
    out.append(reason);
}

// ---- MessageDeflater ----

struct MessageDeflater::State {
    DeflateParams params;
    z_stream stream{};
    bool initialized = false;

    ~State() {
        if (initialized) deflateEnd(&stream);
    }

    void initialize() {
        // A raw deflate window of 8 bits is refused by zlib; 9 is what it used to make of 8.
        const int window_bits = std::clamp(params.server_max_window_bits, 9, 15);
        const int result = deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -window_bits, 8,
                                        Z_DEFAULT_STRATEGY);
        if (result != Z_OK) throw std::bad_alloc();  // Z_MEM_ERROR: the arguments are valid
        initialized = true;
    }

    /// Runs deflate() with `flush` until it has taken all of its input and has nothing more to
    /// write, growing `out` (whose bytes from `written` on are free space) as it needs.
    void run(int flush, std::string& out, std::size_t& written) {
        do {
            if (written == out.size()) out.resize(out.size() + std::max<std::size_t>(64, written));
            stream.next_out = reinterpret_cast<Bytef*>(out.data() + written);
            stream.avail_out = clamp_uint(out.size() - written);
            const uInt in_before = stream.avail_in;
            const uInt out_before = stream.avail_out;
            // Z_OK, or Z_BUF_ERROR when there was nothing to do; with valid arguments and room to
            // write, nothing else.
            deflate(&stream, flush);
            written += out_before - stream.avail_out;
            if (in_before == stream.avail_in && out_before == stream.avail_out) break;
        } while (stream.avail_in > 0 || stream.avail_out == 0);
    }
};

MessageDeflater::MessageDeflater(const DeflateParams& params) : state_(std::make_unique<State>()) {
    state_->params = params;
}

MessageDeflater::~MessageDeflater() = default;

void MessageDeflater::compress(std::span<const std::string_view> parts, std::string& out) {
    State& state = *state_;
    if (!state.initialized) state.initialize();
    z_stream& stream = state.stream;
    std::size_t total = 0;
    for (std::string_view part : parts) total += part.size();
    const std::size_t start = out.size();
    std::size_t written = start;
    // Room for the whole message at once in the usual case; run() grows it otherwise.
    out.resize(start + deflateBound(&stream, static_cast<uLong>(total)) + 16);
    for (std::string_view part : parts) {
        while (!part.empty()) {
            const uInt piece = clamp_uint(part.size());
            stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(part.data()));
            stream.avail_in = piece;
            state.run(Z_NO_FLUSH, out, written);
            part.remove_prefix(piece);
        }
    }
    stream.next_in = nullptr;
    stream.avail_in = 0;
    // The sync flush ends the message on a byte boundary with an empty stored block, 00 00 FF FF,
    // which the peer appends itself (§7.2.1).
    state.run(Z_SYNC_FLUSH, out, written);
    if (written - start >= 4 &&
        std::memcmp(out.data() + written - 4, kDeflateTail, sizeof kDeflateTail) == 0) {
        written -= 4;
    }
    out.resize(written);
    // An empty message right after another flush makes zlib write nothing (it has no block to
    // end). The peer inflates an empty message from its first byte and the tail it appends, so
    // it gets what §7.2.3.6 shows: 00, the header of an empty stored block (the stream is at a
    // byte boundary after the last flush, and our deflater's state does not change).
    if (written == start) out.push_back('\0');
    if (state.params.server_no_context_takeover) deflateReset(&stream);
}

// ---- FrameReader ----

namespace {

struct Inflater {
    z_stream stream{};

    Inflater() {
        // 15 bits whatever the client's window: a smaller window always inflates with a larger.
        if (inflateInit2(&stream, -15) != Z_OK) throw std::bad_alloc();
    }
    ~Inflater() { inflateEnd(&stream); }
    Inflater(const Inflater&) = delete;
    Inflater& operator=(const Inflater&) = delete;
};

enum class InflateResult : std::uint8_t { ok, too_big, corrupt };

}  // namespace

/// What only some readers need: one negotiating permessage-deflate, one amid a fragmented or
/// compressed message, one that saw the input break the protocol. Allocated by the first such
/// need and freed by shrink() once it holds nothing to keep, so a reader of whole uncompressed
/// frames, and an idle one, has none (every connection has a reader: ~64 bytes of its memory).
struct FrameReader::State {
    std::size_t max_message_size = 0;
    std::unique_ptr<const DeflateParams> deflate;  ///< permessage-deflate was negotiated
    /// Once the input broke the protocol (error_code set: no close code is 0): the error event,
    /// reported from then on.
    std::string_view error_why;
    std::uint16_t error_code = 0;

    // The fragmented message in progress: its first frame came, its final frame has not.
    bool in_message = false;
    bool message_text = false;
    bool message_compressed = false;
    /// The fragments so far (compressed, if the message is); the payload of a fragmented
    /// uncompressed message once it is complete.
    std::string assembly;
    /// The last inflated message, at its start (the event's view says how long). Its size() is
    /// the room inflate may write to: never shrunk between messages, so never zero-filled again.
    std::string inflated;
    std::unique_ptr<Inflater> inflater;

    /// Nothing here outlives an idle moment: no settings, no error, no message in progress, no
    /// inflate window to keep.
    bool disposable() const noexcept {
        return !deflate && error_code == 0 && !in_message && !inflater;
    }

    std::size_t fail(Event& event, std::uint16_t code, std::string_view why) {
        error_code = code;
        error_why = why;
        return report_error(event);
    }
    std::size_t report_error(Event& event) const {
        event.kind = Event::Kind::error;
        event.code = error_code;
        event.payload = error_why;
        return 0;
    }

    InflateResult inflate_message(std::string_view compressed, std::string_view& message);

    /// Inflates a compressed message into `message`; false once the error event is set.
    bool inflate_or_fail(Event& event, std::string_view compressed, std::string_view& message) {
        switch (inflate_message(compressed, message)) {
            case InflateResult::ok:
                return true;
            case InflateResult::too_big:
                fail(event, close_code::too_big, "message over max_message_size");
                return false;
            case InflateResult::corrupt:
                fail(event, close_code::protocol_error, "invalid deflate data");
                return false;
        }
        return false;
    }
};

InflateResult FrameReader::State::inflate_message(std::string_view compressed,
                                                  std::string_view& message) {
    if (compressed.empty()) {
        // Not a deflate block at all (an empty message is at least 00, §7.2.3.6), but some
        // client may send it for an empty message: inflating our tail alone would corrupt the
        // context.
        message = {};
        return InflateResult::ok;
    }
    if (!inflater) inflater = std::make_unique<Inflater>();
    z_stream& stream = inflater->stream;
    const std::size_t limit = max_message_size;
    // One byte more than the limit is room enough to see that a message is over it: inflating
    // stops there, however far a small compressed message would expand.
    const std::size_t room = limit == SIZE_MAX ? limit : limit + 1;
    std::size_t produced = 0;
    const std::string_view inputs[2] = {
        compressed, {reinterpret_cast<const char*>(kDeflateTail), sizeof kDeflateTail}};
    bool stream_ended = false;
    for (std::size_t i = 0; i < 2 && !stream_ended; ++i) {
        std::string_view input = inputs[i];
        // Until the input is taken and inflate() stops before filling the room it was given (it
        // may hold more output when it fills it).
        do {
            if (produced == inflated.size()) {
                if (inflated.size() >= room) return InflateResult::too_big;
                const std::size_t grown =
                    std::max<std::size_t>({inflated.size() * 2, compressed.size() * 4, 256});
                inflated.resize(std::min(grown, room));
            }
            const uInt in_before = clamp_uint(input.size());
            stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
            stream.avail_in = in_before;
            stream.next_out = reinterpret_cast<Bytef*>(inflated.data() + produced);
            stream.avail_out = clamp_uint(inflated.size() - produced);
            const uInt out_before = stream.avail_out;
            const int result = inflate(&stream, Z_SYNC_FLUSH);
            input.remove_prefix(in_before - stream.avail_in);
            produced += out_before - stream.avail_out;
            if (produced > limit) return InflateResult::too_big;
            if (result == Z_MEM_ERROR) throw std::bad_alloc();
            if (result == Z_STREAM_END) {
                // A final block (BFINAL) ended the deflate stream: nothing of the message may
                // follow it (our tail may), and the next message starts a new stream.
                if (i == 0 && !input.empty()) return InflateResult::corrupt;
                stream_ended = true;
                break;
            }
            if (result != Z_OK && result != Z_BUF_ERROR) return InflateResult::corrupt;
            // Z_BUF_ERROR: nothing more to do. zlib makes progress whenever it has both input
            // and room, so this ends the loop only when the input is taken.
            if (in_before == stream.avail_in && out_before == stream.avail_out) {
                if (!input.empty()) return InflateResult::corrupt;
                break;
            }
        } while (!input.empty() || stream.avail_out == 0);
    }
    if (stream_ended || deflate->client_no_context_takeover) inflateReset(&stream);
    message = std::string_view(inflated.data(), produced);
    return InflateResult::ok;
}

FrameReader::FrameReader(Config config) : max_message_size_(config.max_message_size) {
    if (config.deflate) {
        state().deflate = std::make_unique<const DeflateParams>(*config.deflate);
    }
}
FrameReader::~FrameReader() = default;
FrameReader::FrameReader(FrameReader&&) noexcept = default;
FrameReader& FrameReader::operator=(FrameReader&&) noexcept = default;

FrameReader::State& FrameReader::state() {
    if (!state_) {
        state_ = std::make_unique<State>();
        state_->max_message_size = max_message_size_;
    }
    return *state_;
}

std::size_t FrameReader::fail(Event& event, std::uint16_t code, std::string_view why) {
    return state().fail(event, code, why);
}

std::size_t FrameReader::deliver(Event& event, bool text, std::string_view message,
                                 std::size_t used) {
    if (text && !is_valid_utf8(message)) {
        return fail(event, close_code::invalid_payload, "text message is not UTF-8");
    }
    event.kind = text ? Event::Kind::text : Event::Kind::binary;
    event.payload = message;
    return used;
}

std::size_t FrameReader::buffered() const noexcept {
    return state_ && state_->in_message ? state_->assembly.size() : 0;
}

void FrameReader::shrink() noexcept {
    if (!state_) return;
    State& state = *state_;
    if (state.in_message) {
        try {
            state.assembly.shrink_to_fit();  // a copy: it may fail, and then nothing is freed
        } catch (const std::bad_alloc&) {
        }
    } else {
        std::string().swap(state.assembly);
    }
    std::string().swap(state.inflated);
    // With context takeover the next message may refer to this one's window: keep it.
    if (state.deflate && state.deflate->client_no_context_takeover) state.inflater.reset();
    if (state.disposable()) state_.reset();
}

std::size_t FrameReader::parse(std::span<char> data, Event& event) {
    event = Event{};
    // Only a reader with something in progress (or an error, or deflate) has a State.
    State* const held = state_.get();
    if (held && held->error_code != 0) return held->report_error(event);
    const bool in_message = held && held->in_message;
    if (data.empty()) return 0;

    // Everything the first two bytes tell is checked as soon as they are here, so a bad frame
    // fails before its payload arrives.
    const auto byte0 = static_cast<unsigned char>(data[0]);
    const bool fin = (byte0 & 0x80) != 0;
    const bool rsv1 = (byte0 & 0x40) != 0;
    const unsigned opcode = byte0 & 0x0F;
    const bool control = (opcode & 0x08) != 0;
    if ((byte0 & 0x30) != 0) {
        return fail(event, close_code::protocol_error, "RSV2 or RSV3 set");
    }
    switch (static_cast<Opcode>(opcode)) {
        case Opcode::continuation:
        case Opcode::text:
        case Opcode::binary:
        case Opcode::close:
        case Opcode::ping:
        case Opcode::pong:
            break;
        default:
            return fail(event, close_code::protocol_error, "unknown opcode");
    }
    if (control) {
        if (!fin) return fail(event, close_code::protocol_error, "fragmented control frame");
        if (rsv1) return fail(event, close_code::protocol_error, "RSV1 on a control frame");
    } else if (opcode == 0) {
        if (!in_message) {
            return fail(event, close_code::protocol_error,
                        "continuation frame outside a "
                        "fragmented message");
        }
        if (rsv1) {
            return fail(event, close_code::protocol_error, "RSV1 on a continuation frame");
        }
    } else {
        if (in_message) {
            return fail(event, close_code::protocol_error,
                        "new message inside a "
                        "fragmented message");
        }
        if (rsv1 && !(held && held->deflate)) {
            return fail(event, close_code::protocol_error, "RSV1 without permessage-deflate");
        }
    }
    if (data.size() < 2) return 0;

    const auto byte1 = static_cast<unsigned char>(data[1]);
    if ((byte1 & 0x80) == 0) {
        return fail(event, close_code::protocol_error, "unmasked client frame");
    }
    const unsigned length7 = byte1 & 0x7F;
    if (control && length7 > 125) {
        return fail(event, close_code::protocol_error, "control frame over 125 bytes");
    }
    const std::size_t length_bytes = length7 == 127 ? 8 : length7 == 126 ? 2 : 0;
    const std::size_t header_size = 2 + length_bytes + 4;
    if (data.size() < header_size) return 0;
    std::uint64_t length = length7;
    if (length_bytes != 0) {
        length = 0;
        for (std::size_t i = 0; i < length_bytes; ++i) {
            length = (length << 8) | static_cast<unsigned char>(data[2 + i]);
        }
        if (length >> 63) {
            return fail(event, close_code::protocol_error, "payload length top bit set");
        }
    }
    if (!control) {
        // A continuation frame is only accepted in a message: then `held` is set.
        const bool compressed = opcode == 0 ? held->message_compressed : rsv1;
        const std::size_t limit =
            compressed ? compressed_limit(max_message_size_) : max_message_size_;
        const std::size_t so_far = opcode == 0 ? held->assembly.size() : 0;
        if (length > limit - so_far) {
            return fail(event, close_code::too_big, "message over max_message_size");
        }
    }
    if (data.size() - header_size < length) return 0;

    const std::size_t used = header_size + static_cast<std::size_t>(length);
    char* const payload_data = data.data() + header_size;
    const auto payload_size = static_cast<std::size_t>(length);
    unmask(payload_data, payload_size, data.data() + header_size - 4);
    const std::string_view payload(payload_data, payload_size);

    switch (static_cast<Opcode>(opcode)) {
        case Opcode::ping:
            event.kind = Event::Kind::ping;
            event.payload = payload;
            return used;
        case Opcode::pong:
            event.kind = Event::Kind::pong;
            event.payload = payload;
            return used;
        case Opcode::close: {
            if (payload.empty()) {
                event.kind = Event::Kind::close;
                event.code = close_code::no_status;
                return used;
            }
            if (payload.size() == 1) {
                return fail(event, close_code::protocol_error, "close frame of one byte");
            }
            const auto code =
                static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                           static_cast<unsigned char>(payload[1]));
            if (!is_sendable_close_code(code)) {
                return fail(event, close_code::protocol_error, "invalid close code");
            }
            const std::string_view reason = payload.substr(2);
            if (!is_valid_utf8(reason)) {
                return fail(event, close_code::invalid_payload, "close reason is not UTF-8");
            }
            event.kind = Event::Kind::close;
            event.code = code;
            event.payload = reason;
            return used;
        }
        default:
            break;
    }

    if (opcode != 0 && fin) {
        // A whole message in one frame, the usual case: no copy unless it is compressed.
        std::string_view message = payload;
        if (rsv1 && !state().inflate_or_fail(event, payload, message)) return 0;
        return deliver(event, opcode == 1, message, used);
    }
    State& state = this->state();
    if (opcode != 0) {
        state.in_message = true;
        state.message_text = opcode == 1;
        state.message_compressed = rsv1;
        state.assembly.assign(payload);
        return used;
    }
    std::string& assembly = state.assembly;
    assembly.append(payload);
    if (!fin) return used;
    state.in_message = false;
    std::string_view message = assembly;
    if (state.message_compressed && !state.inflate_or_fail(event, assembly, message)) {
        return 0;
    }
    return deliver(event, state.message_text, message, used);
}

}  // namespace engineio::protocol::ws
