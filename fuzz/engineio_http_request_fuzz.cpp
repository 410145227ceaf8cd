// Fuzzes the HTTP request path of the Engine.IO server without sockets: the bytes a client sends
// on a connection go through Beast's request parser with the limits the server sets (header block
// max_header_size, body max_payload, fed in pieces as reads deliver them), and a request that
// parses goes through what the engine does before a session sees it: the Engine.IO path check,
// the WebSocket upgrade test, engine.io's verify() (CORS, transport, sid, method, EIO version),
// the query parser, the Request handed to on_connect, a POST body's payload decoding, and the
// responses (errors, compressed polling bodies).
//
// Input: byte 0 picks the server options (CORS mode, credentials, TLS, transports, upgrades,
// compression), byte 1 how many bytes each read delivers (0 = all at once), the rest is what the
// client sends. Known sessions: FUZZSESSIONPOLLING00 (polling) and FUZZSESSIONWEBSOCKET.
//
// Beyond "no crash, no sanitizer report": verify()'s verdict is consistent with the request, the
// Request mirrors the parsed request, no response header carries CR/LF/NUL (no header injection
// through an echoed Origin or Access-Control-Request-Headers), error responses have their status
// and JSON body, and a compressed body inflates back to the original.
#include <array>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <zlib.h>
#include <boost/asio/io_context.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "engineio/internal.hpp"
#include "engineio/protocol/payload.hpp"

namespace {

namespace http = boost::beast::http;
using engineio::error;
using engineio::detail::Core;
using engineio::detail::SessionImpl;
using engineio::detail::StringRequest;
using engineio::detail::StringResponse;

constexpr std::string_view kPollingSid = "FUZZSESSIONPOLLING00";
constexpr std::string_view kWebSocketSid = "FUZZSESSIONWEBSOCKET";

void check(bool condition) {
    if (!condition) std::abort();
}

engineio::ServerOptions options_for(std::uint8_t selector) {
    engineio::ServerOptions options;
    options.path = "/engine.io/";
    options.threads = 1;
    options.limits.max_payload = 4096;
    options.http.max_header_size = 2048;
    static const std::array<std::vector<std::string>, 4> cors{
        std::vector<std::string>{}, std::vector<std::string>{"*"},
        std::vector<std::string>{"https://good.example"},
        std::vector<std::string>{"https://good.example", "http://127.0.0.1:3000"}};
    options.cors.allowed_origins = cors[selector & 3];
    options.cors.credentials = (selector & 4) != 0;
    if (selector & 16) options.transports.allowed = {"polling"};
    options.transports.allow_upgrades = (selector & 32) != 0;
    options.http.compression_threshold = (selector & 64) ? 0 : 1024;
    return options;
}

struct World {
    boost::asio::io_context loop;  // only constructs the sessions' timers; never run
    std::array<std::shared_ptr<Core>, 128> cores;  // by option selector, made on first use

    Core& core(std::uint8_t selector) {
        auto& slot = cores[selector & 127];
        if (!slot) {
            slot = std::make_shared<Core>(options_for(selector));
            // A session finds its loop, executor and timers by its loop index (0) in these.
            slot->loop_executors.emplace_back(loop.get_executor());
            slot->loop_states.push_back(std::make_unique<Core::LoopState>());
            slot->loop_states.back()->context = &loop;
            slot->loop_states.back()->timers =
                std::make_unique<engineio::detail::SessionTimers>(loop);
            for (const auto sid : {kPollingSid, kWebSocketSid}) {
                slot->sessions.insert(std::make_shared<SessionImpl>(
                    slot, std::string(sid), engineio::Request{}, 0, sid == kWebSocketSid));
            }
        }
        return *slot;
    }
};

World& world() {
    static World* instance = new World;  // lives until exit, with the cores and sessions
    return *instance;
}

std::string inflate_body(std::string_view data, bool gzip) {
    z_stream zs{};
    check(inflateInit2(&zs, gzip ? 15 + 16 : 15) == Z_OK);
    std::string out;
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    int rc = Z_OK;
    while (rc == Z_OK) {
        char buffer[4096];
        zs.next_out = reinterpret_cast<Bytef*>(buffer);
        zs.avail_out = sizeof buffer;
        rc = inflate(&zs, Z_NO_FLUSH);
        out.append(buffer, sizeof buffer - zs.avail_out);
    }
    inflateEnd(&zs);
    check(rc == Z_STREAM_END);
    return out;
}

void check_response(const StringResponse& res) {
    for (const auto& field : res) {
        check(field.value().find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos);
        check(field.name_string().find_first_of(std::string_view("\r\n\0:", 4)) ==
              std::string_view::npos);
    }
}

void check_error_response(const engineio::detail::ResponseContext& ctx, error code) {
    const StringResponse res = engineio::detail::make_error_response(ctx, code);
    check_response(res);
    if (code == error::payload_too_large) {
        check(res.result() == http::status::payload_too_large);
        return;
    }
    check(res.result() ==
          (code == error::forbidden ? http::status::forbidden : http::status::bad_request));
    const std::string& body = res.body();
    check(body.starts_with(R"({"code":)") && body.ends_with(R"("})"));
    const char digit = body[8];
    check(digit >= '0' && digit <= '5' && body.compare(9, 12, R"(,"message":")") == 0);
}

void exercise(Core& core, StringRequest& req, bool secure) {
    const std::string_view target = req.target();
    const std::string_view path = target.substr(0, target.find('?'));
    if (!core.is_engine_path(path)) return;  // 404, nothing else looks at it
    const bool upgrade = boost::beast::websocket::is_upgrade(req);

    const engineio::detail::Target parsed = engineio::detail::parse_target(target);
    check(parsed.path == path);
    const engineio::Request request =
        engineio::detail::make_request(req, parsed, "127.0.0.1", 40000, secure);
    check(request.target() == target && request.path() == path);
    check(request.method() == req.method_string());
    check(request.headers().size() ==
          static_cast<std::size_t>(std::distance(req.begin(), req.end())));
    auto field = req.begin();
    for (const auto [name, value] : request.headers()) {
        for (const char c : name) check(!(c >= 'A' && c <= 'Z'));
        check(name.size() == field->name_string().size() && value == field->value());
        ++field;
    }
    check(request.query().to_vector() == parsed.query);
    check(request.remote_address() == "127.0.0.1" && request.remote_port() == 40000);
    check(request.secure() == secure);
    check(engineio::Request(request).headers().to_vector() == request.headers().to_vector());

    const engineio::detail::Peer peer{.address = "127.0.0.1", .port = 40000, .secure = secure};
    Core::Verdict verdict = core.verify(req, parsed, upgrade, peer);
    check_response(
        engineio::detail::make_response(verdict.ctx, http::status::ok, "text/plain", "ok"));
    const bool cors_allowed = engineio::detail::check_cors(core.options, req, secure).allowed;
    if (verdict.failure) {
        check((*verdict.failure == error::forbidden) == !cors_allowed);
        check_error_response(verdict.ctx, *verdict.failure);
        return;
    }
    check(cors_allowed);
    const auto transport = parsed.param("transport");
    check(transport == "polling" || transport == "websocket");
    check(verdict.websocket == (transport == "websocket"));
    if (verdict.session) {
        check(verdict.session->sid() == parsed.param("sid"));
    } else {
        check(req.method() == http::verb::get && verdict.websocket == upgrade);
        check(parsed.param("EIO") == "4");
    }

    // What the session does with a POST body, and a polling response carrying it (compressed
    // when the client accepts it and it is over the threshold).
    if (verdict.session && req.method() == http::verb::post) {
        std::vector<engineio::protocol::Packet> packets;
        const std::error_code ec = engineio::protocol::decode_payload(
            req.body(), core.options.limits.max_payload, packets);
        check(!ec || ec == error::invalid_packet || ec == error::payload_too_large);
    }
    const StringResponse res = engineio::detail::make_response(
        verdict.ctx, http::status::ok, "text/plain; charset=UTF-8", req.body(), true);
    check_response(res);
    if (const auto encoding = res.find(http::field::content_encoding); encoding != res.end()) {
        check(inflate_body(res.body(), encoding->value() == "gzip") == req.body());
    } else {
        check(res.body() == req.body());
    }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    engineio::detail::logger()->set_level(spdlog::level::off);  // refused origins log warnings
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const std::uint8_t selector = data[0];
    const std::size_t piece = data[1] == 0 ? size : data[1];
    const std::string_view input(reinterpret_cast<const char*>(data + 2), size - 2);
    Core& core = world().core(selector);
    const bool secure = (selector & 8) != 0;

    // As the connection reads: the header with the header limit, the body with max_payload.
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(core.options.http.max_header_size));
    parser.body_limit(core.options.limits.max_payload);
    parser.eager(true);
    std::size_t consumed = 0;
    std::size_t available = std::min(piece, input.size());
    boost::system::error_code ec;
    while (!parser.is_done()) {
        const std::size_t used =
            parser.put(boost::asio::buffer(input.data() + consumed, available - consumed), ec);
        consumed += used;
        if (ec == http::error::need_more || (!ec && used == 0)) {
            if (available == input.size()) {
                parser.put_eof(ec);  // the client closed the connection
                break;
            }
            available = std::min(available + piece, input.size());
            ec = {};
            continue;
        }
        if (ec) break;
    }
    if (ec || !parser.is_done()) return 0;  // the server closes (or answers 413/431)
    StringRequest req = parser.release();
    check(req.body().size() <= core.options.limits.max_payload);
    exercise(core, req, secure);
    return 0;
}
