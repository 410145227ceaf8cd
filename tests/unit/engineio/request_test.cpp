// engineio::Request: the compact, read-only handshake request (one allocation, views into it) —
// built by the HTTP layer from a Beast request, or from a RequestData.
#include <gtest/gtest.h>

#include "engineio/internal.hpp"

using namespace engineio;
using namespace engineio::detail;

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

RequestData sample() {
    return {.method = "GET",
            .target = "/socket.io/?EIO=4&room=a%20b",
            .path = "/socket.io/",
            .query = {{"EIO", "4"}, {"room", "a b"}, {"empty", ""}, {"room", "second"}},
            .headers = {{"Host", "example.com"}, {"X-Custom", "v1"}, {"x-custom", "v2"}},
            .remote_address = "::1",
            .remote_port = 40123,
            .secure = true};
}

}  // namespace

TEST(Request, ReadsBackEveryPartOfItsData) {
    const Request r(sample());
    EXPECT_EQ(r.method(), "GET");
    EXPECT_EQ(r.target(), "/socket.io/?EIO=4&room=a%20b");
    EXPECT_EQ(r.path(), "/socket.io/");
    EXPECT_EQ(r.remote_address(), "::1");
    EXPECT_EQ(r.remote_port(), 40123);
    EXPECT_TRUE(r.secure());
    EXPECT_EQ(r.query().to_vector(), sample().query);
    EXPECT_EQ(r.headers().to_vector(),
              (Pairs{{"host", "example.com"}, {"x-custom", "v1"}, {"x-custom", "v2"}}))
        << "header names lower-cased, order and duplicates kept";
}

TEST(Request, LooksUpTheFirstHeaderIgnoringCaseAndTheFirstQueryParameterExactly) {
    const Request r(sample());
    EXPECT_EQ(r.header("X-CUSTOM"), "v1");
    EXPECT_EQ(r.header("host"), "example.com");
    EXPECT_EQ(r.header("missing"), std::nullopt);
    EXPECT_EQ(r.query_param("room"), "a b");
    EXPECT_EQ(r.query_param("empty"), "");
    EXPECT_EQ(r.query_param("ROOM"), std::nullopt);
}

TEST(Request, FieldsAreARandomAccessRangeOfViews) {
    const Request r(sample());
    const auto query = r.query();
    ASSERT_EQ(query.size(), 4u);
    EXPECT_EQ(query[3], Request::Field("room", "second"));
    auto it = query.begin();
    EXPECT_EQ((*(it + 2)).first, "empty");
    EXPECT_EQ(query.end() - it, 4);
    ++it;
    EXPECT_EQ((*it).first, "room");
}

TEST(Request, CopiesAreIndependentAndAMoveLeavesTheSourceEmpty) {
    auto original = std::make_unique<Request>(sample());
    const Request copy(*original);
    Request assigned;
    assigned = *original;
    original.reset();  // the copies own their text
    EXPECT_EQ(copy.headers().to_vector(), assigned.headers().to_vector());
    EXPECT_EQ(copy.query_param("room"), "a b");
    EXPECT_EQ(assigned.target(), "/socket.io/?EIO=4&room=a%20b");

    Request source(sample());
    const Request moved(std::move(source));
    EXPECT_EQ(moved.header("x-custom"), "v1");
    EXPECT_TRUE(source.headers().empty());  // NOLINT(bugprone-use-after-move): specified empty
    EXPECT_TRUE(source.query().empty());
    EXPECT_EQ(source.target(), "");
}

TEST(Request, TextOf64KiBAndMoreReadsBackWhole) {
    // Offsets are 2 bytes for the usual small request and 4 from 64 KiB of text on; both sides
    // of the switch read back every string, in the request and in its copy.
    for (const std::size_t size : {std::size_t{65'000}, std::size_t{65'535}, std::size_t{70'000}}) {
        RequestData data = sample();
        const std::string big(size, 'x');
        data.headers.emplace_back("X-Big", big);
        data.headers.emplace_back("X-After", "tail");
        const Request r(data);
        const Request copy(r);
        for (const Request* request : {&r, &copy}) {
            EXPECT_EQ(request->header("x-big")->size(), size);
            EXPECT_EQ(request->header("x-after"), "tail");
            EXPECT_EQ(request->header("x-custom"), "v1");
            EXPECT_EQ(request->query_param("room"), "a b");
            EXPECT_EQ(request->method(), "GET");
        }
    }
}

TEST(Request, ADefaultRequestIsEmpty) {
    const Request r;
    EXPECT_EQ(r.method(), "");
    EXPECT_EQ(r.target(), "");
    EXPECT_TRUE(r.headers().empty());
    EXPECT_TRUE(r.query().empty());
    EXPECT_EQ(r.header("host"), std::nullopt);
    EXPECT_EQ(Request(r).query_param("x"), std::nullopt);
}

TEST(Request, BuiltFromABeastRequestKeepsItsRawTargetDecodedQueryAndLowerCaseHeaders) {
    StringRequest req{http::verb::get, "/engine.io/?EIO=4&token=a%2Bb+c", 11};
    req.set(http::field::host, "127.0.0.1:3000");
    req.insert("X-Mixed-Case", "Value Kept");
    const Target target = parse_target(req.target());
    const Request r = make_request(req, target, "127.0.0.1", 50000, false);
    EXPECT_EQ(r.method(), "GET");
    EXPECT_EQ(r.target(), "/engine.io/?EIO=4&token=a%2Bb+c");
    EXPECT_EQ(r.path(), "/engine.io/");
    EXPECT_EQ(r.query_param("token"), "a+b c");
    EXPECT_EQ(r.headers().to_vector(),
              (Pairs{{"host", "127.0.0.1:3000"}, {"x-mixed-case", "Value Kept"}}));
    EXPECT_EQ(r.remote_address(), "127.0.0.1");
    EXPECT_EQ(r.remote_port(), 50000);
    EXPECT_FALSE(r.secure());
}
