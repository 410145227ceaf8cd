// sio_micro — Google Benchmark micro-benchmarks: the Engine.IO packet and payload codecs, the
// WebSocket frame codec, the Socket.IO packet codec, and one broadcast to many in-process sessions
// through the in-memory adapter (a detached socketio::Server on one loop; the sessions only count
// what they are sent).
//
//   build/release/bench/sio_micro [--benchmark_filter=REGEX] [--benchmark_format=json]

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "engineio/protocol/packet.hpp"
#include "engineio/protocol/payload.hpp"
#include "engineio/protocol/websocket.hpp"
#include "engineio/session.hpp"
#include "socketio/protocol/parser.hpp"
#include "socketio/socketio.hpp"

namespace {

const std::string kText64(64, 'x');  // the load generator's payload size
const std::string kEchoPacket = "2123[\"echo\",\"" + kText64 + "\"]";  // Socket.IO, as received

// --- Engine.IO -------------------------------------------------------------------------------

void EngineIoEncodePacket(benchmark::State& state) {
    namespace eio = engineio::protocol;
    std::string out;
    for (auto _ : state) {
        out.clear();
        eio::encode_packet(eio::PacketType::message, kEchoPacket, false, out);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(EngineIoEncodePacket);

void EngineIoDecodePacket(benchmark::State& state) {
    namespace eio = engineio::protocol;
    const std::string text = "4" + kEchoPacket;
    eio::Packet packet;
    for (auto _ : state) {
        benchmark::DoNotOptimize(eio::decode_packet(text, packet));
        benchmark::DoNotOptimize(packet.data.data());
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(EngineIoDecodePacket);

std::vector<engineio::protocol::Packet> polling_batch(std::size_t n) {
    std::vector<engineio::protocol::Packet> packets;
    for (std::size_t i = 0; i < n; ++i) {
        packets.push_back({engineio::protocol::PacketType::message, kEchoPacket, false});
    }
    return packets;
}

void EngineIoEncodePayload(benchmark::State& state) {
    const auto packets = polling_batch(static_cast<std::size_t>(state.range(0)));
    std::string out;
    for (auto _ : state) {
        out.clear();
        engineio::protocol::encode_payload(packets, out);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(EngineIoEncodePayload)->Arg(1)->Arg(16);

void EngineIoDecodePayload(benchmark::State& state) {
    std::string body;
    engineio::protocol::encode_payload(polling_batch(static_cast<std::size_t>(state.range(0))),
                                       body);
    std::vector<engineio::protocol::Packet> out;
    for (auto _ : state) {
        out.clear();
        benchmark::DoNotOptimize(engineio::protocol::decode_payload(body, 1'000'000, out));
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(EngineIoDecodePayload)->Arg(1)->Arg(16);

// --- WebSocket framing -------------------------------------------------------------------------

// A 64-byte Engine.IO message as a client sends it: 2 bytes of header, the 4-byte mask, the
// masked payload (70 bytes).
const std::string kWsMessage64 = "42[\"echo\",\"" + std::string(51, 'x') + "\"]";

std::string masked_text_frame(std::string_view payload) {
    const char key[4] = {0x37, char(0xFA), 0x21, 0x3D};
    std::string frame{char(0x81), static_cast<char>(0x80 | payload.size())};
    frame.append(key, 4);
    for (std::size_t i = 0; i < payload.size(); ++i) frame.push_back(payload[i] ^ key[i % 4]);
    return frame;
}

// 16 frames arrived in one read, parsed (unmasked in place, UTF-8 checked) one after the other.
// The parse unmasks the buffer, so each iteration first copies the masked bytes back: a 1120-byte
// memcpy, a few ns of the total.
void WebSocketParseSmallFrames(benchmark::State& state) {
    namespace ws = engineio::protocol::ws;
    constexpr int kFrames = 16;
    std::string masked;
    for (int i = 0; i < kFrames; ++i) masked += masked_text_frame(kWsMessage64);
    std::string buffer = masked;
    ws::FrameReader reader({});
    for (auto _ : state) {
        std::memcpy(buffer.data(), masked.data(), masked.size());
        std::span<char> data(buffer);
        ws::FrameReader::Event event;
        while (const std::size_t used = reader.parse(data, event)) {
            benchmark::DoNotOptimize(event.payload.data());
            data = data.subspan(used);
        }
    }
    state.SetItemsProcessed(state.iterations() * kFrames);
}
BENCHMARK(WebSocketParseSmallFrames);

// The server side of the same message: its header and payload appended to the connection's
// write buffer.
void WebSocketFrameHeader(benchmark::State& state) {
    namespace ws = engineio::protocol::ws;
    std::string out;
    for (auto _ : state) {
        out.clear();
        ws::append_frame_header(out, ws::Opcode::text, kWsMessage64.size());
        out.append(kWsMessage64);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(WebSocketFrameHeader);

// --- Socket.IO ---------------------------------------------------------------------------------

void SocketIoEncodeEvent(benchmark::State& state) {
    const auto parser = socketio::protocol::json_parser();
    const socketio::protocol::Packet packet{socketio::protocol::PacketType::event, "/", 123,
                                            socketio::json::array({"echo", kText64})};
    for (auto _ : state) {
        auto frames = parser->encode(packet);
        benchmark::DoNotOptimize(frames.data());
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(SocketIoEncodeEvent);

void SocketIoEncodeAck(benchmark::State& state) {
    const auto parser = socketio::protocol::json_parser();
    const socketio::protocol::Packet packet{socketio::protocol::PacketType::ack, "/", 123,
                                            socketio::json::array({kText64})};
    for (auto _ : state) {
        auto frames = parser->encode(packet);
        benchmark::DoNotOptimize(frames.data());
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(SocketIoEncodeAck);

void SocketIoDecodeEvent(benchmark::State& state) {
    const auto decoder = socketio::protocol::json_parser()->make_decoder();
    std::error_code ec;
    for (auto _ : state) {
        auto packet = decoder->feed(kEchoPacket, false, ec);
        benchmark::DoNotOptimize(packet);
    }
    if (ec) state.SkipWithError(ec.message().c_str());
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(SocketIoDecodeEvent);

void SocketIoDecodeBinaryEvent(benchmark::State& state) {
    // A BINARY_EVENT with one attachment: the placeholder, then the bytes.
    const auto decoder = socketio::protocol::json_parser()->make_decoder();
    const std::string header = "51-7[\"file\",{\"_placeholder\":true,\"num\":0}]";
    const std::string attachment(1024, '\x01');
    std::error_code ec;
    for (auto _ : state) {
        decoder->feed(header, false, ec);
        auto packet = decoder->feed(attachment, true, ec);
        benchmark::DoNotOptimize(packet);
    }
    if (ec) state.SkipWithError(ec.message().c_str());
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(SocketIoDecodeBinaryEvent);

// --- a broadcast to N in-process sessions ------------------------------------------------------

/// A session that counts the messages it is sent and keeps none.
class CountingSession final : public engineio::Session {
  public:
    CountingSession(std::string sid, boost::asio::io_context& loop, std::uint64_t& counter)
        : sid_(std::move(sid)), executor_(loop.get_executor()), counter_(counter) {
        request_ = engineio::Request(
            engineio::RequestData{.method = "GET",
                                  .target = "/socket.io/?EIO=4&transport=websocket",
                                  .path = "/socket.io/",
                                  .query = {{"EIO", "4"}, {"transport", "websocket"}},
                                  .remote_address = "127.0.0.1"});
    }
    const std::string& sid() const noexcept override { return sid_; }
    std::string_view transport() const noexcept override { return "websocket"; }
    const engineio::Request& request() const noexcept override { return request_; }
    const boost::asio::any_io_executor& executor() const noexcept override { return executor_; }
    std::size_t loop_index() const noexcept override { return 0; }
    // Called on the loop only (the benchmark runs the loop on its own thread).
    void send(engineio::Message message) override {
        ++counter_;
        benchmark::DoNotOptimize(message.data().data());
    }
    void send(std::vector<engineio::Message> messages) override { counter_ += messages.size(); }
    void close() override {}

  private:
    std::string sid_;
    boost::asio::any_io_executor executor_;
    engineio::Request request_;
    std::uint64_t& counter_;
};

void BroadcastToSessions(benchmark::State& state) {
    boost::asio::io_context loop;  // outlives the server, which may post to it while stopping
    std::uint64_t delivered = 0;
    auto io = std::make_unique<socketio::Server>(
        socketio::ServerOptions{}, std::vector<boost::asio::any_io_executor>{loop.get_executor()});
    const auto handler = io->engine_handler();
    std::vector<std::shared_ptr<CountingSession>> sessions;
    const auto n = static_cast<std::size_t>(state.range(0));
    for (std::size_t i = 0; i < n; ++i) {
        sessions.push_back(
            std::make_shared<CountingSession>("s" + std::to_string(i), loop, delivered));
    }
    boost::asio::post(loop, [&] {
        for (const auto& s : sessions) {
            handler->on_connect(s);
            handler->on_message(s, "0", false);  // Socket.IO CONNECT to "/"
        }
    });
    loop.run();
    loop.restart();
    if (io->of("/").sockets().size() != n) {
        state.SkipWithError("the sessions did not all connect");
        return;
    }
    const std::string payload = kText64;
    delivered = 0;
    for (auto _ : state) {
        io->emit("bcast", payload);  // from outside the loop: the adapter posts one task to it
        loop.poll();
        loop.restart();
    }
    if (delivered != static_cast<std::uint64_t>(state.iterations()) * n) {
        state.SkipWithError("not every session got every broadcast");
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(delivered));
    state.counters["deliveries_per_s"] =
        benchmark::Counter(static_cast<double>(delivered), benchmark::Counter::kIsRate);
    io->stop();
    loop.poll();
}
BENCHMARK(BroadcastToSessions)->Arg(1'000)->Arg(3'000)->Arg(10'000)->Unit(benchmark::kMicrosecond);

// --- one echo round trip through the server ------------------------------------------------------

/// The bench contract's echo (bench/servers/socketio_bench.cpp) on one connected socket: each
/// iteration feeds one EVENT with an ack id to the engine handler, as a transport would, and the
/// server decodes it, dispatches it to the catch-all handler, encodes the ACK and sends it to the
/// session. Everything runs on the calling thread: it is the loop (the handler acks at once).
void SocketIoEchoRoundTrip(benchmark::State& state) {
    boost::asio::io_context loop;  // outlives the server, which may post to it while stopping
    std::uint64_t delivered = 0;
    auto io = std::make_unique<socketio::Server>(
        socketio::ServerOptions{}, std::vector<boost::asio::any_io_executor>{loop.get_executor()});
    io->on("echo", [](socketio::Socket&, socketio::Args args) { return args; });
    const auto handler = io->engine_handler();
    const auto session = std::make_shared<CountingSession>("s0", loop, delivered);
    const engineio::SessionPtr base = session;
    std::uint64_t rounds = 0;
    boost::asio::post(loop, [&] {
        handler->on_connect(base);
        handler->on_message(base, "0", false);  // Socket.IO CONNECT to "/"
        delivered = 0;                          // the CONNECT reply
        for (auto _ : state) {
            handler->on_message(base, kEchoPacket, false);
            ++rounds;
        }
    });
    loop.run();
    if (rounds == 0 || delivered != rounds) {
        state.SkipWithError("not every EVENT was acknowledged");
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(rounds));
    io->stop();
    loop.restart();
    loop.poll();
}
BENCHMARK(SocketIoEchoRoundTrip);

}  // namespace

BENCHMARK_MAIN();
