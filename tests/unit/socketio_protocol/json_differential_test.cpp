// The codec's own JSON reading and writing against nlohmann's: the decoder reads common payloads
// itself and the encoder writes them itself (for speed), so on random payloads both must give
// exactly nlohmann's tree (value and number type) and nlohmann's text, and refuse what it refuses.

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "test_support.hpp"

namespace socketio::protocol {
namespace {

/// Same value and same JSON types all the way down (json's == takes 1 and 1u and 1.0 as equal).
bool identical(const json& a, const json& b) {
    if (a.type() != b.type()) return false;
    if (a.is_array()) {
        if (a.size() != b.size()) return false;
        for (std::size_t i = 0; i < a.size(); ++i) {
            if (!identical(a[i], b[i])) return false;
        }
        return true;
    }
    if (a.is_object()) {
        if (a.size() != b.size()) return false;
        for (auto it = a.begin(), other = b.begin(); it != a.end(); ++it, ++other) {
            if (it.key() != other.key() || !identical(it.value(), other.value())) return false;
        }
        return true;
    }
    return a == b;
}

class Generator {
  public:
    explicit Generator(std::uint32_t seed) : random_(seed) {}

    std::size_t below(std::size_t n) {
        return std::uniform_int_distribution<std::size_t>(0, n - 1)(random_);
    }

    /// JSON-like text: mostly valid, with the odd mistake, escape, control byte or odd number.
    std::string text(int depth) {
        switch (below(depth > 3 ? 6 : 8)) {
            case 0:
                return pick({"true",
                             "false",
                             "null",
                             "nul",
                             "truex",
                             "-",
                             "+1",
                             "01",
                             "1.",
                             ".5",
                             "1e",
                             "1e+",
                             "-0",
                             "0",
                             "-0.0",
                             "1E5",
                             "2.5e-3",
                             "1e400",
                             "-1e400",
                             "1e-400",
                             "5e-324",
                             "18446744073709551615",
                             "18446744073709551616",
                             "-9223372036854775808",
                             "-9223372036854775809",
                             "123456789012345678901234",
                             "3.141592653589793238462643383279",
                             "0.1",
                             "1.7976931348623157e308"});
            case 1:
                return std::to_string(static_cast<std::int64_t>(random_()) - (1ll << 31));
            case 2:
            case 3:
                return string_text();
            case 4:
            case 5:
                return std::to_string(random_()) + "." + std::to_string(below(1000)) +
                       (below(2) ? "e" + std::to_string(static_cast<int>(below(40)) - 20) : "");
            case 6: {
                std::string out = "[" + space();
                const std::size_t n = below(5);
                for (std::size_t i = 0; i < n; ++i) {
                    if (i) out += below(40) ? "," : "";
                    out += space() + text(depth + 1) + space();
                }
                return out + (below(40) ? "]" : "");
            }
            default: {
                std::string out = "{" + space();
                const std::size_t n = below(4);
                for (std::size_t i = 0; i < n; ++i) {
                    if (i) out += below(40) ? "," : ";";
                    // Repeated keys too: the last one wins.
                    out += space() +
                           (below(3) ? "\"k" + std::to_string(below(3)) + "\"" : string_text()) +
                           space() + (below(40) ? ":" : "") + space() + text(depth + 1);
                }
                return out + space() + "}";
            }
        }
    }

    /// A JSON value built directly: strings may hold any bytes (invalid UTF-8, controls).
    json value(int depth) {
        switch (below(depth > 3 ? 7 : 9)) {
            case 0:
                return nullptr;
            case 1:
                return below(2) == 0;
            case 2:
                return static_cast<std::int64_t>(random_()) * (below(2) ? -1 : 1) *
                       static_cast<std::int64_t>(below(1u << 20));
            case 3:
                return static_cast<std::uint64_t>(random_()) << below(33);
            case 4:
                return std::ldexp(static_cast<double>(random_()),
                                  static_cast<int>(below(200)) - 100) *
                       (below(2) ? -1 : 1);
            case 5:
            case 6:
                return raw_string();
            case 7: {
                json array = json::array();
                for (std::size_t n = below(5); n > 0; --n) array.push_back(value(depth + 1));
                return array;
            }
            default: {
                json object = json::object();
                for (std::size_t n = below(4); n > 0; --n) object[raw_string()] = value(depth + 1);
                return object;
            }
        }
    }

    /// Whitespace, or "\f" (not JSON whitespace), or nothing.
    std::string space() {
        static const char* const spaces[] = {"", "", "", " ", "\t", "\n", "\r", "  ", "\f"};
        return spaces[below(std::size(spaces))];
    }

  private:
    std::string pick(std::initializer_list<const char*> choices) {
        return *(choices.begin() + below(choices.size()));
    }

    std::string raw_string() {
        // Long pieces too, so that the 8- and 16-byte scans meet specials at every offset.
        static const char* const pieces[] = {"a",
                                             "0123456789abcdefghij",
                                             "xyz",
                                             "é",
                                             "日本",
                                             "😀",
                                             "\"",
                                             "\\",
                                             "/",
                                             "\b",
                                             "\f",
                                             "\n",
                                             "\r",
                                             "\t",
                                             "\x01",
                                             "\x1f",
                                             "\x7f",
                                             "\xff",
                                             "\xc3",
                                             "\xed\xa0\x80",
                                             "\xf4\x90\x80\x80",
                                             "\xe0\x80\x80",
                                             " ",
                                             "(a NUL byte)"};
        std::string out;
        for (std::size_t n = below(12); n > 0; --n) {
            const std::size_t i = below(std::size(pieces));
            if (i + 1 == std::size(pieces)) {
                out.push_back('\0');
            } else {
                out += pieces[i];
            }
        }
        return out;
    }

    std::string string_text() {
        // No \uD800-\uDFFF escapes: the decoder repairs lone ones where nlohmann refuses them.
        static const char* const pieces[] = {"0123456789abcdefghij",
                                             "a",
                                             "hello",
                                             "é",
                                             "日本",
                                             "😀",
                                             "\\\"",
                                             "\\\\",
                                             "\\/",
                                             "\\n",
                                             "\\t",
                                             "\\u00e9",
                                             "\\u0041",
                                             "\\x",
                                             "\t",
                                             "\x01",
                                             "\xff",
                                             "\xc3\xa9",
                                             "\xed\xa0\x80",
                                             " ",
                                             "'"};
        std::string out = "\"";
        for (std::size_t n = below(12); n > 0; --n) out += pieces[below(std::size(pieces))];
        return out + (below(40) ? "\"" : "");
    }

    std::mt19937 random_;
};

TEST(JsonDifferential, DecodedPayloadsAreNlohmanns) {
    Generator generate(20240611);
    const auto decoder = json_parser()->make_decoder();
    int accepted = 0;
    for (int i = 0; i < 20000; ++i) {
        const std::string payload = "[" + generate.text(0) + "]";
        const json expected = json::parse(payload, nullptr, /*allow_exceptions=*/false);
        std::error_code ec;
        const auto packet = decoder->feed("3" + payload, false, ec);
        if (expected.is_discarded()) {
            EXPECT_TRUE(ec) << payload;
            continue;
        }
        ++accepted;
        ASSERT_FALSE(ec) << payload << ": " << ec.message();
        ASSERT_TRUE(packet.has_value());
        EXPECT_TRUE(identical(packet->data, expected))
            << payload << "\n got " << packet->data.dump() << "\n want " << expected.dump();
    }
    EXPECT_GT(accepted, 5000);  // the generator makes mostly valid payloads
}

// An EVENT decoded with deferred arguments must be the same EVENT: refused exactly when the
// decoder refuses it otherwise, and when deferred, its text reads back as the arguments built the
// usual way, and relays (as an ACK) to text that JSON.parse reads as those arguments.
TEST(JsonDifferential, DeferredEventArgumentsAreTheBuiltOnes) {
    Generator generate(20261130);
    const auto parser = json_parser();
    const auto built = parser->make_decoder();
    const auto deferring = parser->make_decoder();
    deferring->defer_event_args(true);
    const std::vector<std::string> names = {"\"echo\"", "\"\"",           "\"disconnect\"",
                                            "7",        "\"e\\u0063ho\"", "\"\xc3\xa9\""};
    int deferred = 0;
    int refused = 0;
    for (int i = 0; i < 20000; ++i) {
        std::string payload =
            "[" + generate.space() + names[generate.below(names.size())] + generate.space();
        for (std::size_t n = generate.below(4); n > 0; --n) {
            payload += (generate.below(40) ? "," : "") + generate.space() + generate.text(1);
        }
        payload += generate.space() + (generate.below(40) ? "]" : "") + generate.space();
        const std::string frame = (generate.below(2) ? "2/chat,12" : "2") + payload;

        std::error_code built_ec;
        std::error_code deferred_ec;
        const auto expected = built->feed(frame, false, built_ec);
        const auto packet = deferring->feed(frame, false, deferred_ec);
        ASSERT_EQ(built_ec, deferred_ec) << frame;
        if (built_ec) {
            ++refused;
            continue;
        }
        ASSERT_TRUE(expected && packet) << frame;
        EXPECT_EQ(packet->nsp, expected->nsp);
        EXPECT_EQ(packet->id, expected->id);
        EXPECT_FALSE(expected->deferred) << "deferred without being asked to";
        if (!packet->deferred) {
            EXPECT_TRUE(identical(packet->data, expected->data)) << frame;
            continue;
        }
        ++deferred;
        json args = expected->data;
        const json name = args[0];
        args.erase(args.begin());
        EXPECT_EQ(json(packet->deferred->name), name) << frame;
        EXPECT_TRUE(packet->data.is_null());
        json read;
        ASSERT_TRUE(read_deferred_args(packet->deferred->args, read)) << frame;
        EXPECT_TRUE(identical(read, args)) << frame << "\n got " << read.dump();

        std::string ack;
        ASSERT_TRUE(parser->encode_relayed_ack(packet->nsp, 5, packet->deferred->args, ack));
        const std::string header = packet->nsp == "/" ? "35[" : "3" + packet->nsp + ",5[";
        ASSERT_EQ(ack.substr(0, header.size()), header) << ack;
        const auto relayed = built->feed(ack, false, built_ec);
        ASSERT_FALSE(built_ec) << ack;
        EXPECT_EQ(relayed->type, PacketType::ack);
        EXPECT_EQ(relayed->id, 5u);
        EXPECT_EQ(relayed->data, args) << ack;  // the same value (1e2 relays as 1e2, not 100.0)
    }
    EXPECT_GT(deferred, 2000);  // the usual shapes are deferred…
    EXPECT_GT(refused, 1000);   // …and the generator makes enough mistakes
}

TEST(JsonDifferential, EncodedPayloadsAreNlohmanns) {
    Generator generate(7);
    const auto parser = json_parser();
    for (int i = 0; i < 20000; ++i) {
        json data = json::array();
        for (std::size_t n = generate.below(4); n > 0; --n) data.push_back(generate.value(0));
        const auto frames = parser->encode(Packet{PacketType::ack, "/admin", 42, data});
        ASSERT_EQ(frames.size(), 1u);
        EXPECT_EQ(frames[0].data,
                  "3/admin,42" + data.dump(-1, ' ', false, json::error_handler_t::replace));
    }
}

}  // namespace
}  // namespace socketio::protocol
