// The msgpack parser (socket.io-msgpack-parser's wire format): the bytes the npm package writes
// and reads, every packet type both ways, binary inline, the JavaScript-only values notepack.io
// writes (undefined, ArrayBuffer, Date, other extensions), the packet checks, the limits, and that
// a decoded packet looks as the JSON parser's would.

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace socketio::protocol {
namespace {

using namespace std::string_literals;

// "83a4…" → bytes.
std::string unhex(std::string_view hex) {
    std::string out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    }
    return out;
}

std::string hex(std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (const char c : bytes) {
        const auto b = static_cast<unsigned char>(c);
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 0xF]);
    }
    return out;
}

// msgpack bytes of a JSON value written with nlohmann (binary with a subtype as ext).
std::string msgpack(const json& value) {
    const auto bytes = json::to_msgpack(value);
    return std::string(bytes.begin(), bytes.end());
}

std::string encode(const Packet& packet) {
    const auto frames = msgpack_parser()->encode(packet);
    EXPECT_EQ(frames.size(), 1u);
    EXPECT_TRUE(frames.front().binary);
    return frames.front().data;
}

std::optional<Packet> feed(const std::string& bytes, std::error_code& ec, ParserLimits limits = {},
                           bool binary = true) {
    auto decoder = msgpack_parser(limits)->make_decoder();
    auto packet = decoder->feed(bytes, binary, ec);
    EXPECT_FALSE(decoder->awaiting_attachments());
    if (ec) {
        EXPECT_FALSE(packet.has_value());
    }
    return packet;
}

Packet decode(const std::string& bytes, ParserLimits limits = {}) {
    std::error_code ec;
    auto packet = feed(bytes, ec, limits);
    EXPECT_FALSE(ec) << ec.message() << " for " << hex(bytes);
    return packet.value_or(Packet{});
}

std::error_code decode_error(const std::string& bytes, ParserLimits limits = {}) {
    std::error_code ec;
    feed(bytes, ec, limits);
    return ec;
}

// The msgpack bytes of a packet map built from JSON members, in the order given.
std::string packet_bytes(const json& members) {
    return msgpack(members);
}

Packet make(PacketType type, std::string nsp, json data, std::optional<std::uint64_t> id = {}) {
    Packet packet;
    packet.type = type;
    packet.nsp = std::move(nsp);
    packet.data = std::move(data);
    packet.id = id;
    return packet;
}

// --- the npm package's bytes ---------------------------------------------------------------------

// Captured from socket.io-msgpack-parser 3.0.2's Encoder (node, the objects socket.io and
// socket.io-client build).
TEST(MsgpackParser, DecodesWhatSocketIoClientSends) {
    // socket.io-client's CONNECT without auth: {type: 0, data: undefined, nsp: "/"}.
    EXPECT_EQ(decode(unhex("83a47479706500a464617461d40000a36e7370a12f")),
              make(PacketType::connect, "/", nullptr));
    // emit("hi", Buffer<01 02>, new Uint8Array([5]).buffer, new Date(0), {a: undefined},
    //      [undefined], ack) — with the client's {options: {compress: true}} member.
    const auto event = decode(unhex(
        "85a47479706502a46461746196a26869c4020102c7010005d700000000000000000081a161d4000091d40000a7"
        "6f7074696f6e7381a8636f6d7072657373c3a2696403a36e7370a12f"));
    EXPECT_EQ(event, make(PacketType::event, "/",
                          json::array({"hi", test::bytes({1, 2}), test::bytes({5}),
                                       "1970-01-01T00:00:00.000Z", json::object(),
                                       json::array({nullptr})}),
                          3));
    // The client's ack: {type: 3, id: 1, data: [], nsp: "/"}.
    EXPECT_EQ(decode(unhex("84a47479706503a2696401a46461746190a36e7370a12f")),
              make(PacketType::ack, "/", json::array(), 1));
}

TEST(MsgpackParser, EncodesAsSocketIoMsgpackParserDoes) {
    // msgpack.encode({type: 2, data: ["hi"], nsp: "/"})
    EXPECT_EQ(hex(encode(make(PacketType::event, "/", json::array({"hi"})))),
              "83a47479706502a46461746191a26869a36e7370a12f");
    // {type: 2, data: ["e", Buffer<00 ff>, -1, 1.5], nsp: "/chat", id: 300}
    EXPECT_EQ(hex(encode(make(PacketType::event, "/chat",
                              json::array({"e", test::bytes({0, 255}), -1, 1.5}), 300))),
              "84a47479706502a46461746194a165c40200ffffcb3ff8000000000000a36e7370a52f63686174a26964"
              "cd012c");
    // {type: 1, nsp: "/"}: no data member when there is none.
    EXPECT_EQ(hex(encode(make(PacketType::disconnect, "/", nullptr))),
              "82a47479706501a36e7370a12f");
}

// --- round trips ---------------------------------------------------------------------------------

TEST(MsgpackParser, EveryPacketTypeRoundTrips) {
    const std::vector<Packet> packets = {
        make(PacketType::connect, "/", nullptr),
        make(PacketType::connect, "/admin", {{"token", "abc"}, {"n", 1}}),
        make(PacketType::connect, "/", {{"sid", "x1"}}),
        make(PacketType::disconnect, "/admin", nullptr),
        make(PacketType::event, "/", json::array({"message", 1, "two", nullptr, true, 2.5})),
        make(PacketType::event, "/chat", json::array({"ask", {{"q", "?"}}}), 0),
        make(PacketType::event, "/", json::array({7, "numeric name"})),
        make(PacketType::ack, "/", json::array(), 18446744073709551615ull),
        make(PacketType::ack, "/x", json::array({"one", json::array({1, 2})}), 12),
        make(PacketType::connect_error, "/", {{"message", "Invalid namespace"}}),
        make(PacketType::connect_error, "/",
             {{"message", "not authorized"}, {"data", {{"code", 4001}}}}),
        make(PacketType::connect_error, "/", "plain string"),
    };
    for (const auto& packet : packets) {
        const auto bytes = encode(packet);
        EXPECT_EQ(decode(bytes), packet) << hex(bytes);
        EXPECT_EQ(encode(decode(bytes)), bytes);
    }
}

TEST(MsgpackParser, BinaryTravelsInlineWithoutAttachments) {
    const json data = json::array(
        {"upload",
         test::bytes({0, 1, 2, 255}),
         {{"file", test::bytes({'h', 'i'})},
          {"parts", json::array({test::bytes({1}), test::bytes({}), test::bytes({2, 3})})}},
         "text"});
    for (const auto type : {PacketType::event, PacketType::binary_event}) {
        const auto frames =
            msgpack_parser({.max_attachments = 1})->encode(make(type, "/", data, 4));
        ASSERT_EQ(frames.size(), 1u);
        EXPECT_TRUE(frames[0].binary);
        // BINARY_EVENT goes out as EVENT (the npm decoder refuses types above 4) and comes back
        // as `event`, as the JSON parser hands it out.
        EXPECT_EQ(static_cast<unsigned char>(frames[0].data[6]), 2);
        EXPECT_EQ(decode(frames[0].data, {.max_attachments = 1}),
                  make(PacketType::event, "/", data, 4));
    }
    const auto ack = encode(make(PacketType::binary_ack, "/", json::array({test::bytes({9})}), 5));
    EXPECT_EQ(decode(ack), make(PacketType::ack, "/", json::array({test::bytes({9})}), 5));
}

TEST(MsgpackParser, ABinaryValueGoesOutAsBinWhateverItsSubtype) {
    // nlohmann would write a subtype as an ext; notepack.io reads fixext 1 of type 0 as undefined.
    const auto bytes = encode(make(PacketType::event, "/",
                                   json::array({"b", json::binary({7}, 0), json::binary({8}, 5)})));
    EXPECT_NE(hex(bytes).find("c40107c40108"), std::string::npos) << hex(bytes);
}

TEST(MsgpackParser, DecodedPacketsLookAsTheJsonParsersDo) {
    const auto from_json = test::decode_frames(
        {test::text(
             R"(52-/chat,9["file",{"_placeholder":true,"num":0},{"k":[{"_placeholder":true,"num":1}]}])"),
         test::binary({1, 2}), test::binary({3})});
    const auto from_msgpack = decode(packet_bytes(
        {{"type", 2},
         {"data",
          json::array({"file", test::bytes({1, 2}), {{"k", json::array({test::bytes({3})})}}})},
         {"nsp", "/chat"},
         {"id", 9}}));
    EXPECT_EQ(from_msgpack, from_json);
}

TEST(MsgpackParser, KeysKeepTheirOrderBothWays) {
    const auto bytes = packet_bytes(
        {{"type", 2},
         {"data", json::array({"chat", {{"t", 1}, {"p", "x"}, {"a", {{"z", 1}, {"b", 2}}}}})},
         {"nsp", "/"}});
    const auto packet = decode(bytes);
    std::string keys;
    for (const auto& [key, value] : packet.data[1].items()) keys += key + ",";
    EXPECT_EQ(keys, "t,p,a,");
    EXPECT_EQ(encode(packet), bytes);
    // A repeated key keeps its first place and takes the last value, as in JavaScript.
    const auto repeated =
        decode(unhex("83a474797065"
                     "02"
                     "a464617461"
                     "92"
                     "a165"
                     "83"
                     "a161"
                     "01"
                     "a162"
                     "02"
                     "a161"
                     "03"
                     "a36e7370a12f"));
    EXPECT_EQ(repeated.data[1].dump(), R"({"a":3,"b":2})");
}

TEST(MsgpackParser, EnvelopeMembersInAnyOrderAndExtraOnesIgnored) {
    EXPECT_EQ(decode(packet_bytes({{"nsp", "/a"},
                                   {"id", 3},
                                   {"options", {{"compress", true}, {"x", json::array({1, 2})}}},
                                   {"data", json::array({"e"})},
                                   {"type", 2}})),
              make(PacketType::event, "/a", json::array({"e"}), 3));
    // A repeated member: the last one counts ({type, data: ["first"], data: ["last"], nsp}).
    EXPECT_EQ(decode(unhex("84a47479706502a46461746191a56669727374a46461746191a4"
                           "6c617374a36e7370a12f")),
              make(PacketType::event, "/", json::array({"last"})));
}

// --- what notepack.io writes for JavaScript values -----------------------------------------------

TEST(MsgpackParser, UndefinedBecomesWhatJsonStringifyMakesOfIt) {
    const auto undefined = unhex("d40000");
    // {type: 2, data: ["e", undefined, {a: undefined, b: 1}], nsp: "/", id: undefined}
    const auto bytes = unhex("84a47479706502a46461746193a165") + undefined + unhex("82a161") +
                       undefined + unhex("a16201") + unhex("a36e7370a12fa26964") + undefined;
    EXPECT_EQ(decode(bytes), make(PacketType::event, "/", json::array({"e", nullptr, {{"b", 1}}})));
    // data: undefined on an EVENT is no data: refused, as the npm decoder refuses it.
    EXPECT_EQ(decode_error(unhex("83a47479706502a464617461") + undefined + unhex("a36e7370a12f")),
              error::invalid_payload);
    // Any fixext 1 of type 0 is undefined to notepack.io, whatever its data byte.
    EXPECT_EQ(decode(unhex("83a47479706500a464617461d40007a36e7370a12f")),
              make(PacketType::connect, "/", nullptr));
}

TEST(MsgpackParser, ArrayBuffersAndTypedArraysAreBinary) {
    // ext 8/16/32 of type 0, any length — including the lengths of a fixext.
    for (std::size_t size : {0u, 1u, 2u, 4u, 8u, 16u, 17u, 300u, 70000u}) {
        std::vector<std::uint8_t> content(size, 0xAB);
        const json data = json::array({"b", json::binary(content, 0)});
        auto bytes = packet_bytes({{"type", 2}, {"data", data}, {"nsp", "/"}});
        // nlohmann writes the sizes 1, 2, 4, 8 and 16 as fixext: rewrite them as ext 8.
        if (size == 1 || size == 2 || size == 4 || size == 8 || size == 16) {
            const auto at = bytes.find(static_cast<char>(0xA1)) + 2;  // after "b"
            bytes.replace(at, 2, "\xC7"s + static_cast<char>(size) + '\0');
        }
        const auto packet = decode(bytes);
        ASSERT_TRUE(packet.data[1].is_binary()) << size << ": " << packet.data.dump();
        EXPECT_FALSE(packet.data[1].get_binary().has_subtype());
        EXPECT_EQ(packet.data[1].get_binary().size(), size);
    }
}

TEST(MsgpackParser, DatesBecomeTheirIsoString) {
    const auto date = [](std::string_view ms_hex) {
        const auto packet = decode(unhex("83a47479706502a46461746192a164d700") + unhex(ms_hex) +
                                   unhex("a36e7370a12f"));
        return packet.data[1];
    };
    // The expected strings: JSON.stringify(notepack.decode(<the bytes>)) in node.
    EXPECT_EQ(date("0000000000000000"), "1970-01-01T00:00:00.000Z");
    EXPECT_EQ(date("0000018bcfe56800"), "2023-11-14T22:13:20.000Z");  // 1700000000000
    EXPECT_EQ(date("ffffffffffffffff"), "1969-12-31T23:59:59.999Z");  // -1
    EXPECT_EQ(date("fffff1886e0903ff"), "1465-12-08T12:40:20.223Z");
    EXPECT_EQ(date("000001000000000d"), "2004-11-03T19:53:47.789Z");
    EXPECT_EQ(date("0000e677d21fdc00"), "+010000-01-01T00:00:00.000Z");
    EXPECT_EQ(date("ffffc76e394a7400"), "-000001-01-01T00:00:00.000Z");
    EXPECT_EQ(date("ffffc77590fb9fff"), "-000001-12-31T23:59:59.999Z");
    EXPECT_EQ(date("ffe14df73d240000"), "-271821-04-20T00:00:00.000Z");  // -8.64e15
    EXPECT_EQ(date("001eb208c2dc0000"), "+275760-09-13T00:00:00.000Z");  // 8.64e15
    EXPECT_EQ(date("001eb208c2dc0001"), nullptr);  // past it: an invalid Date, JSON null
}

TEST(MsgpackParser, OtherExtensionsAreTypeAndBytes) {
    // notepack.io decodes them as [type, Buffer]: fixext 2/4/16 of any type, others of type != 0.
    const auto packet =
        decode(unhex("83a47479706502a46461746195a165") + unhex("d40507") + unhex("d5000102") +
               unhex("d7ff0102030405060708") + unhex("c70203aabb") + unhex("a36e7370a12f"));
    EXPECT_EQ(packet.data, json::array({"e", json::array({5, test::bytes({7})}),
                                        json::array({0, test::bytes({1, 2})}),
                                        json::array({-1, test::bytes({1, 2, 3, 4, 5, 6, 7, 8})}),
                                        json::array({3, test::bytes({0xaa, 0xbb})})}));
}

TEST(MsgpackParser, InvalidUtf8BecomesReplacementCharacters) {
    // As Buffer#toString("utf8"): one U+FFFD per maximal ill-formed subpart.
    const auto decoded = [](std::string_view raw) {
        std::string bytes = unhex("83a47479706502a46461746192a165");
        bytes += static_cast<char>(0xA0 | raw.size());
        bytes += raw;
        bytes += unhex("a36e7370a12f");
        return decode(bytes).data[1].get<std::string>();
    };
    EXPECT_EQ(decoded("a\xFF"
                      "b"),
              "a\xEF\xBF\xBD"
              "b");
    EXPECT_EQ(decoded("\xE2\x82"), "\xEF\xBF\xBD");  // truncated: one
    EXPECT_EQ(decoded("\xE2\x82"
                      "a"),
              "\xEF\xBF\xBD"
              "a");
    EXPECT_EQ(decoded("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
    EXPECT_EQ(decoded("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // overlong
    EXPECT_EQ(decoded("\xF0\x9F\x98\x80"), "\xF0\x9F\x98\x80");                  // valid stays
    // Keys too; and what the server sends is valid UTF-8.
    const auto key = decode(unhex("83a47479706502a46461746192a16581a2ff61c3a36e7370a12f"));
    EXPECT_TRUE(
        key.data[1].contains("\xEF\xBF\xBD"
                             "a"));
    const auto out = encode(make(PacketType::event, "/", json::array({"e", "x\xFFy"})));
    EXPECT_NE(out.find("x\xEF\xBF\xBDy"), std::string::npos);
}

// --- what is refused -----------------------------------------------------------------------------

TEST(MsgpackParser, ATextFrameIsRefused) {
    std::error_code ec;
    feed(R"(2["hi"])", ec, {}, /*binary=*/false);
    EXPECT_EQ(ec, error::unexpected_text_frame);
    feed(encode(make(PacketType::event, "/", json::array({"hi"}))), ec, {}, false);
    EXPECT_EQ(ec, error::unexpected_text_frame);
}

TEST(MsgpackParser, MalformedMsgpackIsRefused) {
    EXPECT_EQ(decode_error(""), error::invalid_msgpack);
    EXPECT_EQ(decode_error(unhex("c1")), error::invalid_msgpack);  // the one unused byte
    const auto valid =
        encode(make(PacketType::event, "/chat",
                    json::array({"e", test::bytes({1, 2, 3}), {{"k", "v"}}, 1.5}), 7));
    // Every truncation: refused, never read past the end.
    for (std::size_t n = 1; n < valid.size(); ++n) {
        EXPECT_EQ(decode_error(valid.substr(0, n)), error::invalid_msgpack) << n;
    }
    EXPECT_EQ(decode_error(valid + "\x00"s), error::invalid_msgpack);  // trailing bytes
    // A map key that is not a string (notepack.io would take it; JSON could not carry it).
    EXPECT_EQ(
        decode_error(unhex("83a47479706502a46461746191a165a36e7370a12f").replace(0, 1, "\x84") +
                     unhex("0101")),
        error::invalid_msgpack);
    // Lengths far beyond the frame.
    EXPECT_EQ(decode_error(unhex("83a47479706502a46461746191dbffffffff")), error::invalid_msgpack);
    EXPECT_EQ(decode_error(unhex("83a47479706502a464617461ddffffffff")), error::invalid_msgpack);
}

TEST(MsgpackParser, ThePacketShapeIsChecked) {
    const auto with = [](json members) { return decode_error(packet_bytes(members)); };
    const json event = json::array({"e"});
    // Not a map at all.
    EXPECT_EQ(decode_error(msgpack(json::array({2, event, "/"}))), error::invalid_packet_type);
    EXPECT_EQ(decode_error(msgpack(2)), error::invalid_packet_type);
    EXPECT_EQ(decode_error(unhex("d40000")), error::invalid_packet_type);
    // type: an integer 0..4 (no BINARY_* types in this format).
    EXPECT_EQ(with({{"data", event}, {"nsp", "/"}}), error::invalid_packet_type);
    EXPECT_EQ(with({{"type", "2"}, {"data", event}, {"nsp", "/"}}), error::invalid_packet_type);
    EXPECT_EQ(with({{"type", 5}, {"data", event}, {"nsp", "/"}}), error::invalid_packet_type);
    EXPECT_EQ(with({{"type", -1}, {"data", event}, {"nsp", "/"}}), error::invalid_packet_type);
    EXPECT_EQ(with({{"type", 2.5}, {"data", event}, {"nsp", "/"}}), error::invalid_packet_type);
    EXPECT_EQ(with({{"type", nullptr}, {"data", event}, {"nsp", "/"}}), error::invalid_packet_type);
    EXPECT_FALSE(with({{"type", 2.0}, {"data", event}, {"nsp", "/"}}));  // Number.isInteger(2.0)
    // nsp: a string the JSON format could carry too.
    EXPECT_EQ(with({{"type", 2}, {"data", event}}), error::invalid_namespace);
    EXPECT_EQ(with({{"type", 2}, {"data", event}, {"nsp", 1}}), error::invalid_namespace);
    EXPECT_EQ(with({{"type", 2}, {"data", event}, {"nsp", ""}}), error::invalid_namespace);
    EXPECT_EQ(with({{"type", 2}, {"data", event}, {"nsp", "admin"}}), error::invalid_namespace);
    EXPECT_EQ(with({{"type", 2}, {"data", event}, {"nsp", "/a,b"}}), error::invalid_namespace);
    // data, per type, as the JSON parser checks it.
    EXPECT_EQ(with({{"type", 0}, {"data", "x"}, {"nsp", "/"}}), error::invalid_payload);
    EXPECT_EQ(with({{"type", 0}, {"data", nullptr}, {"nsp", "/"}}), error::invalid_payload);
    EXPECT_EQ(with({{"type", 1}, {"data", json::object()}, {"nsp", "/"}}), error::invalid_payload);
    EXPECT_EQ(with({{"type", 2}, {"nsp", "/"}}), error::invalid_payload);
    EXPECT_EQ(with({{"type", 2}, {"data", json::array()}, {"nsp", "/"}}), error::invalid_payload);
    EXPECT_EQ(with({{"type", 2}, {"data", {{"a", 1}}}, {"nsp", "/"}}), error::invalid_payload);
    EXPECT_EQ(with({{"type", 2}, {"data", json::array({true})}, {"nsp", "/"}}),
              error::invalid_payload);
    for (const char* reserved : {"connect", "connect_error", "disconnect", "disconnecting",
                                 "newListener", "removeListener"}) {
        EXPECT_EQ(with({{"type", 2}, {"data", json::array({reserved, 1})}, {"nsp", "/"}}),
                  error::invalid_payload)
            << reserved;
    }
    EXPECT_EQ(with({{"type", 3}, {"data", "x"}, {"nsp", "/"}, {"id", 1}}), error::invalid_payload);
    EXPECT_EQ(with({{"type", 3}, {"nsp", "/"}, {"id", 1}}), error::invalid_payload);
    EXPECT_EQ(with({{"type", 4}, {"data", 1}, {"nsp", "/"}}), error::invalid_payload);
    EXPECT_EQ(with({{"type", 4}, {"nsp", "/"}}), error::invalid_payload);
    // id: a non-negative integer.
    EXPECT_EQ(with({{"type", 2}, {"data", event}, {"nsp", "/"}, {"id", "1"}}),
              error::invalid_ack_id);
    EXPECT_EQ(with({{"type", 2}, {"data", event}, {"nsp", "/"}, {"id", -1}}),
              error::invalid_ack_id);
    EXPECT_EQ(with({{"type", 2}, {"data", event}, {"nsp", "/"}, {"id", 1.5}}),
              error::invalid_ack_id);
    EXPECT_EQ(with({{"type", 2}, {"data", event}, {"nsp", "/"}, {"id", nullptr}}),
              error::invalid_ack_id);
    EXPECT_EQ(decode(packet_bytes({{"type", 2}, {"data", event}, {"nsp", "/"}, {"id", 4.0}})).id,
              4u);
}

TEST(MsgpackParser, TheDecoderKeepsNoStateBetweenFrames) {
    auto decoder = msgpack_parser()->make_decoder();
    std::error_code ec;
    EXPECT_FALSE(decoder->feed(unhex("c1"), true, ec));
    EXPECT_EQ(ec, error::invalid_msgpack);
    const auto packet = make(PacketType::event, "/", json::array({"after", test::bytes({1})}));
    EXPECT_EQ(decoder->feed(encode(packet), true, ec), packet);
    EXPECT_FALSE(ec);
    EXPECT_FALSE(decoder->awaiting_attachments());
}

TEST(MsgpackParser, EncodeTextIsNeverTaken) {
    std::string out = "kept";
    EXPECT_FALSE(
        msgpack_parser()->encode_text(make(PacketType::event, "/", json::array({"e"})), out));
    EXPECT_EQ(out, "kept");
}

// --- encoding forms ------------------------------------------------------------------------------

// The msgpack of `value` as the packet's first data element.
std::string data_bytes(const json& value) {
    const auto bytes = encode(make(PacketType::ack, "/", json::array({value})));
    const std::string prefix = unhex("83a47479706503a46461746191");
    const std::string suffix = unhex("a36e7370a12f");
    EXPECT_EQ(bytes.substr(0, prefix.size()), prefix);
    return hex(bytes.substr(prefix.size(), bytes.size() - prefix.size() - suffix.size()));
}

TEST(MsgpackParser, ValuesUseNotepacksForms) {
    EXPECT_EQ(data_bytes(nullptr), "c0");
    EXPECT_EQ(data_bytes(false), "c2");
    EXPECT_EQ(data_bytes(true), "c3");
    EXPECT_EQ(data_bytes(0), "00");
    EXPECT_EQ(data_bytes(127), "7f");
    EXPECT_EQ(data_bytes(128), "cc80");
    EXPECT_EQ(data_bytes(256), "cd0100");
    EXPECT_EQ(data_bytes(65536), "ce00010000");
    EXPECT_EQ(data_bytes(4294967296), "cf0000000100000000");
    EXPECT_EQ(data_bytes(-1), "ff");
    EXPECT_EQ(data_bytes(-32), "e0");
    EXPECT_EQ(data_bytes(-33), "d0df");
    EXPECT_EQ(data_bytes(-129), "d1ff7f");
    EXPECT_EQ(data_bytes(-32769), "d2ffff7fff");
    EXPECT_EQ(data_bytes(-2147483649LL), "d3ffffffff7fffffff");
    EXPECT_EQ(data_bytes(0.5), "cb3fe0000000000000");
    EXPECT_EQ(data_bytes(std::string(31, 'a')).substr(0, 2), "bf");
    EXPECT_EQ(data_bytes(std::string(32, 'a')).substr(0, 4), "d920");
    EXPECT_EQ(data_bytes(std::string(256, 'a')).substr(0, 6), "da0100");
    EXPECT_EQ(data_bytes(std::string(65536, 'a')).substr(0, 10), "db00010000");
    EXPECT_EQ(data_bytes(json::binary(std::vector<std::uint8_t>(256))).substr(0, 6), "c50100");
    EXPECT_EQ(data_bytes(json::array()), "90");
    EXPECT_EQ(data_bytes(json(std::vector<int>(16, 1))).substr(0, 6), "dc0010");
    EXPECT_EQ(data_bytes(json::object()), "80");
    json sixteen = json::object();
    for (int i = 0; i < 16; ++i) sixteen["k" + std::to_string(i)] = i;
    EXPECT_EQ(data_bytes(sixteen).substr(0, 6), "de0010");
    // Every form reads back as written.
    for (const json& value : {json(4294967296), json(-2147483649LL), json(std::string(70000, 'z')),
                              json(std::vector<int>(70000, 1)), sixteen}) {
        const auto packet = make(PacketType::ack, "/", json::array({value}), 1);
        EXPECT_EQ(decode(encode(packet)), packet);
    }
}

TEST(MsgpackParser, AnEmptyNamespaceGoesOutAsTheMainOne) {
    EXPECT_EQ(decode(encode(make(PacketType::connect, "", nullptr))).nsp, "/");
}

// --- limits --------------------------------------------------------------------------------------

std::string event_with(const json& data) {
    return packet_bytes({{"type", 2}, {"data", data}, {"nsp", "/"}});
}

TEST(MsgpackParser, ValuesAreCountedAsTheJsonParserCountsThem) {
    // ["v", 0, 0, …]: the array, its name and n - 2 numbers are n values.
    const auto values = [](std::size_t n) {
        json data = json::array({"v"});
        for (std::size_t i = 2; i < n; ++i) data.push_back(0);
        return data;
    };
    const ParserLimits limits{.max_values = 50};
    EXPECT_FALSE(decode_error(event_with(values(50)), limits));
    EXPECT_EQ(decode_error(event_with(values(51)), limits), error::too_many_values);
    // The same payload as JSON text: the same verdicts.
    EXPECT_FALSE(test::text_error("2" + values(50).dump(), limits));
    EXPECT_EQ(test::text_error("2" + values(51).dump(), limits), error::too_many_values);
    // A member the packet ignores is bounded too.
    EXPECT_EQ(
        decode_error(
            packet_bytes(
                {{"type", 2}, {"data", json::array({"e"})}, {"junk", values(51)}, {"nsp", "/"}}),
            limits),
        error::too_many_values);
}

TEST(MsgpackParser, NestingIsBoundedAsInTheJsonParser) {
    const std::string head = unhex("83a47479706502a46461746192a16e");  // {type: 2, data: ["n", …
    const std::string tail = unhex("a36e7370a12f");                    // …], nsp: "/"}
    const auto nested = [&](std::size_t depth) {  // ["n", [[…]]]: `depth` levels, the outer one too
        return head + std::string(depth - 2, '\x91') + "\x90" + tail;
    };
    const ParserLimits limits{.max_nesting_depth = 8};
    EXPECT_FALSE(decode_error(nested(8), limits));
    EXPECT_EQ(decode_error(nested(9), limits), error::nesting_too_deep);
    // The msgpack reader recurses: the bound keeps a hostile frame off the stack.
    EXPECT_EQ(decode_error(head + std::string(1'000'000, '\x91')), error::nesting_too_deep);
    std::string maps;  // {"k": {"k": …
    for (int i = 0; i < 1'000'000; ++i) maps += "\x81\xa1k";
    EXPECT_EQ(decode_error(head + maps), error::nesting_too_deep);
    EXPECT_EQ(decode_error(unhex("84a47479706502a464617461") + maps), error::nesting_too_deep);
}

TEST(MsgpackParser, MaxAttachmentsDoesNotApply) {
    json data = json::array({"many"});
    for (int i = 0; i < 50; ++i) data.push_back(test::bytes({1}));
    EXPECT_EQ(decode(event_with(data), {.max_attachments = 1}).data.size(), 51u);
}

}  // namespace
}  // namespace socketio::protocol
