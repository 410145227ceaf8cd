// The WebSocket codec (RFC 6455, RFC 7692), server side: the frames a client may send and the
// close code each broken one earns, fragments, a frame split anywhere across reads, the zero-copy
// path, permessage-deflate both ways and its negotiation with what browsers and Node send.
#include "engineio/protocol/websocket.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "engineio/protocol/utf8.hpp"

using namespace engineio::protocol::ws;
using Kind = FrameReader::Event::Kind;

namespace {

constexpr unsigned kFin = 0x80;
constexpr unsigned kRsv1 = 0x40;
constexpr unsigned kText = 0x1;
constexpr unsigned kBinary = 0x2;
constexpr unsigned kContinuation = 0x0;
constexpr unsigned kClose = 0x8;
constexpr unsigned kPing = 0x9;
constexpr unsigned kPong = 0xA;

enum class LengthForm { shortest, bits16, bits64 };

/// A client frame: `first` is its first byte (FIN, RSV bits, opcode); the payload is masked with
/// a fixed key, its length written in `form` (the shortest by default).
std::string client_frame(unsigned first, std::string_view payload,
                         LengthForm form = LengthForm::shortest, bool masked = true) {
    static constexpr unsigned char kKey[4] = {0x37, 0xFA, 0x21, 0x3D};
    std::string frame;
    frame.push_back(static_cast<char>(first));
    const char mask_bit = masked ? char(0x80) : char(0);
    if (form == LengthForm::shortest) {
        form = payload.size() < 126     ? LengthForm::shortest
               : payload.size() < 65536 ? LengthForm::bits16
                                        : LengthForm::bits64;
    }
    if (form == LengthForm::shortest) {
        frame.push_back(static_cast<char>(mask_bit | payload.size()));
    } else if (form == LengthForm::bits16) {
        frame.push_back(static_cast<char>(mask_bit | 126));
        frame.push_back(static_cast<char>(payload.size() >> 8));
        frame.push_back(static_cast<char>(payload.size()));
    } else {
        frame.push_back(static_cast<char>(mask_bit | 127));
        for (int i = 7; i >= 0; --i) frame.push_back(static_cast<char>(payload.size() >> (8 * i)));
    }
    if (masked) frame.append(reinterpret_cast<const char*>(kKey), 4);
    for (std::size_t i = 0; i < payload.size(); ++i) {
        frame.push_back(static_cast<char>(payload[i] ^ (masked ? kKey[i % 4] : 0)));
    }
    return frame;
}

std::string close_payload(std::uint16_t code, std::string_view reason = {}) {
    std::string payload{static_cast<char>(code >> 8), static_cast<char>(code)};
    payload.append(reason);
    return payload;
}

struct Seen {
    Kind kind;
    std::string payload;
    std::uint16_t code;
    bool operator==(const Seen&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Seen& seen) {
    return os << "{kind " << int(seen.kind) << ", code " << seen.code << ", " << seen.payload.size()
              << " bytes}";
}

/// Runs the loop of websocket.hpp over `data`; the events (copied), up to the first error.
/// `used` gets the bytes consumed.
std::vector<Seen> parse_all(FrameReader& reader, std::span<char> data,
                            std::size_t* used = nullptr) {
    std::vector<Seen> seen;
    std::size_t total = 0;
    for (;;) {
        FrameReader::Event event;
        const std::size_t n = reader.parse(data.subspan(total), event);
        total += n;
        if (event.kind == Kind::none) {
            if (n == 0) break;
            continue;
        }
        seen.push_back({event.kind, std::string(event.payload), event.code});
        if (event.kind == Kind::error) break;
    }
    if (used) *used = total;
    return seen;
}

std::vector<Seen> parse_all(FrameReader& reader, std::string input) {
    return parse_all(reader, std::span<char>(input));
}

/// The same, the input arriving one byte per read: the unconsumed bytes are kept and the next
/// byte appended to them, as the transport does.
std::vector<Seen> parse_byte_by_byte(FrameReader& reader, std::string_view input) {
    std::vector<Seen> seen;
    std::string pending;
    for (char c : input) {
        pending.push_back(c);
        std::size_t used = 0;
        std::vector<Seen> now = parse_all(reader, std::span<char>(pending), &used);
        pending.erase(0, used);
        seen.insert(seen.end(), now.begin(), now.end());
        if (!seen.empty() && seen.back().kind == Kind::error) break;
    }
    return seen;
}

FrameReader::Config deflate_config(DeflateParams params = {}, std::size_t max = 1'000'000) {
    return {.max_message_size = max, .deflate = params};
}

std::string compress(MessageDeflater& deflater, std::string_view message) {
    std::string out;
    const std::string_view parts[] = {message};
    deflater.compress(parts, out);
    return out;
}

/// One error: its close code, and the reader reports it again, consuming nothing, on any input.
void expect_error(FrameReader& reader, std::string input, std::uint16_t code) {
    const std::vector<Seen> seen = parse_all(reader, input);
    ASSERT_FALSE(seen.empty());
    EXPECT_EQ(seen.back().kind, Kind::error);
    EXPECT_EQ(seen.back().code, code) << seen.back().payload;
    std::string valid = client_frame(kFin | kText, "ok");
    FrameReader::Event event;
    EXPECT_EQ(reader.parse(valid, event), 0u);
    EXPECT_EQ(event.kind, Kind::error);
    EXPECT_EQ(event.code, code);
}

void expect_error(std::string input, std::uint16_t code, FrameReader::Config config = {}) {
    FrameReader reader(std::move(config));
    expect_error(reader, std::move(input), code);
}

std::string repeat(std::string_view text, std::size_t times) {
    std::string out;
    for (std::size_t i = 0; i < times; ++i) out.append(text);
    return out;
}

}  // namespace

// ---- Frames ----

TEST(WebSocketReader, SmallTextFrameIsUnmaskedInPlaceWithoutCopy) {
    FrameReader reader({});
    std::string input = client_frame(kFin | kText, "4hello");
    FrameReader::Event event;
    EXPECT_EQ(reader.parse(input, event), input.size());
    EXPECT_EQ(event.kind, Kind::text);
    EXPECT_EQ(event.payload, "4hello");
    EXPECT_GE(event.payload.data(), input.data());
    EXPECT_LE(event.payload.data() + event.payload.size(), input.data() + input.size());
    EXPECT_EQ(reader.buffered(), 0u);
}

TEST(WebSocketReader, EveryLengthFormIsReadMinimalOrNot) {
    for (std::size_t size : {0, 1, 7, 8, 9, 125, 126, 127, 65535, 65536, 100'000}) {
        std::string payload(size, '\0');
        for (std::size_t i = 0; i < size; ++i) payload[i] = static_cast<char>(i * 31 + 7);
        for (LengthForm form : {LengthForm::shortest, LengthForm::bits16, LengthForm::bits64}) {
            if (form == LengthForm::bits16 && size > 65535) continue;
            FrameReader reader({});
            std::size_t used = 0;
            std::string input = client_frame(kFin | kBinary, payload, form);
            const auto seen = parse_all(reader, input, &used);
            ASSERT_EQ(seen.size(), 1u) << size;
            EXPECT_EQ(seen[0], (Seen{Kind::binary, payload, 0})) << size << " " << int(form);
            EXPECT_EQ(used, input.size());
        }
    }
}

TEST(WebSocketReader, IncompleteFrameConsumesNothingAndLeavesTheBytesMasked) {
    FrameReader reader({});
    const std::string frame = client_frame(kFin | kText, "hello world");
    for (std::size_t size = 0; size < frame.size(); ++size) {
        std::string part = frame.substr(0, size);
        FrameReader::Event event;
        EXPECT_EQ(reader.parse(part, event), 0u);
        EXPECT_EQ(event.kind, Kind::none);
        EXPECT_EQ(part, frame.substr(0, size));
    }
}

TEST(WebSocketReader, UnmaskedClientFrameIsAProtocolError) {
    expect_error(client_frame(kFin | kText, "hi", LengthForm::shortest, false),
                 close_code::protocol_error);
}

TEST(WebSocketReader, ReservedBitsAreProtocolErrors) {
    expect_error(client_frame(kFin | 0x20 | kText, "hi"), close_code::protocol_error);
    expect_error(client_frame(kFin | 0x10 | kText, "hi"), close_code::protocol_error);
    // RSV1 means "compressed" only once permessage-deflate was negotiated.
    expect_error(client_frame(kFin | kRsv1 | kText, "hi"), close_code::protocol_error);
    // Even then, only on the first frame of a data message.
    expect_error(client_frame(kFin | kRsv1 | kPing, ""), close_code::protocol_error,
                 deflate_config());
    expect_error(client_frame(kText, "a") + client_frame(kFin | kRsv1 | kContinuation, "b"),
                 close_code::protocol_error, deflate_config());
}

TEST(WebSocketReader, UnknownOpcodesAreProtocolErrors) {
    for (unsigned opcode : {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
        SCOPED_TRACE(opcode);
        expect_error(client_frame(kFin | opcode, "x"), close_code::protocol_error);
    }
}

TEST(WebSocketReader, ErrorIsReportedFromTheFirstByteThatShowsIt) {
    // No need to wait for the rest of a frame whose first byte is already wrong.
    FrameReader reader({});
    std::string first_byte(1, static_cast<char>(kFin | 0x3));
    FrameReader::Event event;
    EXPECT_EQ(reader.parse(first_byte, event), 0u);
    EXPECT_EQ(event.kind, Kind::error);
    EXPECT_EQ(event.code, close_code::protocol_error);
}

TEST(WebSocketReader, SixtyFourBitLengthWithTheTopBitSetIsAProtocolError) {
    std::string frame{char(kFin | kBinary), char(0x80 | 127), char(0x80), 0, 0, 0, 0, 0, 0, 1};
    frame.append("\x01\x02\x03\x04");
    expect_error(frame, close_code::protocol_error);
}

TEST(WebSocketReader, ControlFramesMustBeShortAndFinal) {
    expect_error(client_frame(kFin | kPing, std::string(126, 'p')), close_code::protocol_error);
    expect_error(client_frame(kPing, "p"), close_code::protocol_error);
    expect_error(client_frame(kFin | kClose, std::string(200, 'c')), close_code::protocol_error);
    FrameReader reader({});
    EXPECT_EQ(parse_all(reader, client_frame(kFin | kPing, std::string(125, 'p'))),
              (std::vector<Seen>{{Kind::ping, std::string(125, 'p'), 0}}));
}

TEST(WebSocketReader, ContinuationOutsideAMessageAndMessageInsideOneAreProtocolErrors) {
    expect_error(client_frame(kFin | kContinuation, "x"), close_code::protocol_error);
    expect_error(client_frame(kText, "a") + client_frame(kFin | kText, "b"),
                 close_code::protocol_error);
    expect_error(client_frame(kBinary, "a") + client_frame(kBinary, "b"),
                 close_code::protocol_error);
}

TEST(WebSocketReader, FragmentsAreAssembledWithControlFramesBetweenThem) {
    FrameReader reader({});
    std::string input = client_frame(kText, "Hel");
    FrameReader::Event event;
    std::size_t used = reader.parse(input, event);
    EXPECT_EQ(used, input.size());
    EXPECT_EQ(event.kind, Kind::none);
    EXPECT_EQ(reader.buffered(), 3u);

    input = client_frame(kFin | kPing, "p1") + client_frame(kContinuation, "lo") +
            client_frame(kFin | kPong, "") + client_frame(kFin | kContinuation, " world") +
            client_frame(kFin | kText, "next");
    EXPECT_EQ(parse_all(reader, input), (std::vector<Seen>{{Kind::ping, "p1", 0},
                                                           {Kind::pong, "", 0},
                                                           {Kind::text, "Hello world", 0},
                                                           {Kind::text, "next", 0}}));
    EXPECT_EQ(reader.buffered(), 0u);
}

TEST(WebSocketReader, EveryByteBoundaryGivesTheSameEvents) {
    const std::string binary(300, '\xAB');
    const std::string input =
        client_frame(kText, "fra") + client_frame(kFin | kPing, "ping") +
        client_frame(kContinuation, "gm\xc3") + client_frame(kFin | kContinuation, "\xa9nt") +
        client_frame(kFin | kBinary, binary) + client_frame(kFin | kText, "") +
        client_frame(kFin | kClose, close_payload(1000, "bye"));
    const std::vector<Seen> expected{{Kind::ping, "ping", 0},
                                     {Kind::text, "fragm\xc3\xa9nt", 0},
                                     {Kind::binary, binary, 0},
                                     {Kind::text, "", 0},
                                     {Kind::close, "bye", 1000}};
    FrameReader whole({});
    EXPECT_EQ(parse_all(whole, input), expected);
    FrameReader byte_by_byte({});
    EXPECT_EQ(parse_byte_by_byte(byte_by_byte, input), expected);
}

// ---- Sizes ----

TEST(WebSocketReader, OversizedFrameIsRefusedFromItsHeaderAlone) {
    FrameReader reader({.max_message_size = 100});
    // Only the header of a 1000-byte frame has arrived.
    std::string header = client_frame(kFin | kBinary, std::string(1000, 'x')).substr(0, 8);
    FrameReader::Event event;
    EXPECT_EQ(reader.parse(header, event), 0u);
    EXPECT_EQ(event.kind, Kind::error);
    EXPECT_EQ(event.code, close_code::too_big);

    FrameReader at_limit({.max_message_size = 100});
    EXPECT_EQ(parse_all(at_limit, client_frame(kFin | kBinary, std::string(100, 'x'))).at(0).kind,
              Kind::binary);
}

TEST(WebSocketReader, FragmentsAddingUpToMoreThanTheMaximumAreTooBig) {
    FrameReader reader({.max_message_size = 10});
    std::string first = client_frame(kBinary, "123456");
    EXPECT_TRUE(parse_all(reader, first).empty());
    // The second fragment's header is enough.
    expect_error(reader, client_frame(kFin | kContinuation, "7890a").substr(0, 6),
                 close_code::too_big);
}

// ---- UTF-8 ----

TEST(WebSocketReader, TextMustBeUtf8BinaryNeedNotBe) {
    expect_error(client_frame(kFin | kText, "bad \xff"), close_code::invalid_payload);
    expect_error(client_frame(kFin | kText, "\xed\xa0\x80"), close_code::invalid_payload);
    // A sequence cut by the end of the message.
    expect_error(client_frame(kText, "ok") + client_frame(kFin | kContinuation, "\xc3"),
                 close_code::invalid_payload);
    FrameReader reader({});
    EXPECT_EQ(parse_all(reader, client_frame(kFin | kBinary, "\xff\xfe")),
              (std::vector<Seen>{{Kind::binary, "\xff\xfe", 0}}));
}

// ---- Close ----

TEST(WebSocketReader, CloseFrameCarriesItsCodeAndReason) {
    FrameReader reader({});
    EXPECT_EQ(
        parse_all(reader, client_frame(kFin | kClose, close_payload(1001, "gone \xe2\x9c\x93"))),
        (std::vector<Seen>{{Kind::close, "gone \xe2\x9c\x93", 1001}}));
    FrameReader empty({});
    EXPECT_EQ(parse_all(empty, client_frame(kFin | kClose, "")),
              (std::vector<Seen>{{Kind::close, "", close_code::no_status}}));
}

TEST(WebSocketReader, CloseCodesThatMayBeSentAreAccepted) {
    for (std::uint16_t code : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013,
                               1014, 3000, 3999, 4000, 4999}) {
        FrameReader reader({});
        EXPECT_EQ(parse_all(reader, client_frame(kFin | kClose, close_payload(code))),
                  (std::vector<Seen>{{Kind::close, "", code}}));
    }
}

TEST(WebSocketReader, InvalidCloseFramesAreErrors) {
    for (std::uint16_t code :
         {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535}) {
        SCOPED_TRACE(code);
        expect_error(client_frame(kFin | kClose, close_payload(code)), close_code::protocol_error);
    }
    expect_error(client_frame(kFin | kClose, "\x03"), close_code::protocol_error);
    expect_error(client_frame(kFin | kClose, close_payload(1000, "\xc0\xaf")),
                 close_code::invalid_payload);
}

// ---- permessage-deflate ----

TEST(WebSocketDeflate, MessagesRoundTripWithAndWithoutContextTakeover) {
    DeflateParams takeover;
    DeflateParams no_takeover;
    no_takeover.server_no_context_takeover = true;
    no_takeover.client_no_context_takeover = true;
    DeflateParams small_windows;
    small_windows.server_max_window_bits = 8;
    small_windows.client_max_window_bits = 9;
    const std::vector<std::string> messages{"42[\"chat\",{\"text\":\"hello\"}]",
                                            "42[\"chat\",{\"text\":\"hello\"}]",
                                            "",
                                            repeat("0123456789abcdef", 5000),
                                            "42[\"chat\",{\"text\":\"h\xc3\xa9llo\"}]",
                                            "42[\"chat\",{\"text\":\"hello\"}]"};
    for (const DeflateParams& params : {takeover, no_takeover, small_windows}) {
        MessageDeflater deflater(params);
        // The client compresses with the parameters mirrored; its deflater is ours too.
        FrameReader reader(deflate_config(params));
        std::vector<std::size_t> sizes;
        for (const std::string& message : messages) {
            const std::string compressed = compress(deflater, message);
            sizes.push_back(compressed.size());
            EXPECT_EQ(parse_all(reader, client_frame(kFin | kRsv1 | kText, compressed)),
                      (std::vector<Seen>{{Kind::text, message, 0}}));
        }
        if (params.server_no_context_takeover) {
            EXPECT_EQ(sizes[1], sizes[0]);  // the same message compresses the same
        } else {
            EXPECT_LT(sizes[1], sizes[0]);  // the second refers to the first
        }
        EXPECT_EQ(sizes[2], 1u);  // RFC 7692 §7.2.3.6: an empty message is one 00 byte
    }
}

TEST(WebSocketDeflate, CompressedMessageMayBeFragmentedAndUncompressedOnesMixedIn) {
    MessageDeflater deflater({});
    FrameReader reader(deflate_config());
    const std::string message = repeat("fragmented and compressed ", 200);
    const std::string compressed = compress(deflater, message);
    ASSERT_GT(compressed.size(), 10u);
    const std::string again = compress(deflater, "again");
    const std::string input =
        client_frame(kRsv1 | kBinary, compressed.substr(0, 5)) + client_frame(kFin | kPing, "") +
        client_frame(kContinuation, compressed.substr(5, 3)) +
        client_frame(kFin | kContinuation, compressed.substr(8)) +
        client_frame(kFin | kText, "plain") + client_frame(kFin | kRsv1 | kText, again);
    const std::vector<Seen> expected{{Kind::ping, "", 0},
                                     {Kind::binary, message, 0},
                                     {Kind::text, "plain", 0},
                                     {Kind::text, "again", 0}};
    EXPECT_EQ(parse_all(reader, input), expected);
    // The same bytes, read one by one.
    FrameReader byte_by_byte(deflate_config());
    EXPECT_EQ(parse_byte_by_byte(byte_by_byte, input), expected);
}

TEST(WebSocketDeflate, NineBitWindowOutputInflatesWithAnEightBitWindow) {
    // server_max_window_bits=8 deflates with 9 (zlib refuses 8): the output must still fit a
    // client's 256-byte window. Data that repeats every 300 bytes tempts longer distances.
    std::mt19937 random(7);
    std::string block(300, '\0');
    for (char& c : block) c = static_cast<char>(random());
    const std::string message = repeat(block, 20);
    DeflateParams params;
    params.server_max_window_bits = 8;
    MessageDeflater deflater(params);
    std::string compressed = compress(deflater, message);
    compressed.append("\x00\x00\xff\xff", 4);

    z_stream stream{};
    ASSERT_EQ(inflateInit2(&stream, -8), Z_OK);
    std::string out(message.size() + 16, '\0');
    stream.next_in = reinterpret_cast<Bytef*>(compressed.data());
    stream.avail_in = static_cast<uInt>(compressed.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(inflate(&stream, Z_SYNC_FLUSH), Z_OK) << (stream.msg ? stream.msg : "");
    out.resize(out.size() - stream.avail_out);
    inflateEnd(&stream);
    EXPECT_EQ(out, message);
}

TEST(WebSocketDeflate, BombIsTooBigWithoutInflatingIt) {
    MessageDeflater deflater({});
    const std::string bomb = compress(deflater, std::string(20'000'000, 'a'));
    ASSERT_LT(bomb.size(), 30'000u);  // a few KB that would inflate to 20 MB
    expect_error(client_frame(kFin | kRsv1 | kBinary, bomb), close_code::too_big,
                 deflate_config({}, 1'000'000));
    // In fragments too.
    expect_error(client_frame(kRsv1 | kBinary, bomb.substr(0, 100)) +
                     client_frame(kFin | kContinuation, bomb.substr(100)),
                 close_code::too_big, deflate_config({}, 1'000'000));
}

TEST(WebSocketDeflate, InflatedSizeIsBoundedExactly) {
    MessageDeflater deflater({});
    const std::string at_limit = compress(deflater, std::string(4096, 'x'));
    FrameReader reader(deflate_config({}, 4096));
    EXPECT_EQ(parse_all(reader, client_frame(kFin | kRsv1 | kBinary, at_limit)).at(0).kind,
              Kind::binary);
    MessageDeflater deflater2({});
    expect_error(client_frame(kFin | kRsv1 | kBinary, compress(deflater2, std::string(4097, 'x'))),
                 close_code::too_big, deflate_config({}, 4096));
}

TEST(WebSocketDeflate, CompressedFrameOverTheLimitIsRefusedFromItsHeader) {
    // Deflate output of incompressible data is a little larger than the data; far larger is
    // refused before it arrives.
    std::string header =
        client_frame(kFin | kRsv1 | kBinary, std::string(10'000, 'x')).substr(0, 8);
    expect_error(header, close_code::too_big, deflate_config({}, 1000));
    std::mt19937 random(3);
    std::string noise(1000, '\0');
    for (char& c : noise) c = static_cast<char>(random());
    MessageDeflater deflater({});
    const std::string compressed = compress(deflater, noise);
    EXPECT_GT(compressed.size(), noise.size());
    FrameReader reader(deflate_config({}, 1000));
    EXPECT_EQ(parse_all(reader, client_frame(kFin | kRsv1 | kBinary, compressed)),
              (std::vector<Seen>{{Kind::binary, noise, 0}}));
}

TEST(WebSocketDeflate, EmptyCompressedPayloadIsAnEmptyMessageAndLeavesTheContextAlone) {
    MessageDeflater deflater({});
    FrameReader reader(deflate_config());
    std::string input = client_frame(kFin | kRsv1 | kText, compress(deflater, "first"));
    input += client_frame(kFin | kRsv1 | kText, "");
    input += client_frame(kFin | kRsv1 | kText, compress(deflater, "first"));  // refers back
    EXPECT_EQ(parse_all(reader, input),
              (std::vector<Seen>{
                  {Kind::text, "first", 0}, {Kind::text, "", 0}, {Kind::text, "first", 0}}));
}

TEST(WebSocketDeflate, InvalidDeflateDataIsAProtocolError) {
    // 0xFF: a final block of the reserved type 11.
    expect_error(client_frame(kFin | kRsv1 | kBinary, "\xff\xff\xff"), close_code::protocol_error,
                 deflate_config());
}

TEST(WebSocketDeflate, CompressedTextIsCheckedAfterInflating) {
    MessageDeflater deflater({});
    expect_error(client_frame(kFin | kRsv1 | kText, compress(deflater, "bad \xff")),
                 close_code::invalid_payload, deflate_config());
}

TEST(WebSocketDeflate, ShrinkKeepsTheContextItStillNeeds) {
    for (bool takeover : {true, false}) {
        DeflateParams params;
        params.client_no_context_takeover = !takeover;
        params.server_no_context_takeover = !takeover;
        MessageDeflater deflater(params);
        FrameReader reader(deflate_config(params));
        const std::string message = repeat("idle connection ", 100);
        for (int i = 0; i < 3; ++i) {
            EXPECT_EQ(
                parse_all(reader, client_frame(kFin | kRsv1 | kText, compress(deflater, message))),
                (std::vector<Seen>{{Kind::text, message, 0}}));
            reader.shrink();
        }
    }
}

TEST(WebSocketDeflate, ShrinkKeepsAMessageInProgress) {
    FrameReader reader({});
    EXPECT_TRUE(parse_all(reader, client_frame(kText, "half")).empty());
    reader.shrink();
    EXPECT_EQ(reader.buffered(), 4u);
    EXPECT_EQ(parse_all(reader, client_frame(kFin | kContinuation, "-whole")),
              (std::vector<Seen>{{Kind::text, "half-whole", 0}}));
}

// ---- Negotiation ----

TEST(WebSocketNegotiation, WhatBrowsersAndNodeOffer) {
    // Chrome and Node's ws: the client may be told a window size.
    const auto chrome = negotiate_deflate("permessage-deflate; client_max_window_bits");
    ASSERT_TRUE(chrome);
    EXPECT_TRUE(chrome->client_max_window_bits_offered);
    EXPECT_EQ(chrome->client_max_window_bits, 15);
    EXPECT_FALSE(chrome->server_no_context_takeover);
    EXPECT_EQ(format_deflate_response(*chrome), "permessage-deflate; client_max_window_bits=15");
    // Firefox and Safari: nothing; the response must not name client_max_window_bits then.
    const auto firefox = negotiate_deflate("permessage-deflate");
    ASSERT_TRUE(firefox);
    EXPECT_EQ(format_deflate_response(*firefox), "permessage-deflate");
}

TEST(WebSocketNegotiation, EveryParameterIsEchoed) {
    const auto params = negotiate_deflate(
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
        "server_max_window_bits=10; client_max_window_bits=12");
    ASSERT_TRUE(params);
    EXPECT_TRUE(params->server_no_context_takeover);
    EXPECT_TRUE(params->client_no_context_takeover);
    EXPECT_EQ(params->server_max_window_bits, 10);
    EXPECT_EQ(params->client_max_window_bits, 12);
    EXPECT_EQ(format_deflate_response(*params),
              "permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
              "server_max_window_bits=10; client_max_window_bits=12");
}

TEST(WebSocketNegotiation, SyntaxIsToleratedWhereTheGrammarAllowsIt) {
    const auto spaced = negotiate_deflate(
        "  Permessage-Deflate ;\tserver_max_window_bits = \"9\" ;client_max_window_bits  ");
    ASSERT_TRUE(spaced);
    EXPECT_EQ(spaced->server_max_window_bits, 9);
    EXPECT_TRUE(spaced->server_max_window_bits_offered);
    EXPECT_TRUE(spaced->client_max_window_bits_offered);
    // Other extensions are skipped, and so is an empty element.
    const auto others = negotiate_deflate(
        "x-webkit-deflate-frame, , foo; bar=\"a,b\", permessage-deflate; "
        "server_no_context_takeover");
    ASSERT_TRUE(others);
    EXPECT_TRUE(others->server_no_context_takeover);
}

TEST(WebSocketNegotiation, MalformedOffersAreDeclinedAndTheNextIsTried) {
    for (std::string_view offer : {
             "permessage-deflate; foo",
             "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
             "permessage-deflate; client_max_window_bits; client_max_window_bits=10",
             "permessage-deflate; server_max_window_bits",
             "permessage-deflate; server_max_window_bits=7",
             "permessage-deflate; server_max_window_bits=16",
             "permessage-deflate; server_max_window_bits=08",
             "permessage-deflate; server_max_window_bits=1a",
             "permessage-deflate; client_max_window_bits=",
             "permessage-deflate; client_max_window_bits=\"1,0\"",
             "permessage-deflate; server_no_context_takeover=1",
             "permessage-deflate;",
             "permessage-deflatex",
         }) {
        SCOPED_TRACE(offer);
        EXPECT_FALSE(negotiate_deflate(offer));
        const auto fallback = negotiate_deflate(std::string(offer) + ", permessage-deflate");
        ASSERT_TRUE(fallback);
        EXPECT_FALSE(fallback->server_max_window_bits_offered);
        EXPECT_FALSE(fallback->client_max_window_bits_offered);
    }
    // An unclosed quote takes the rest of the header with it.
    EXPECT_FALSE(
        negotiate_deflate("permessage-deflate; client_max_window_bits=\"10, permessage-deflate"));
    EXPECT_FALSE(negotiate_deflate(""));
    EXPECT_FALSE(negotiate_deflate("x-webkit-deflate-frame"));
}

// ---- What the server writes ----

TEST(WebSocketWriter, FrameHeaderUsesTheShortestLength) {
    const auto header = [](std::size_t size, Opcode opcode = Opcode::binary, bool rsv1 = false) {
        std::string out = "x";  // appended, not overwritten
        append_frame_header(out, opcode, size, rsv1);
        return out.substr(1);
    };
    EXPECT_EQ(header(0, Opcode::text), std::string("\x81\x00", 2));
    EXPECT_EQ(header(125), std::string("\x82\x7d"));
    EXPECT_EQ(header(126), std::string("\x82\x7e\x00\x7e", 4));
    EXPECT_EQ(header(65535), std::string("\x82\x7e\xff\xff"));
    EXPECT_EQ(header(65536), std::string("\x82\x7f\x00\x00\x00\x00\x00\x01\x00\x00", 10));
    EXPECT_EQ(header(5, Opcode::text, true), std::string("\xc1\x05"));
    EXPECT_EQ(header(2, Opcode::close), std::string("\x88\x02"));
    EXPECT_EQ(header(0, Opcode::pong), std::string("\x8a\x00", 2));
}

TEST(WebSocketWriter, CloseFrameReasonIsCutToFitWithoutSplittingACharacter) {
    std::string out;
    append_close_frame(out, close_code::going_away, "bye");
    EXPECT_EQ(out, std::string("\x88\x05\x03\xe9"
                               "bye"));

    out.clear();
    append_close_frame(out, close_code::normal, std::string(200, 'a'));
    EXPECT_EQ(out.size(), 2u + 125u);
    EXPECT_EQ(static_cast<unsigned char>(out[1]), 125u);

    // "é" would take bytes 122 and 123 of the reason: it goes whole.
    out.clear();
    const std::string reason = std::string(122, 'a') + "\xc3\xa9" + "zz";
    append_close_frame(out, close_code::normal, reason);
    EXPECT_EQ(out.size(), 2u + 2u + 122u);
    EXPECT_TRUE(engineio::protocol::is_valid_utf8(out.substr(4)));
}
