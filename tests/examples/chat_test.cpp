// examples/chat: two clients through nicknames, rooms, messages, typing, user lists and leaving.

#include <gtest/gtest.h>

#include "chat.hpp"
#include "socketio/test_client.hpp"

using socketio::json;
using socketio::testing::ReceivedEvent;
using socketio::testing::TestClient;
using namespace std::chrono_literals;

namespace {
/// The events named `name` among `events`.
std::vector<json> named(const std::vector<ReceivedEvent>& events, const std::string& name) {
    std::vector<json> result;
    for (const auto& e : events) {
        if (e.name == name) result.push_back(e.args);
    }
    return result;
}
/// A chat server whose clock does not tick during the test (it is tested on its own).
struct ChatServer {
    socketio::Server io;
    ChatServer(std::chrono::milliseconds clock = std::chrono::hours(1)) {
        install_chat(io, {.clock_interval = clock});
    }
};
}  // namespace

TEST(ChatExample, NicknamesAreUnique) {
    ChatServer chat;
    TestClient ann{chat.io}, bob{chat.io};
    ASSERT_TRUE(ann.connect() && bob.connect());
    EXPECT_EQ(ann.emit_with_ack("set_nick", "ann").args,
              json::array({{{"ok", true}, {"nick", "ann"}}}));
    EXPECT_EQ(bob.emit_with_ack("set_nick", "ann").args,
              json::array({{{"ok", false}, {"error", "nick taken"}}}));
    EXPECT_EQ(bob.emit_with_ack("set_nick", "").args.at(0).at("ok"), false);
    EXPECT_EQ(bob.emit_with_ack("set_nick", 42).args.at(0).at("ok"), false);
    EXPECT_EQ(bob.emit_with_ack("set_nick", "bob").args.at(0).at("ok"), true);
    // A nick is freed when its owner takes another, or leaves.
    EXPECT_EQ(ann.emit_with_ack("set_nick", "anna").args.at(0).at("ok"), true);
    EXPECT_EQ(bob.emit_with_ack("set_nick", "ann").args.at(0).at("ok"), true);
    bob.disconnect();
    TestClient cid{chat.io};
    ASSERT_TRUE(cid.connect());
    EXPECT_EQ(cid.emit_with_ack("set_nick", "ann").args.at(0).at("ok"), true);
}

TEST(ChatExample, JoinNeedsANick) {
    ChatServer chat;
    TestClient ann{chat.io};
    ASSERT_TRUE(ann.connect());
    EXPECT_EQ(ann.emit_with_ack("join", "lobby").args,
              json::array({{{"ok", false}, {"error", "set a nick first"}}}));
}

TEST(ChatExample, TwoUsersInARoom) {
    ChatServer chat;
    TestClient ann{chat.io}, bob{chat.io}, outsider{chat.io};
    ASSERT_TRUE(ann.connect() && bob.connect() && outsider.connect());
    ann.emit_with_ack("set_nick", "ann");
    bob.emit_with_ack("set_nick", "bob");
    outsider.emit_with_ack("set_nick", "zed");
    EXPECT_EQ(named(ann.get_received(), "rooms"), std::vector<json>{json::array({json::array()})});
    outsider.get_received();

    auto joined = ann.emit_with_ack("join", "lobby").args.at(0);
    EXPECT_EQ(joined, (json{{"ok", true}, {"room", "lobby"}, {"users", {"ann"}}}));
    joined = bob.emit_with_ack("join", "lobby").args.at(0);
    EXPECT_EQ(joined.at("users"), (json{"ann", "bob"}));

    // The user list, to the room; the room list, to everyone.
    auto users = named(ann.get_received(), "users");
    ASSERT_EQ(users.size(), 2u);
    EXPECT_EQ(users.back(), json::array({{{"room", "lobby"}, {"users", {"ann", "bob"}}}}));
    auto rooms = named(outsider.get_received(), "rooms");
    ASSERT_FALSE(rooms.empty());
    EXPECT_EQ(rooms.back(), json::array({json::array({{{"name", "lobby"}, {"users", 2}}})}));
    bob.get_received();

    // A message reaches the whole room, the sender too, with nick and time.
    EXPECT_EQ(ann.emit_with_ack("chat", "lobby", "hi bob").args, json::array({{{"ok", true}}}));
    auto to_bob = named(bob.get_received(), "chat");
    ASSERT_EQ(to_bob.size(), 1u);
    const json& message = to_bob[0].at(0);
    EXPECT_EQ(message.at("room"), "lobby");
    EXPECT_EQ(message.at("nick"), "ann");
    EXPECT_EQ(message.at("text"), "hi bob");
    EXPECT_GT(message.at("time").get<std::int64_t>(), 1'600'000'000'000);
    EXPECT_EQ(named(ann.get_received(), "chat").size(), 1u);
    EXPECT_TRUE(named(outsider.get_received(), "chat").empty());
    EXPECT_EQ(outsider.emit_with_ack("chat", "lobby", "let me in").args.at(0).at("error"),
              "not in that room");

    // Typing: the room except the sender.
    bob.emit("typing", "lobby", true);
    auto typing = named(ann.get_received(), "typing");
    ASSERT_EQ(typing.size(), 1u);
    EXPECT_EQ(typing[0], json::array({{{"room", "lobby"}, {"nick", "bob"}, {"typing", true}}}));
    EXPECT_TRUE(named(bob.get_received(), "typing").empty());
    EXPECT_TRUE(outsider.get_received().empty());

    // Leaving: the room hears the new list; the leaver no longer gets its messages.
    EXPECT_EQ(bob.emit_with_ack("leave", "lobby").args,
              json::array({{{"ok", true}, {"room", "lobby"}}}));
    users = named(ann.get_received(), "users");
    ASSERT_EQ(users.size(), 1u);
    EXPECT_EQ(users[0], json::array({{{"room", "lobby"}, {"users", {"ann"}}}}));
    bob.get_received();
    ann.emit_with_ack("chat", "lobby", "bye");
    EXPECT_TRUE(named(bob.get_received(), "chat").empty());
    EXPECT_EQ(bob.emit_with_ack("leave", "lobby").args.at(0).at("ok"), false);
}

TEST(ChatExample, DisconnectUpdatesTheUserList) {
    ChatServer chat;
    TestClient ann{chat.io};
    {
        TestClient bob{chat.io};
        ASSERT_TRUE(ann.connect() && bob.connect());
        ann.emit_with_ack("set_nick", "ann");
        bob.emit_with_ack("set_nick", "bob");
        ann.emit_with_ack("join", "r");
        bob.emit_with_ack("join", "r");
        ann.get_received();
    }  // bob's connection closes
    auto users = named(ann.get_received(), "users");
    ASSERT_EQ(users.size(), 1u);
    EXPECT_EQ(users[0], json::array({{{"room", "r"}, {"users", {"ann"}}}}));
}

TEST(ChatExample, ClockTicksUntilStop) {
    ChatServer chat{10ms};
    TestClient ann{chat.io};
    ASSERT_TRUE(ann.connect());
    ASSERT_TRUE(ann.wait_for("clock", 10s));
    auto clock = named(ann.get_received(), "clock");
    ASSERT_FALSE(clock.empty());
    EXPECT_GT(clock[0].at(0).at("time").get<std::int64_t>(), 1'600'000'000'000);
    chat.io.stop();  // the clock's sleep() returns false; ~Server joins it
    EXPECT_FALSE(ann.is_connected());
}
