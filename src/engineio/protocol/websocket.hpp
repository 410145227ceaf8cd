#pragma once
// The WebSocket wire format (RFC 6455) and permessage-deflate (RFC 7692), server side, sans I/O.
//
// The transport (src/engineio/ws_transport.cpp) reads whatever the socket has into a buffer and
// hands it to a FrameReader, which yields whole messages and control frames; it frames what it
// sends with append_frame_header() into one buffer, so everything queued for a connection goes
// out in one write. Beast's websocket stream reads and writes one message per operation, which
// costs a syscall per message; that is why this layer is ours (issue 11).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace engineio::protocol::ws {

enum class Opcode : std::uint8_t {
    continuation = 0x0,
    text = 0x1,
    binary = 0x2,
    close = 0x8,
    ping = 0x9,
    pong = 0xA,
};

/// Close codes (RFC 6455 §7.4.1) this server sends.
namespace close_code {
inline constexpr std::uint16_t normal = 1000;
inline constexpr std::uint16_t going_away = 1001;
inline constexpr std::uint16_t protocol_error = 1002;
inline constexpr std::uint16_t invalid_payload = 1007;  ///< a text message that is not UTF-8
inline constexpr std::uint16_t too_big = 1009;          ///< a message over max_message_size
inline constexpr std::uint16_t internal_error = 1011;
/// Received only: a close frame with no code ("no status received").
inline constexpr std::uint16_t no_status = 1005;
}  // namespace close_code

/// permessage-deflate parameters agreed in the handshake (RFC 7692 §7.1).
struct DeflateParams {
    bool server_no_context_takeover = false;
    bool client_no_context_takeover = false;
    /// 8..15. zlib refuses a raw deflate window of 8, so 8 deflates with 9: zlib never emits a
    /// distance over its window minus 262 bytes, so a 9-bit window stays within the client's 256.
    int server_max_window_bits = 15;
    /// 8..15: the most the client will use. The reader inflates with 15 whatever it is (a smaller
    /// window always inflates with a larger one).
    int client_max_window_bits = 15;
    /// Whether the offer named server_max_window_bits (the response must then repeat it, §7.1.2.1)
    /// and client_max_window_bits (the response may name it only then, §7.1.2.2).
    bool server_max_window_bits_offered = false;
    bool client_max_window_bits_offered = false;
};

/// Picks the first permessage-deflate offer of a Sec-WebSocket-Extensions request header (all of
/// its values joined with ", ") that this server can accept; std::nullopt when there is none or
/// every offer is malformed (then the connection goes on uncompressed). Accepts the parameters of
/// §7.1 once each with valid values; an offer with an unknown or repeated parameter is declined.
/// The server keeps its context (no server_no_context_takeover) unless the client asked it not to.
std::optional<DeflateParams> negotiate_deflate(std::string_view extensions_header);

/// The Sec-WebSocket-Extensions response value for `params` ("permessage-deflate; ..."): the
/// no_context_takeover parameters that are set, and each *_max_window_bits the offer named, with
/// its value (client_max_window_bits=15 when the client named it without a value).
std::string format_deflate_response(const DeflateParams& params);

/// Appends the header of one unmasked, final server frame: FIN=1, `rsv1` (set on a compressed
/// message), the opcode and the payload length in its shortest form (2, 4 or 10 bytes).
void append_frame_header(std::string& out, Opcode opcode, std::size_t payload_size,
                         bool rsv1 = false);

/// Appends a whole close frame: the code, then `reason` truncated to fit 125 bytes.
void append_close_frame(std::string& out, std::uint16_t code, std::string_view reason = {});

/// Compresses outgoing messages for permessage-deflate (raw deflate, the trailing 00 00 FF FF
/// removed, §7.2.1), keeping the context between messages unless server_no_context_takeover.
class MessageDeflater {
  public:
    explicit MessageDeflater(const DeflateParams& params);
    ~MessageDeflater();
    MessageDeflater(const MessageDeflater&) = delete;
    MessageDeflater& operator=(const MessageDeflater&) = delete;

    /// Appends the compressed form of the message made of `parts` (concatenated) to `out`.
    void compress(std::span<const std::string_view> parts, std::string& out);

  private:
    struct State;
    std::unique_ptr<State> state_;
};

/// Parses the frames a client sends and assembles its messages: unmasks, reassembles fragments,
/// inflates compressed messages, checks UTF-8 of text messages, answers nothing itself.
///
/// Use: give parse() everything received and not yet consumed, call it until it returns an
/// event of kind `none`, keep the unconsumed bytes, and call again when more arrive:
///
///     std::span<char> data = ...;  // received, unconsumed
///     for (;;) {
///         FrameReader::Event event;
///         const std::size_t used = reader.parse(data, event);
///         data = data.subspan(used);
///         if (event.kind == FrameReader::Event::Kind::none) {
///             if (used == 0) break;  // needs more bytes
///             continue;              // a fragment was taken in
///         }
///         ...  // use event; after an error, stop
///     }
///     // keep `data` for the next call (it is the start of an incomplete frame)
///
/// parse() unmasks a frame in place in `data` when the frame is complete. Once it has reported an
/// error it reports that error again on every call.
class FrameReader {
  public:
    struct Config {
        /// Largest message (its payload, after inflating), in bytes. A frame announcing more,
        /// or a message whose fragments or inflated size add up to more, is error too_big —
        /// reported as soon as the header shows it, never after buffering it. The compressed
        /// bytes of a message may exceed it by deflate's worst case on incompressible data
        /// (max_message_size / 1024 + 64), so such a message of the maximum size still fits;
        /// inflating stops as soon as the output passes the maximum.
        std::size_t max_message_size = 1'000'000;
        /// Set when permessage-deflate was negotiated: RSV1 marks a compressed message.
        std::optional<DeflateParams> deflate = std::nullopt;
    };

    struct Event {
        enum class Kind : std::uint8_t {
            none,    ///< no complete frame in the input: call again with more bytes
            text,    ///< a whole text message (valid UTF-8)
            binary,  ///< a whole binary message
            ping,    ///< a ping: answer with a pong carrying `payload`
            pong,    ///< a pong (unsolicited ones included)
            close,   ///< a close frame: `code` (close_code::no_status if it had none), `payload`
                     ///< = its reason (valid UTF-8)
            error,   ///< the input breaks the protocol: close the connection with `code`
                     ///< (protocol_error — also for deflate data zlib cannot inflate —,
                     ///< invalid_payload or too_big); `payload` says why, in words for the
                     ///< log. parse() returns 0 with it (the frame may be unmasked already).
        };
        Kind kind = Kind::none;
        /// The message or control payload. Points into the caller's `data` (an unfragmented,
        /// uncompressed message) or into the reader's own buffer: valid until the next parse()
        /// or until `data` is modified or freed.
        std::string_view payload;
        std::uint16_t code = 0;
    };

    explicit FrameReader(Config config);
    ~FrameReader();
    /// A moved-from reader may only be destroyed or assigned to.
    FrameReader(FrameReader&&) noexcept;
    FrameReader& operator=(FrameReader&&) noexcept;

    /// Consumes at most one frame from `data` and returns how many bytes it consumed (0 when
    /// the frame is incomplete; then `event.kind` is none). A frame that completes a message, or
    /// a control frame, yields its event; a non-final fragment is consumed (copied into the
    /// reader's buffer) with `event.kind` none and a non-zero return — so loop until the return
    /// is 0 or the event is not none.
    std::size_t parse(std::span<char> data, Event& event);

    /// Bytes held for a message whose fragments are still arriving (0 when none).
    std::size_t buffered() const noexcept;
    /// Frees the assembly buffer and any inflate state that is not needed until the next
    /// compressed message (call when the connection goes idle).
    void shrink() noexcept;

  private:
    struct State;
    State& state();
    std::size_t fail(Event& event, std::uint16_t code, std::string_view why);
    std::size_t deliver(Event& event, bool text, std::string_view message, std::size_t used);

    std::size_t max_message_size_;
    std::unique_ptr<State> state_;  ///< only while needed: see State
};

}  // namespace engineio::protocol::ws
