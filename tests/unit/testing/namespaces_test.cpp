// Several namespaces on one connection: each has its sid, its events and its buffer.

#include <gtest/gtest.h>

#include "socketio/socketio.hpp"
#include "socketio/test_client.hpp"

using socketio::json;
using socketio::testing::TestClient;

TEST(Namespaces, EachNamespaceHasItsSocketAndEvents) {
    socketio::Server io;
    io.on("where", [](socketio::Socket& s) { return s.nsp_name(); });
    io.of("/admin").on("where", [](socketio::Socket& s) {
        s.emit("admin only", 1);
        return s.nsp_name();
    });
    TestClient client{io};
    ASSERT_TRUE(client.connect());
    ASSERT_TRUE(client.connect("admin"));  // a missing leading '/' is added, as in of()
    EXPECT_NE(client.sid("/"), client.sid("/admin"));
    EXPECT_EQ(io.socket(client.sid("/admin"), "/admin")->engine_sid(),
              io.socket(client.sid("/"))->engine_sid());  // one connection

    EXPECT_EQ(client.emit_args_with_ack("where", json::array(), "/admin").args,
              json::array({"/admin"}));
    EXPECT_EQ(client.emit_with_ack("where").args, json::array({"/"}));
    EXPECT_TRUE(client.get_received("/").empty());
    auto admin = client.get_received("/admin");
    ASSERT_EQ(admin.size(), 1u);
    EXPECT_EQ(admin[0].nsp, "/admin");

    client.disconnect("/admin");
    EXPECT_FALSE(client.is_connected("/admin"));
    EXPECT_TRUE(client.is_connected("/"));  // the connection stays for "/"
    EXPECT_EQ(client.emit_with_ack("where").args, json::array({"/"}));
}

TEST(Namespaces, MiddlewareRefusalWithData) {
    socketio::Server io;
    io.of("/admin").use([](socketio::Socket&, const json& auth) {
        if (auth.value("role", "") != "admin")
            throw socketio::ConnectionRefused("admins only", {{"need", "admin"}});
    });
    TestClient client{io};
    ASSERT_TRUE(client.connect());
    auto refused = client.connect("/admin", {.auth = {{"role", "guest"}}});
    EXPECT_EQ(refused.ec, socketio::testing::error::connect_refused);
    EXPECT_EQ(refused.message, "admins only");
    EXPECT_EQ(refused.data, (json{{"need", "admin"}}));
    EXPECT_TRUE(client.is_connected("/"));
    EXPECT_TRUE(client.connect("/admin", {.auth = {{"role", "admin"}}}));
}
