// Binary arguments round-trip as binary, both ways, in events and acks, with both parsers.

#include <gtest/gtest.h>

#include "socketio/socketio.hpp"
#include "socketio/test_client.hpp"

using socketio::json;
using socketio::testing::TestClient;

namespace {
void install_binary_echo(socketio::Server& io, json& seen) {
    io.on("file", [&](socketio::Socket& s, const json& name, const json& bytes) {
        seen = bytes;
        s.emit("file", name, bytes, socketio::binary(std::string("\x00\xff", 2)));
        return socketio::Ack{bytes.is_binary() ? bytes.get_binary().size() : 0u, bytes};
    });
}
}  // namespace

class Binary : public ::testing::TestWithParam<socketio::Parser> {};

TEST_P(Binary, RoundTripsAsBinary) {
    socketio::Server io{{.parser = GetParam()}};
    json seen;
    install_binary_echo(io, seen);
    TestClient client{io};
    ASSERT_TRUE(client.connect());
    const std::string bytes("\x01\x02\x00\x7f\x80\xfe", 6);
    auto ack = client.emit_with_ack("file", "a.bin", socketio::binary(bytes));

    ASSERT_TRUE(seen.is_binary());
    EXPECT_EQ(std::string(seen.get_binary().begin(), seen.get_binary().end()), bytes);
    ASSERT_FALSE(ack.ec);
    EXPECT_EQ(ack.args.at(0), 6);
    ASSERT_TRUE(ack.args.at(1).is_binary());
    EXPECT_EQ(ack.args.at(1), socketio::binary(bytes));

    auto received = client.get_received();
    ASSERT_EQ(received.size(), 1u);
    const auto& args = received[0].args;
    ASSERT_EQ(args.size(), 3u);
    EXPECT_EQ(args[0], "a.bin");
    ASSERT_TRUE(args[1].is_binary());
    EXPECT_EQ(args[1], socketio::binary(bytes));
    ASSERT_TRUE(args[2].is_binary());
    EXPECT_EQ(args[2].get_binary().size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Parsers, Binary,
                         ::testing::Values(socketio::Parser::json, socketio::Parser::msgpack),
                         [](const auto& info) {
                             return info.param == socketio::Parser::json ? "Json" : "Msgpack";
                         });
