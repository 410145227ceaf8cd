// examples/binary: uploads and downloads keep their bytes, binary in both directions.

#include <gtest/gtest.h>

#include "binary.hpp"
#include "socketio/test_client.hpp"

using socketio::json;
using socketio::testing::TestClient;

TEST(BinaryExample, UploadThenDownloadFromAnotherClient) {
    socketio::Server io;
    install_binary(io);
    TestClient up{io}, down{io};
    ASSERT_TRUE(up.connect() && down.connect());
    const std::string bytes("\x00\x01\xfe\xff zero", 9);
    EXPECT_EQ(up.emit_with_ack("upload", "f", socketio::binary(bytes)).args,
              json::array({{{"size", 9}}}));
    auto ack = down.emit_with_ack("download", "f");
    ASSERT_EQ(ack.args.size(), 1u);
    ASSERT_TRUE(ack.args[0].is_binary());
    EXPECT_EQ(ack.args[0], socketio::binary(bytes));
    EXPECT_EQ(down.emit_with_ack("download", "missing").args, json::array({nullptr}));
}

TEST(BinaryExample, TextIsNotAnUpload) {
    socketio::Server io;
    install_binary(io);
    TestClient client{io};
    ASSERT_TRUE(client.connect());
    EXPECT_EQ(client.emit_with_ack("upload", "f", "not bytes").args,
              json::array({{{"error", "expected binary data"}}}));
}

TEST(BinaryExample, ReverseEmitsBinary) {
    socketio::Server io;
    install_binary(io);
    TestClient client{io};
    ASSERT_TRUE(client.connect());
    client.emit("reverse", socketio::binary("abc"));
    auto received = client.get_received();
    ASSERT_EQ(received.size(), 1u);
    EXPECT_EQ(received[0].args, json::array({socketio::binary("cba")}));
}
