#include "engineio/protocol/sid.hpp"

#include <set>

#include <gtest/gtest.h>

using engineio::protocol::generate_sid;

using engineio::protocol::kSidLength;

TEST(Sid, IsFifteenBase64UrlCharactersKeptInline) {
    for (int i = 0; i < 100; ++i) {
        const std::string sid = generate_sid();
        ASSERT_EQ(sid.size(), 15u);
        // Within std::string's inline capacity: a session or socket's sid costs no allocation.
        EXPECT_EQ(sid.capacity(), std::string().capacity());
        for (const char c : sid) {
            EXPECT_TRUE((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_')
                << sid;
        }
    }
}

TEST(Sid, IsUnique) {
    std::set<std::string> seen;
    for (int i = 0; i < 100'000; ++i) ASSERT_TRUE(seen.insert(generate_sid()).second);
}

TEST(Sid, UsesEveryPositionRandomly) {
    // A counter or timestamp would keep a prefix constant; random ids differ at every position.
    const std::size_t n = 200;
    std::vector<std::string> sids;
    for (std::size_t i = 0; i < n; ++i) sids.push_back(generate_sid());
    for (std::size_t pos = 0; pos < kSidLength; ++pos) {
        std::set<char> chars;
        for (const auto& sid : sids) chars.insert(sid[pos]);
        EXPECT_GT(chars.size(), 20u) << "position " << pos;
    }
}
