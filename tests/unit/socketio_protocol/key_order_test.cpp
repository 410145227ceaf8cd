// Objects keep their keys in the order the peer sent them, and a relayed object goes out as it came
// in (Node's JSON.parse and Python dicts keep insertion order; a sorted map would turn a relayed
// {"t":…,"p":…} into {"p":…,"t":…}).

#include <gtest/gtest.h>

#include <string>

#include "test_support.hpp"

namespace socketio::protocol {
namespace {

std::string reencoded(const std::string& text) {
    return test::encode(test::decode_text(text))[0].data;
}

std::string keys_of(const json& object) {
    std::string keys;
    for (const auto& [key, value] : object.items()) keys += key + ",";
    return keys;
}

TEST(KeyOrder, AnObjectIsRelayedWithItsKeysAsSent) {
    EXPECT_EQ(reencoded(R"(2["chat",{"t":1,"p":"x","a":{"z":1,"b":2}}])"),
              R"(2["chat",{"t":1,"p":"x","a":{"z":1,"b":2}}])");
}

TEST(KeyOrder, KeysWithEscapesTakeTheOtherParserAndKeepTheirOrderToo) {
    // An escape sends the payload through nlohmann's SAX parser instead of the fast reader.
    EXPECT_EQ(reencoded(R"(2["chat",{"z\u0041":1,"b":2,"a":3}])"),
              R"(2["chat",{"zA":1,"b":2,"a":3}])");
}

TEST(KeyOrder, ARepeatedKeyKeepsItsFirstPlaceAndTakesTheLastValue) {
    // JSON.parse('{"a":1,"b":2,"a":3}') is {a: 3, b: 2}.
    EXPECT_EQ(reencoded(R"(2["e",{"a":1,"b":2,"a":3}])"), R"(2["e",{"a":3,"b":2}])");
    EXPECT_EQ(reencoded(R"(2["e",{"\u0061":1,"b":2,"a":3}])"), R"(2["e",{"a":3,"b":2}])");
}

// Large objects switch from a linear check for repeats to a hash index; both parsers.
void expect_large_object_with_repeats(bool escaped) {
    constexpr int distinct = 20'000;
    std::string text = R"(2["e",{)";
    for (int i = 0; i < distinct; ++i) {
        text +=
            (escaped ? "\"\\u006b" : "\"k") + std::to_string(i) + "\":" + std::to_string(i) + ",";
    }
    // Every key again, in reverse, with new values; then one new key.
    for (int i = distinct - 1; i >= 0; --i) {
        text += "\"k" + std::to_string(i) + "\":" + std::to_string(-i) + ",";
    }
    text += R"("last":true}])";
    ParserLimits limits;
    limits.max_values = 100'000;
    const json object = test::decode_frames({test::text(text)}, limits).data[1];
    ASSERT_EQ(object.size(), static_cast<std::size_t>(distinct) + 1);
    auto it = object.items().begin();
    for (int i = 0; i < distinct; ++i, ++it) {
        ASSERT_EQ(it.key(), "k" + std::to_string(i));
        ASSERT_EQ(it.value(), -i);
    }
    EXPECT_EQ(it.key(), "last");
}

TEST(KeyOrder, ALargeObjectWithRepeatedKeysKeepsFirstPlacesAndLastValues) {
    expect_large_object_with_repeats(false);
}

TEST(KeyOrder, ALargeObjectWithEscapedKeysKeepsFirstPlacesAndLastValues) {
    expect_large_object_with_repeats(true);
}

TEST(KeyOrder, ObjectsBuiltByTheServerGoOutInInsertionOrder) {
    json object;
    object["zeta"] = 1;
    object["alpha"] = 2;
    EXPECT_EQ(keys_of(object), "zeta,alpha,");
    EXPECT_EQ(test::encode(Packet{PacketType::event, "/", {}, json::array({"e", object})})[0].data,
              R"(2["e",{"zeta":1,"alpha":2}])");
}

}  // namespace
}  // namespace socketio::protocol
