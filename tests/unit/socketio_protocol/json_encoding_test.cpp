// How payloads are serialised: like JSON.stringify (UTF-8 as is, control characters escaped), and
// never an exception for a string that is not valid UTF-8.

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace socketio::protocol {
namespace {

std::string encoded(const json& data) {
    return test::encode(Packet{PacketType::event, "/", {}, data})[0].data;
}

TEST(JsonEncoding, Utf8GoesOutUnescaped) {
    EXPECT_EQ(encoded(json::array({"héllo", "日本", "😀"})), "2[\"héllo\",\"日本\",\"😀\"]");
}

TEST(JsonEncoding, ControlCharactersAreEscapedAsJsonStringify) {
    EXPECT_EQ(encoded(json::array({std::string("\x01\b\f\n\r\t\"\\/\x7f", 10)})),
              "2[\"\\u0001\\b\\f\\n\\r\\t\\\"\\\\/\x7f\"]");
}

TEST(JsonEncoding, InvalidUtf8IsReplacedNotThrown) {
    // A C++ string is bytes; a server may hand us anything. U+FFFD per invalid sequence.
    std::vector<Frame> frames;
    EXPECT_NO_THROW(frames = test::encode(Packet{PacketType::event,
                                                 "/",
                                                 {},
                                                 json::array({"bad", std::string("a\xff"
                                                                                 "b")})}));
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].data,
              "2[\"bad\",\"a\xef\xbf\xbd"
              "b\"]");
    // And what goes out decodes again.
    EXPECT_EQ(test::decode_text(frames[0].data).data[1],
              "a\xef\xbf\xbd"
              "b");
}

TEST(JsonEncoding, InvalidUtf8InObjectKeysIsReplaced) {
    EXPECT_EQ(encoded(json::array({"k", json{{std::string("\xc3"), 1}}})),
              "2[\"k\",{\"\xef\xbf\xbd\":1}]");
}

TEST(JsonEncoding, NumbersAsJson) {
    EXPECT_EQ(encoded(json::array({"n", 0, -1, 1.5, 18446744073709551615u, 1e300})),
              "2[\"n\",0,-1,1.5,18446744073709551615,1e+300]");
}

TEST(JsonEncoding, EscapedUnicodeInInputIsDecoded) {
    EXPECT_EQ(test::decode_text(R"(2["\u00e9\ud83d\ude00"])").data[0], "é😀");
}

TEST(JsonEncoding, LoneSurrogateEscapesFromJavaScriptBecomeReplacementCharacters) {
    // JSON.stringify("\ud800") gives "\\ud800" and JSON.parse accepts it back, so a JS client may
    // send it; it must not cost the connection. U+FFFD is EF BF BD in UTF-8.
    const std::string replacement = "\xef\xbf\xbd";
    EXPECT_EQ(test::decode_text(R"(2["a\ud800b"])").data[0], "a" + replacement + "b");
    EXPECT_EQ(test::decode_text(R"(2["\udc00","\ud83d\ude00","\ud83d","\ud83d\u0041"])").data,
              json::array({replacement, "😀", replacement, replacement + "A"}));
    // In a key too, and a pair split by the end of a string is two lone halves.
    EXPECT_EQ(test::decode_text(R"(2["k",{"\udfff":1},"\ud83d","\ude00"])").data,
              json::array({"k", json{{replacement, 1}}, replacement, replacement}));
}

TEST(JsonEncoding, EscapedBackslashBeforeUIsNotASurrogate) {
    // "\\ud800" is a backslash followed by the text "ud800".
    EXPECT_EQ(test::decode_text(R"(2["\\ud800"])").data[0], "\\ud800");
}

TEST(JsonEncoding, LoneSurrogateDoesNotRescueInvalidJson) {
    EXPECT_EQ(test::text_error(R"(2["\ud800")"), error::invalid_json);
    EXPECT_EQ(test::text_error(R"(2["\ud800"],)"), error::invalid_json);
}

}  // namespace
}  // namespace socketio::protocol
