// The UTF-8 check of polling text (RFC 3629): what a WebSocket text frame must be (Beast closes
// with 1007 otherwise), a polling body must be too.
#include "engineio/protocol/utf8.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>

#include "reference_utf8.hpp"

using engineio::protocol::is_valid_utf8;
using engineio::protocol::testing::reference_utf8;

namespace {

std::string bytes(std::initializer_list<unsigned> list) {
    std::string out;
    for (unsigned b : list) out.push_back(static_cast<char>(b));
    return out;
}

}  // namespace

TEST(Utf8, AsciiAndEmptyAreValid) {
    EXPECT_TRUE(is_valid_utf8(""));
    EXPECT_TRUE(is_valid_utf8("4hello"));
    EXPECT_TRUE(is_valid_utf8(std::string("\x00\x1e\x7f", 3)));
}

TEST(Utf8, EveryLengthAtItsBoundariesIsValid) {
    EXPECT_TRUE(is_valid_utf8(bytes({0xC2, 0x80})));              // U+0080
    EXPECT_TRUE(is_valid_utf8(bytes({0xDF, 0xBF})));              // U+07FF
    EXPECT_TRUE(is_valid_utf8(bytes({0xE0, 0xA0, 0x80})));        // U+0800
    EXPECT_TRUE(is_valid_utf8(bytes({0xED, 0x9F, 0xBF})));        // U+D7FF, below the surrogates
    EXPECT_TRUE(is_valid_utf8(bytes({0xEE, 0x80, 0x80})));        // U+E000, above them
    EXPECT_TRUE(is_valid_utf8(bytes({0xEF, 0xBF, 0xBF})));        // U+FFFF
    EXPECT_TRUE(is_valid_utf8(bytes({0xF0, 0x90, 0x80, 0x80})));  // U+10000
    EXPECT_TRUE(is_valid_utf8(bytes({0xF4, 0x8F, 0xBF, 0xBF})));  // U+10FFFF
    EXPECT_TRUE(is_valid_utf8("4\xc3\xa9\xe2\x9c\x93 \xf0\x9f\x98\x80"));  // é ✓ 😀
}

TEST(Utf8, OverlongFormsAreInvalid) {
    EXPECT_FALSE(is_valid_utf8(bytes({0xC0, 0x80})));              // U+0000 in two bytes
    EXPECT_FALSE(is_valid_utf8(bytes({0xC1, 0xBF})));              // U+007F in two bytes
    EXPECT_FALSE(is_valid_utf8(bytes({0xE0, 0x80, 0xAF})));        // '/' in three bytes
    EXPECT_FALSE(is_valid_utf8(bytes({0xE0, 0x9F, 0xBF})));        // U+07FF in three bytes
    EXPECT_FALSE(is_valid_utf8(bytes({0xF0, 0x80, 0x80, 0xAF})));  // '/' in four bytes
    EXPECT_FALSE(is_valid_utf8(bytes({0xF0, 0x8F, 0xBF, 0xBF})));  // U+FFFF in four bytes
}

TEST(Utf8, SurrogatesAreInvalid) {
    EXPECT_FALSE(is_valid_utf8(bytes({0xED, 0xA0, 0x80})));  // U+D800
    EXPECT_FALSE(is_valid_utf8(bytes({0xED, 0xBF, 0xBF})));  // U+DFFF
    // CESU-8: 😀 as a surrogate pair, each half encoded on its own.
    EXPECT_FALSE(is_valid_utf8(bytes({0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80})));
}

TEST(Utf8, BeyondU10FFFFAndBytesThatNeverOccurAreInvalid) {
    EXPECT_FALSE(is_valid_utf8(bytes({0xF4, 0x90, 0x80, 0x80})));  // U+110000
    EXPECT_FALSE(is_valid_utf8(bytes({0xF5, 0x80, 0x80, 0x80})));
    EXPECT_FALSE(is_valid_utf8(bytes({0xF8, 0x88, 0x80, 0x80, 0x80})));  // old 5-byte form
    EXPECT_FALSE(is_valid_utf8(bytes({0xFE})));
    EXPECT_FALSE(is_valid_utf8(bytes({0xFF})));
}

TEST(Utf8, TruncatedSequencesAndStrayContinuationsAreInvalid) {
    EXPECT_FALSE(is_valid_utf8(bytes({0xC3})));  // at the end
    EXPECT_FALSE(is_valid_utf8(bytes({0xE2, 0x9C})));
    EXPECT_FALSE(is_valid_utf8(bytes({0xF0, 0x9F, 0x98})));
    EXPECT_FALSE(
        is_valid_utf8("4\xe2\x9c"
                      "abc"));                               // cut short by ASCII
    EXPECT_FALSE(is_valid_utf8("4\xf0\x9f\x98\xc3\xa9"));    // cut short by a new lead
    EXPECT_FALSE(is_valid_utf8(bytes({0x80})));              // continuation, no lead
    EXPECT_FALSE(is_valid_utf8(bytes({0xC3, 0xA9, 0xA9})));  // one continuation too many
}

// The validator skips ASCII eight bytes at a time: a bad (or good) sequence must be seen
// wherever it falls relative to those words, including in the tail shorter than a word.
TEST(Utf8, SequencesAreCheckedAtEveryOffset) {
    const std::string ascii(40, 'a');
    for (std::size_t at = 0; at <= ascii.size(); ++at) {
        const std::string head = ascii.substr(0, at);
        const std::string tail = ascii.substr(at);
        EXPECT_TRUE(is_valid_utf8(head + "\xf0\x9f\x98\x80" + tail)) << at;
        EXPECT_TRUE(is_valid_utf8(head + "\xc3\xa9" + tail)) << at;
        EXPECT_FALSE(is_valid_utf8(head + "\xff" + tail)) << at;
        EXPECT_FALSE(is_valid_utf8(head + "\xed\xa0\x80" + tail)) << at;
        EXPECT_FALSE(is_valid_utf8(head + "\xc0\xaf" + tail)) << at;
        EXPECT_FALSE(is_valid_utf8(head + "\xe2\x9c")) << at;  // truncated at the very end
    }
}

// Every sequence of one to three bytes, and every four-byte sequence whose last two bytes are
// drawn from the values at the edges of the continuation range, agrees with the reference.
TEST(Utf8, AgreesWithAReferenceDecoderOnEveryShortSequence) {
    char buffer[4];
    const auto check = [&](std::size_t length) {
        const std::string_view s(buffer, length);
        return is_valid_utf8(s) == reference_utf8(s);
    };
    for (unsigned a = 0; a < 256; ++a) {
        buffer[0] = static_cast<char>(a);
        ASSERT_TRUE(check(1)) << a;
        for (unsigned b = 0; b < 256; ++b) {
            buffer[1] = static_cast<char>(b);
            ASSERT_TRUE(check(2)) << a << ' ' << b;
            if (a < 0xC0) continue;  // a longer sequence needs a lead byte (the rest is covered)
            for (unsigned c = 0; c < 256; ++c) {
                buffer[2] = static_cast<char>(c);
                ASSERT_TRUE(check(3)) << a << ' ' << b << ' ' << c;
            }
            if (a < 0xF0) continue;
            for (unsigned c : {0x00u, 0x7Fu, 0x80u, 0xBFu, 0xC0u, 0xFFu}) {
                buffer[2] = static_cast<char>(c);
                for (unsigned d : {0x00u, 0x7Fu, 0x80u, 0x9Fu, 0xBFu, 0xC0u, 0xFFu}) {
                    buffer[3] = static_cast<char>(d);
                    ASSERT_TRUE(check(4)) << a << ' ' << b << ' ' << c << ' ' << d;
                }
            }
        }
    }
}
