// Differential tests against the reference implementation, socket.io-msgpack-parser (the npm
// package in tests/js/node_modules), driven by msgpack_parser_vectors.mjs:
//  - encode: for random packets, our encoder writes the very bytes the npm Encoder writes for the
//    object socket.io builds ({type, data, nsp, id}), and decodes them back to the packet;
//  - decode: for random frames as socket.io-client writes them (its "options" member, undefined,
//    typed arrays, Dates), most of them mutated, our decoder accepts and refuses what the npm
//    Decoder does and yields the same packets, JavaScript-only values as JSON.stringify has them —
//    except where we are stricter on purpose (docs/protocol.md), each such case checked by rule.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "socketio/protocol/packet.hpp"
#include "support/environment.hpp"
#include "support/json_lines.hpp"
#include "support/process.hpp"
#include "test_support.hpp"

namespace socketio::protocol {
namespace {

using namespace std::chrono_literals;

std::string from_base64(const std::string& text) {
    static const std::string digits =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (const char c : text) {
        if (c == '=') break;
        const auto value = digits.find(c);
        if (value == std::string::npos) throw std::runtime_error("bad base64 in test vector");
        buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
        }
    }
    return out;
}

// The vectors' JSON (json as json_lines parses it) → our json: {"$binary"} a binary
// value, {"$date": d} d, {"$float": "NaN"…} the double.
json from_portable(const json& value) {
    if (value.is_object() && value.size() == 1) {
        if (value.contains("$binary")) {
            const auto bytes = from_base64(value["$binary"].get<std::string>());
            return json::binary(std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
        }
        if (value.contains("$date")) return value["$date"];
        if (value.contains("$float")) {
            const auto name = value["$float"].get<std::string>();
            if (name == "NaN") return std::numeric_limits<double>::quiet_NaN();
            return name == "Infinity" ? std::numeric_limits<double>::infinity()
                                      : -std::numeric_limits<double>::infinity();
        }
    }
    if (value.is_array()) {
        json out = json::array();
        for (const auto& element : value) out.push_back(from_portable(element));
        return out;
    }
    if (value.is_object()) {
        json out = json::object();
        for (const auto& [key, element] : value.items()) out[key] = from_portable(element);
        return out;
    }
    return value;
}

// Values equal as JavaScript sees them: numbers by value (NaN equal to itself, 2 equal to 2.0),
// objects whatever their key order (JavaScript puts integer-like keys first).
bool same(const json& a, const json& b) {
    if (a.is_number() && b.is_number()) {
        const double x = a.get<double>(), y = b.get<double>();
        return x == y || (std::isnan(x) && std::isnan(y));
    }
    if (a.type() != b.type()) return false;
    if (a.is_array()) {
        if (a.size() != b.size()) return false;
        for (std::size_t i = 0; i < a.size(); ++i) {
            if (!same(a[i], b[i])) return false;
        }
        return true;
    }
    if (a.is_object()) {
        if (a.size() != b.size()) return false;
        for (const auto& [key, value] : a.items()) {
            const auto it = b.find(key);
            if (it == b.end() || !same(value, *it)) return false;
        }
        return true;
    }
    if (a.is_binary()) return a.get_binary() == b.get_binary();  // subtype included
    return a == b;
}

struct Expected {
    PacketType type;
    std::string nsp;
    std::optional<json> id;
    std::optional<json> data;
};

Expected expected_from_portable(const json& portable) {
    return {static_cast<PacketType>(portable.at("type").get<int>()),
            portable.at("nsp").get<std::string>(),
            portable.contains("id") ? std::optional<json>(portable["id"]) : std::nullopt,
            portable.contains("data") ? std::optional<json>(from_portable(portable["data"]))
                                      : std::nullopt};
}

::testing::AssertionResult matches(const Packet& ours, const Expected& theirs) {
    if (ours.type != theirs.type) return ::testing::AssertionFailure() << "type";
    if (ours.nsp != theirs.nsp) return ::testing::AssertionFailure() << "nsp " << ours.nsp;
    if (ours.id.has_value() != theirs.id.has_value() ||
        (ours.id && !same(json(*ours.id), *theirs.id))) {
        return ::testing::AssertionFailure() << "id";
    }
    if (!same(ours.data, theirs.data.value_or(json()))) {
        return ::testing::AssertionFailure()
               << "data " << ours.data.dump(-1, ' ', false, json::error_handler_t::replace);
    }
    return ::testing::AssertionSuccess();
}

std::vector<json> run_vectors(const std::string& mode, int count, int seed) {
    const auto node = siotest::node_executable();
    if (node.empty()) return {};
    const auto result =
        siotest::run_process({.argv = {node, SIO_MSGPACK_VECTORS_SCRIPT, siotest::js_dir(), mode,
                                       std::to_string(count), std::to_string(seed)}},
                             60s);
    EXPECT_TRUE(result.ok()) << result.describe();
    return siotest::json_lines(result.out);
}

class MsgpackParserConformance : public ::testing::TestWithParam<int> {
  protected:
    void SetUp() override {
        if (siotest::node_executable().empty()) GTEST_SKIP() << "node not found";
    }
};

TEST_P(MsgpackParserConformance, EncodesAsSocketIoMsgpackParserDoes) {
    const auto vectors = run_vectors("encode", 300, GetParam());
    ASSERT_EQ(vectors.size(), 300u);
    const auto parser = msgpack_parser();
    for (const auto& vector : vectors) {
        const json portable = vector.at("packet");
        const auto expected = expected_from_portable(portable);
        Packet packet;
        packet.type = expected.type;
        packet.nsp = expected.nsp;
        if (expected.id) packet.id = expected.id->get<std::uint64_t>();
        if (expected.data) packet.data = *expected.data;
        const auto frame = from_base64(vector.at("frame").get<std::string>());
        const auto frames = parser->encode(packet);
        ASSERT_EQ(frames.size(), 1u);
        EXPECT_TRUE(frames[0].binary);
        EXPECT_EQ(frames[0].data, frame) << vector.dump();
        std::error_code ec;
        const auto decoded = parser->make_decoder()->feed(frame, true, ec);
        ASSERT_FALSE(ec) << ec.message() << ": " << vector.dump();
        EXPECT_TRUE(matches(*decoded, expected)) << vector.dump();
    }
}

// Where we refuse a frame the npm decoder takes, on purpose (docs/protocol.md).
bool is_intended_strictness(const std::error_code& ours, const json& theirs) {
    if (ours == error::invalid_msgpack) return theirs.value("nonStringKey", false);
    const auto& packet = theirs.at("packet");
    if (ours == error::invalid_namespace) {
        const auto nsp = packet.at("nsp").get<std::string>();
        return nsp.empty() || nsp.front() != '/' || nsp.find(',') != std::string::npos;
    }
    if (ours == error::invalid_ack_id) {
        const auto& id = packet.at("id");
        return id.is_number() && (id.get<double>() < 0 || id.get<double>() >= 0x1p64);
    }
    if (ours == error::invalid_payload) {
        // The JSON parser's rules: a non-empty EVENT named by a number or an unreserved string.
        if (packet.at("type") != 2) return false;
        const auto& data = packet.at("data");
        if (data.empty()) return true;
        const auto& name = data.front();
        return !(name.is_number() ||
                 (name.is_string() && !is_reserved_event_name(name.get<std::string>())));
    }
    return false;
}

// Where we take a frame the npm decoder refuses, on purpose: a Date is its ISO string to us (what
// JSON.stringify sends), so it passes as a CONNECT_ERROR's message string.
bool is_intended_leniency(const Packet& ours, const json& theirs) {
    if (!theirs.contains("raw") || theirs.at("error") != "invalid payload") return false;
    const auto& raw = theirs["raw"];
    return ours.type == PacketType::connect_error && raw.contains("data") &&
           raw["data"].is_object() && raw["data"].contains("$date");
}

TEST_P(MsgpackParserConformance, DecodesAsSocketIoMsgpackParserDoes) {
    const auto vectors = run_vectors("decode", 3000, GetParam());
    ASSERT_EQ(vectors.size(), 3000u);
    int packets_compared = 0, refused_by_both = 0, stricter = 0, lenient = 0;
    for (const auto& vector : vectors) {
        const auto frame = from_base64(vector.at("frame").get<std::string>());
        const auto& theirs = vector.at("result");
        std::error_code ec;
        const auto ours = msgpack_parser()->make_decoder()->feed(frame, true, ec);
        if (ec && theirs.contains("error")) {
            ++refused_by_both;
        } else if (ec) {
            EXPECT_TRUE(is_intended_strictness(ec, theirs))
                << "we refused (" << ec.message()
                << ") what the npm decoder took: " << vector.dump();
            ++stricter;
        } else if (theirs.contains("error")) {
            EXPECT_TRUE(is_intended_leniency(*ours, theirs))
                << "we took what the npm decoder refused (" << theirs["error"]
                << "): " << vector.dump();
            ++lenient;
        } else {
            EXPECT_TRUE(matches(*ours, expected_from_portable(theirs.at("packet"))))
                << vector.dump();
            ++packets_compared;
        }
    }
    // The mutations must exercise both sides: plenty of agreement, plenty of refusals.
    EXPECT_GT(packets_compared, 1000);
    EXPECT_GT(refused_by_both, 1000);
    RecordProperty("packets_compared", packets_compared);
    RecordProperty("refused_by_both", refused_by_both);
    RecordProperty("stricter", stricter);
    RecordProperty("lenient", lenient);
}

INSTANTIATE_TEST_SUITE_P(Seeds, MsgpackParserConformance, ::testing::Values(1, 2, 3));

}  // namespace
}  // namespace socketio::protocol
