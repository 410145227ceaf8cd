// Bounds on one incoming packet (ServerOptions::limits: max_values_per_packet, max_attachments): a
// packet over a bound closes its connection as a parse error; one within it is handled.

#include "harness.hpp"

namespace sio_test {
namespace {

// An EVENT ["count", {}, {}, …] of `objects` empty objects: objects + 2 JSON values.
std::string event_of_objects(std::size_t objects) {
    std::string frame = "2[\"count\"";
    for (std::size_t i = 0; i < objects; ++i) frame += ",{}";
    return frame + "]";
}

struct Recorder {
    std::size_t args = 0;
    std::optional<socketio::DisconnectReason> reason;
};

void record(Harness& h, Recorder& r) {
    h.io->on_catch_all(
        [&r](socketio::Socket&, const std::string&, socketio::Args args) { r.args = args.size(); });
    h.io->on("disconnect",
             [&r](socketio::Socket&, socketio::DisconnectReason why) { r.reason = why; });
}

/// A server allowing 1000 JSON values per packet, and what its handlers saw.
class PacketLimits : public ::testing::Test {
  protected:
    PacketLimits() { record(h, r); }
    Recorder r;
    Harness h{socketio::ServerOptions{.limits = {.max_values_per_packet = 1000}}};
};

TEST_F(PacketLimits, PacketWithinMaxValuesIsHandled) {
    auto c = h.connected();
    c.raw(event_of_objects(998));
    h.poll();
    EXPECT_EQ(r.args, 998u);
    EXPECT_FALSE(c.session->closed());
}

TEST_F(PacketLimits, PacketOverMaxValuesClosesWithParseError) {
    auto c = h.connected();
    c.raw(event_of_objects(999));
    h.poll();
    EXPECT_EQ(r.args, 0u) << "the handler did not run";
    EXPECT_TRUE(c.session->closed());
    EXPECT_EQ(r.reason, socketio::DisconnectReason::parse_error);
}

// The default refuses a megabyte of "{}," (~330 000 values, ~40 MB as a tree).
TEST(PacketLimitsDefault, RefusesAMegabyteOfEmptyObjects) {
    Recorder r;
    Harness h;
    EXPECT_EQ(h.io->options().limits.max_values_per_packet, 100'000u);
    record(h, r);
    auto c = h.connected();
    c.raw(event_of_objects(330'000));
    h.poll();
    EXPECT_EQ(r.args, 0u);
    EXPECT_EQ(r.reason, socketio::DisconnectReason::parse_error);
}

}  // namespace
}  // namespace sio_test
