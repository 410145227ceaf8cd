#include "engineio/protocol/base64.hpp"

#include <gtest/gtest.h>

using engineio::protocol::base64_decode;
using engineio::protocol::base64_encode;

TEST(Base64, EncodesRfc4648Vectors) {
    EXPECT_EQ(base64_encode(""), "");
    EXPECT_EQ(base64_encode("f"), "Zg==");
    EXPECT_EQ(base64_encode("fo"), "Zm8=");
    EXPECT_EQ(base64_encode("foo"), "Zm9v");
    EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
    EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
    EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64, RoundTripsEveryByteValue) {
    std::string all;
    for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
    for (std::size_t len = 0; len <= all.size(); len += 37) {
        const std::string bytes = all.substr(0, len);
        EXPECT_EQ(base64_decode(base64_encode(bytes)), bytes);
    }
}

TEST(Base64, DecodesWithoutPadding) {
    EXPECT_EQ(base64_decode("Zg"), "f");
    EXPECT_EQ(base64_decode("Zm8"), "fo");
}

TEST(Base64, RefusesInvalidInput) {
    EXPECT_FALSE(base64_decode("Z"));       // impossible length
    EXPECT_FALSE(base64_decode("Zm9v!"));   // outside the alphabet
    EXPECT_FALSE(base64_decode("Zm 9v"));   // whitespace
    EXPECT_FALSE(base64_decode("Zg="));     // wrong padding
    EXPECT_FALSE(base64_decode("Zh=="));    // non-zero pad bits
    EXPECT_FALSE(base64_decode("Zm9v-_"));  // base64url alphabet is not base64
}
