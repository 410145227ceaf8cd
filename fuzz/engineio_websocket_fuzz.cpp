// Fuzzes the WebSocket frame reader (RFC 6455, permessage-deflate): the bytes a client sends, in
// reads of sizes the input chooses. Checks: consumed counts stay within the input; an error has
// one of the three close codes and is reported again, consuming nothing, on every later call;
// control payloads point into the consumed input; messages are no larger than the maximum and
// text ones are UTF-8 (by an independent decoder too); close codes are ones a peer may send; the
// events are the same when the input arrives all at once; and every message, compressed with
// MessageDeflater and parsed by a second reader, comes out the same.
//
// Input: byte 0 the configuration (bit 0 permessage-deflate, bit 1 max_message_size 4096 instead
// of 64, bit 2 client_no_context_takeover, bit 3 shrink() after every read, bit 4
// server_no_context_takeover for the re-compressed copy), byte 1 the reads (0: one read; n: reads
// of 1..n bytes in a pattern), then the bytes of the connection.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "../tests/unit/engineio_protocol/reference_utf8.hpp"
#include "engineio/protocol/utf8.hpp"
#include "engineio/protocol/websocket.hpp"

using namespace engineio::protocol::ws;
using engineio::protocol::is_valid_utf8;
using engineio::protocol::testing::reference_utf8;
using Kind = FrameReader::Event::Kind;

namespace {

struct Seen {
    Kind kind;
    std::uint16_t code;
    std::string payload;
    bool operator==(const Seen&) const = default;
};

void check(bool condition) {
    if (!condition) std::abort();
}

bool is_sendable_close_code(std::uint16_t code) {
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
           (code >= 3000 && code <= 4999);
}

/// A masked client frame (the reader refuses unmasked ones).
std::string client_frame(unsigned first, std::string_view payload) {
    std::string frame;
    append_frame_header(frame, static_cast<Opcode>(first & 0x0F), payload.size(),
                        (first & 0x40) != 0);
    frame[1] = static_cast<char>(frame[1] | 0x80);
    const char key[4] = {0x11, 0x22, 0x44, char(0x88)};
    frame.append(key, 4);
    for (std::size_t i = 0; i < payload.size(); ++i) frame.push_back(payload[i] ^ key[i % 4]);
    return frame;
}

class Driver {
  public:
    Driver(FrameReader::Config config, bool shrink)
        : config_(config), reader_(std::move(config)), shrink_(shrink) {}

    /// Feeds one read; false once the reader has reported an error.
    bool feed(std::string_view bytes) {
        pending_.append(bytes);
        std::span<char> data(pending_);
        std::size_t total = 0;
        bool failed = false;
        for (;;) {
            FrameReader::Event event;
            const std::span<char> rest = data.subspan(total);
            const std::size_t used = reader_.parse(rest, event);
            check(used <= rest.size());
            if (event.kind == Kind::none) {
                check(event.payload.empty());
                if (used == 0) break;
                total += used;
                continue;
            }
            if (event.kind == Kind::error) {
                check(used == 0);
                check(event.code == close_code::protocol_error ||
                      event.code == close_code::invalid_payload ||
                      event.code == close_code::too_big);
                check(!event.payload.empty());
                // Sticky: the same error whatever comes next, nothing consumed.
                FrameReader::Event again;
                check(reader_.parse(rest, again) == 0);
                check(again.kind == Kind::error && again.code == event.code);
                std::string other = client_frame(0x81, "ok");
                check(reader_.parse(other, again) == 0);
                check(again.kind == Kind::error && again.code == event.code);
                seen_.push_back({event.kind, event.code, {}});
                failed = true;
                break;
            }
            check(used > 0);
            const char* consumed_begin = rest.data();
            const char* consumed_end = rest.data() + used;
            const bool in_input = event.payload.empty() ||
                                  (event.payload.data() >= consumed_begin &&
                                   event.payload.data() + event.payload.size() <= consumed_end);
            switch (event.kind) {
                case Kind::ping:
                case Kind::pong:
                    check(in_input && event.payload.size() <= 125 && event.code == 0);
                    break;
                case Kind::close:
                    check(in_input && event.payload.size() <= 123);
                    check(event.code == close_code::no_status ? event.payload.empty()
                                                              : is_sendable_close_code(event.code));
                    check(is_valid_utf8(event.payload));
                    break;
                case Kind::text:
                    check(is_valid_utf8(event.payload) && reference_utf8(event.payload));
                    [[fallthrough]];
                case Kind::binary:
                    check(event.payload.size() <= config_.max_message_size && event.code == 0);
                    break;
                default:
                    std::abort();
            }
            // Reads every byte of the view, so ASan sees one that is not the reader's to give.
            seen_.push_back({event.kind, event.code, std::string(event.payload)});
            total += used;
        }
        check(reader_.buffered() <=
              config_.max_message_size + config_.max_message_size / 1024 + 64);
        pending_.erase(0, total);
        if (shrink_) reader_.shrink();
        return !failed;
    }

    const std::vector<Seen>& seen() const { return seen_; }

  private:
    FrameReader::Config config_;
    FrameReader reader_;
    bool shrink_;
    std::string pending_;
    std::vector<Seen> seen_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const unsigned options = data[0];
    const unsigned reads = data[1];
    const std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);

    DeflateParams params;
    params.client_no_context_takeover = (options & 0x04) != 0;
    params.server_no_context_takeover = (options & 0x10) != 0;
    FrameReader::Config config;
    config.max_message_size = (options & 0x02) != 0 ? 4096 : 64;
    if ((options & 0x01) != 0) config.deflate = params;

    Driver chunked(config, (options & 0x08) != 0);
    std::size_t offset = 0;
    unsigned pattern = reads;
    while (offset < input.size()) {
        std::size_t piece = input.size() - offset;
        if (reads != 0) {
            pattern = pattern * 1103515245u + 12345u;
            piece = std::min<std::size_t>(piece, 1 + (pattern >> 16) % reads);
        }
        const bool ok = chunked.feed(input.substr(offset, piece));
        offset += piece;
        if (!ok) break;
    }

    // Where the reads end does not change what is read.
    Driver whole(config, false);
    whole.feed(input);
    check(whole.seen() == chunked.seen());

    // Every message, compressed by our deflater (as the peer's would be), reads back the same.
    if (config.deflate) {
        DeflateParams mirrored = params;
        mirrored.client_no_context_takeover = params.server_no_context_takeover;
        FrameReader::Config mirror_config = config;
        mirror_config.deflate = mirrored;
        mirror_config.max_message_size = 4096;
        MessageDeflater deflater(mirrored);
        FrameReader mirror(mirror_config);
        for (const Seen& seen : chunked.seen()) {
            if (seen.kind != Kind::text && seen.kind != Kind::binary) continue;
            std::string compressed;
            const std::string_view parts[] = {
                std::string_view(seen.payload).substr(0, 7),
                std::string_view(seen.payload)
                    .substr(std::min<std::size_t>(7, seen.payload.size()))};
            deflater.compress(parts, compressed);
            std::string frame = client_frame(0xC0 | (seen.kind == Kind::text ? 1 : 2), compressed);
            FrameReader::Event event;
            check(mirror.parse(frame, event) == frame.size());
            check(event.kind == seen.kind && event.payload == seen.payload);
        }
    }
    return 0;
}
