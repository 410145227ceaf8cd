// Rooms and broadcasts: join/leave, rooms of a socket, to/except, socket.to excluding itself,
// close_room, fan-out over loops with one shared encoded buffer, cleanup on disconnect.

#include "harness.hpp"

namespace sio_test {
namespace {

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

TEST(Rooms, PersonalRoomAndJoinLeave) {
    Harness h;
    h.io->on("join", [](socketio::Socket& s, const std::string& room) { s.join(room); });
    h.io->on("leave", [](socketio::Socket& s, const std::string& room) { s.leave(room); });
    auto c = h.connected();
    const auto sid = c.sid();
    EXPECT_EQ(h.io->rooms(sid), std::vector<std::string>{sid});
    c.emit("join", {"a"});
    c.emit("join", {"b"});
    h.poll();
    EXPECT_EQ(h.io->rooms(sid), sorted({sid, "a", "b"}));
    c.emit("leave", {"a"});
    h.poll();
    EXPECT_EQ(h.io->rooms(sid), sorted({sid, "b"}));
}

TEST(Rooms, PersonalRoomCanBeLeftAndJoinedAgain) {
    // Node and python-socketio let a socket leave the room of its own sid: emits to that sid then
    // miss it, until it joins again.
    Harness h;
    auto a = h.connected();
    const auto sid = a.sid();
    EXPECT_TRUE(h.io->leave_room(sid, sid));
    h.poll();
    EXPECT_TRUE(h.io->rooms(sid).empty());
    h.io->to(sid).emit("direct", 1);
    h.poll();
    EXPECT_TRUE(a.events("direct").empty());
    h.io->emit("everyone", 1);  // still in the namespace
    h.poll();
    EXPECT_EQ(a.events("everyone").size(), 1u);
    EXPECT_TRUE(h.io->enter_room(sid, sid));
    h.poll();
    EXPECT_EQ(h.io->rooms(sid), std::vector<std::string>{sid});
    h.io->to(sid).emit("direct", 2);
    h.poll();
    EXPECT_EQ(a.events("direct").size(), 1u);
}

TEST(Rooms, RoomNamedLikeAnotherSocketsSid) {
    // A room is a string: a socket may join the room named by another socket's sid, and then
    // gets what is sent to that sid, once, as does the owner.
    Harness h;
    auto a = h.connected("/", 0);
    auto b = h.connected("/", 1);
    auto c = h.connected("/", 0);
    EXPECT_TRUE(h.io->enter_room(b.sid(), a.sid()));
    EXPECT_TRUE(h.io->enter_room(c.sid(), a.sid()));
    h.poll();
    EXPECT_EQ(sorted(h.io->rooms(b.sid())), sorted({b.sid(), a.sid()}));
    h.io->to(a.sid()).emit("for_a");
    h.io->to({a.sid(), c.sid()}).emit("for_a_and_c");
    h.io->to(a.sid()).except(c.sid()).emit("not_c");
    h.poll();
    for (auto* client : {&a, &b, &c}) {
        EXPECT_EQ(client->events("for_a").size(), 1u);
        EXPECT_EQ(client->events("for_a_and_c").size(), 1u);
    }
    EXPECT_EQ(a.events("not_c").size(), 1u);
    EXPECT_EQ(b.events("not_c").size(), 1u);
    EXPECT_TRUE(c.events("not_c").empty());
    EXPECT_EQ(sorted(h.io->of("/").sockets(a.sid())), sorted({a.sid(), b.sid(), c.sid()}));
}

TEST(Rooms, BroadcastToRoomReachesOnlyMembers) {
    Harness h;
    auto a = h.connected("/", 0);
    auto b = h.connected("/", 1);
    auto c = h.connected("/", 0);
    EXPECT_TRUE(h.io->enter_room(a.sid(), "r"));
    EXPECT_TRUE(h.io->enter_room(b.sid(), "r"));
    h.poll();
    h.io->to("r").emit("news", 1);
    h.poll();
    EXPECT_EQ(a.events("news").size(), 1u);
    EXPECT_EQ(b.events("news").size(), 1u);
    EXPECT_TRUE(c.events("news").empty());
}

TEST(Rooms, SeveralRoomsReachEachSocketOnce) {
    Harness h;
    auto a = h.connected();
    auto b = h.connected();
    h.io->enter_room(a.sid(), "x");
    h.io->enter_room(a.sid(), "y");
    h.io->enter_room(b.sid(), "y");
    h.poll();
    h.io->to({"x", "y"}).emit("news");
    h.poll();
    EXPECT_EQ(a.events("news").size(), 1u);
    EXPECT_EQ(b.events("news").size(), 1u);
}

TEST(Rooms, ExceptSkipsSidsAndRooms) {
    Harness h;
    auto a = h.connected("/", 0);
    auto b = h.connected("/", 1);
    auto c = h.connected("/", 1);
    h.io->enter_room(c.sid(), "quiet");
    h.poll();
    h.io->except(a.sid()).except("quiet").emit("news");
    h.poll();
    EXPECT_TRUE(a.events("news").empty());
    EXPECT_EQ(b.events("news").size(), 1u);
    EXPECT_TRUE(c.events("news").empty());
}

TEST(Rooms, SocketToExcludesTheSender) {
    Harness h;
    h.io->on("chat", [](socketio::Socket& s, const json& msg) {
        s.emit_to(msg["room"].get<std::string>(), "chat", msg);
        return json{{"ok", 1}};
    });
    h.io->on("join", [](socketio::Socket& s, const std::string& room) { s.join(room); });
    auto a = h.connected("/", 0);
    auto b = h.connected("/", 1);
    auto outsider = h.connected("/", 1);
    a.emit("join", {"lobby"});
    b.emit("join", {"lobby"});
    h.poll();
    a.emit("chat", {{{"room", "lobby"}, {"text", "hi"}}}, "/", 1);
    h.poll();
    EXPECT_TRUE(a.events("chat").empty());
    ASSERT_EQ(b.events("chat").size(), 1u);
    EXPECT_EQ(b.events("chat")[0][0]["text"], "hi");
    EXPECT_TRUE(outsider.events("chat").empty());
}

TEST(Rooms, BroadcastToNamespaceExceptSender) {
    Harness h;
    h.io->on("shout", [](socketio::Socket& s) { s.broadcast().emit("heard"); });
    auto a = h.connected();
    auto b = h.connected();
    a.emit("shout");
    h.poll();
    EXPECT_TRUE(a.events("heard").empty());
    EXPECT_EQ(b.events("heard").size(), 1u);
}

TEST(Rooms, BroadcastIsEncodedOnceAndShared) {
    Harness h;
    std::vector<FakeClient> clients;
    for (int i = 0; i < 4; ++i) clients.push_back(h.connected("/", i % 2));
    for (auto& c : clients) c.session->clear_sent();
    h.io->emit("news", json{{"big", std::string(1000, 'x')}});
    h.poll();
    const void* buffer = nullptr;
    for (auto& c : clients) {
        auto sent = c.session->sent();
        ASSERT_EQ(sent.size(), 1u);
        if (!buffer) buffer = sent[0].buffer().get();
        EXPECT_EQ(sent[0].buffer().get(), buffer);  // the very same bytes for every recipient
    }
}

TEST(Rooms, BinaryBroadcastSharesEveryFrame) {
    Harness h;
    auto a = h.connected("/", 0);
    auto b = h.connected("/", 1);
    a.session->clear_sent();
    b.session->clear_sent();
    h.io->emit("file", socketio::binary("payload"));
    h.poll();
    auto sa = a.session->sent();
    auto sb = b.session->sent();
    ASSERT_EQ(sa.size(), 2u);
    ASSERT_EQ(sb.size(), 2u);
    EXPECT_EQ(sa[0].buffer().get(), sb[0].buffer().get());
    EXPECT_EQ(sa[1].buffer().get(), sb[1].buffer().get());
    EXPECT_TRUE(sa[1].is_binary());
}

TEST(Rooms, NamespacesAreSeparate) {
    Harness h;
    h.io->of("/other");
    auto a = h.connected("/");
    auto b = h.accept();
    b.connect("/other");
    h.poll();
    h.io->emit("news");
    h.io->of("/other").emit("other-news");
    h.poll();
    EXPECT_EQ(a.events("news").size(), 1u);
    EXPECT_TRUE(a.events("other-news").empty());
    EXPECT_EQ(b.events("other-news", "/other").size(), 1u);
    EXPECT_TRUE(b.events("news", "/other").empty());
}

TEST(Rooms, CloseRoomEmptiesIt) {
    Harness h;
    auto a = h.connected("/", 0);
    auto b = h.connected("/", 1);
    h.io->enter_room(a.sid(), "r");
    h.io->enter_room(b.sid(), "r");
    h.poll();
    EXPECT_EQ(h.io->of("/").sockets("r").size(), 2u);
    h.io->close_room("r");
    h.poll();
    EXPECT_TRUE(h.io->of("/").sockets("r").empty());
    h.io->to("r").emit("news");
    h.poll();
    EXPECT_TRUE(a.events("news").empty());
}

TEST(Rooms, DisconnectLeavesEveryRoom) {
    Harness h;
    auto a = h.connected();
    const auto sid = a.sid();
    h.io->enter_room(sid, "r");
    h.poll();
    a.disconnect();
    h.poll();
    EXPECT_TRUE(h.io->rooms(sid).empty());
    EXPECT_TRUE(h.io->of("/").sockets("r").empty());
    EXPECT_TRUE(h.io->of("/").adapter().rooms().empty());
}

TEST(Rooms, SocketsJoinLeaveAndDisconnectByRoom) {
    Harness h;
    auto a = h.connected("/", 0);
    auto b = h.connected("/", 1);
    auto c = h.connected("/", 1);
    h.io->enter_room(a.sid(), "team");
    h.io->enter_room(b.sid(), "team");
    h.poll();
    h.io->in("team").sockets_join({"vip"});
    h.poll();
    EXPECT_EQ(sorted(h.io->of("/").sockets("vip")), sorted({a.sid(), b.sid()}));
    h.io->in("vip").except(a.sid()).sockets_leave({"vip"});
    h.poll();
    EXPECT_EQ(h.io->of("/").sockets("vip"), std::vector<std::string>{a.sid()});
    h.io->in("team").disconnect_sockets();
    h.poll();
    EXPECT_EQ(a.of_type(PacketType::disconnect).size(), 1u);
    EXPECT_EQ(b.of_type(PacketType::disconnect).size(), 1u);
    EXPECT_TRUE(c.of_type(PacketType::disconnect).empty());
    EXPECT_EQ(h.io->of("/").sockets(), std::vector<std::string>{c.sid()});
}

}  // namespace
}  // namespace sio_test

namespace sio_test {
namespace {

/// An AdapterHost of one loop that knows any sid: the in-memory adapter's index alone.
class IndexOnlyHost : public socketio::AdapterHost {
  public:
    const std::string& name() const noexcept override { return name_; }
    std::size_t loop_count() const noexcept override { return 1; }
    boost::asio::any_io_executor executor(std::size_t) const override {
        return loop_.get_executor();
    }
    void dispatch(std::size_t, std::function<void()> task) override { task(); }
    std::optional<std::size_t> loop_of(std::string_view) const override { return 0; }
    socketio::EncodedPacket encode_event(const json&, std::optional<std::uint64_t>) const override {
        return {};
    }
    std::uint64_t next_ack_id() noexcept override { return 1; }
    void send(std::size_t, const std::vector<std::string>&,
              const socketio::EncodedPacket&) override {}
    std::size_t send_with_ack(std::size_t, const std::vector<std::string>&,
                              const socketio::EncodedPacket&, std::uint64_t,
                              socketio::AckCallback) override {
        return 0;
    }
    void disconnect(std::size_t, const std::vector<std::string>&, bool) override {}

  private:
    std::string name_ = "/";
    mutable boost::asio::io_context loop_;
};

TEST(InMemoryAdapter, IndexesIdsOfAnyLength) {
    // Our sids have 15 characters, kept inline in the index; another server's (Node's: 20) or a
    // custom host's may be longer or shorter, and are indexed alike.
    IndexOnlyHost host;
    socketio::InMemoryAdapter adapter(host);
    const std::vector<std::string> ids = {"",
                                          "a",
                                          "fifteen-chars-x",
                                          "sixteen-chars-xy",
                                          "twenty-characters-id",
                                          std::string(300, 'z')};
    for (const auto& id : ids) adapter.add_all(id, {id, "all"});
    EXPECT_EQ(sorted(adapter.sockets({.rooms = {"all"}})), sorted(ids));
    for (const auto& id : ids) {
        EXPECT_EQ(sorted(adapter.socket_rooms(id)), sorted(std::vector<std::string>{id, "all"}))
            << id.size();
        EXPECT_EQ(adapter.sockets({.rooms = {id}}), std::vector<std::string>{id}) << id.size();
    }
    adapter.del_all("twenty-characters-id");
    adapter.del_all(std::string(300, 'z'));
    EXPECT_EQ(sorted(adapter.sockets({.rooms = {"all"}})),
              sorted(std::vector<std::string>{"", "a", "fifteen-chars-x", "sixteen-chars-xy"}));
    EXPECT_TRUE(adapter.socket_rooms("twenty-characters-id").empty());
}

}  // namespace
}  // namespace sio_test
