// socketio::ServerOptions and engineio::ServerOptions: the grouped designated-initializer forms
// users write compile and set exactly what they name (the rest keeps its default); every default
// is the one docs/api.md documents; and the Engine.IO options are engineio::ServerOptions held as
// they are, so what a user sets in `engine` is what the engine runs with.

#include "engineio/server.hpp"
#include "harness.hpp"

namespace sio_test {
namespace {

using ListeningFn = void (*)(std::string_view);

// A change of a default must change this test and docs/api.md together.
TEST(Options, EngineDefaultsAreTheDocumentedOnes) {
    const engineio::ServerOptions o;
    EXPECT_TRUE(o.cors.allowed_origins.empty());
    EXPECT_TRUE(o.cors.credentials);
    EXPECT_TRUE(o.cors.allowed_hosts.empty());
    EXPECT_EQ(o.path, "/socket.io/");
    EXPECT_FALSE(o.logger);
    EXPECT_EQ(o.heartbeat.ping_interval, 25s);
    EXPECT_EQ(o.heartbeat.ping_timeout, 20s);
    EXPECT_EQ(o.limits.max_payload, 1'000'000u);
    EXPECT_EQ(o.limits.max_connections, 0u);
    EXPECT_EQ(o.limits.max_sessions, 0u);
    EXPECT_EQ(o.limits.max_send_queue_bytes, 16u * 1024 * 1024);
    EXPECT_EQ(o.limits.max_send_queue_messages, 65'536u);
    EXPECT_FALSE(o.tls.has_value());
    EXPECT_EQ(o.threads, 0u);
    EXPECT_EQ(o.transports.allowed, (std::vector<std::string>{"polling", "websocket"}));
    EXPECT_TRUE(o.transports.allow_upgrades);
    EXPECT_EQ(o.transports.upgrade_timeout, 10s);
    EXPECT_TRUE(o.http.compression);
    EXPECT_EQ(o.http.compression_threshold, 1024u);
    EXPECT_FALSE(o.http.cookie.has_value());
    EXPECT_EQ(o.http.read_timeout, 30s);
    EXPECT_EQ(o.http.max_header_size, 16u * 1024);
    EXPECT_FALSE(o.websocket.compression);
    EXPECT_EQ(o.websocket.close_linger, 5s);
    EXPECT_TRUE(o.run.handle_signals);
    ASSERT_NE(o.run.listening.target<ListeningFn>(), nullptr);
    EXPECT_EQ(*o.run.listening.target<ListeningFn>(), &engineio::print_listening_url);

    const engineio::CookieOptions cookie;
    EXPECT_EQ(cookie.name, "io");
    EXPECT_EQ(cookie.path, "/");
    EXPECT_TRUE(cookie.http_only);
    EXPECT_EQ(cookie.same_site, "Lax");
}

TEST(Options, SocketioDefaultsAreTheDocumentedOnes) {
    const socketio::ServerOptions o;
    EXPECT_EQ(o.engine.path, engineio::ServerOptions{}.path) << "engine: the engine's defaults";
    EXPECT_FALSE(o.logger);
    EXPECT_TRUE(o.namespaces.empty());
    EXPECT_FALSE(o.handlers.async);
    EXPECT_EQ(o.handlers.threads, 0u);
    EXPECT_FALSE(o.connect.always);
    EXPECT_EQ(o.connect.timeout, 45s);
    EXPECT_FALSE(o.connect.trust_forwarded_for);
    EXPECT_EQ(o.limits.max_pending_acks, 1024u);
    EXPECT_EQ(o.limits.max_attachments, 10u);
    EXPECT_EQ(o.limits.max_values_per_packet, 100'000u);
    EXPECT_EQ(o.parser, socketio::Parser::json);
    EXPECT_FALSE(o.adapter);
}

// The forms of docs/api.md: one group, a member of a group alone (its neighbours keep their
// defaults), groups skipped between the ones set.
TEST(Options, GroupedInitializersSetOnlyWhatTheyName) {
    const socketio::ServerOptions o{
        .engine = {.cors = {.allowed_origins = {"*"}}, .heartbeat = {.ping_timeout = 5s}},
        .handlers = {.async = true},
    };
    EXPECT_EQ(o.engine.cors.allowed_origins, std::vector<std::string>{"*"});
    EXPECT_TRUE(o.engine.cors.credentials) << "the group's other members keep their defaults";
    EXPECT_EQ(o.engine.heartbeat.ping_interval, 25s);
    EXPECT_EQ(o.engine.heartbeat.ping_timeout, 5s);
    EXPECT_EQ(o.engine.limits.max_payload, 1'000'000u) << "a group not named keeps its defaults";
    EXPECT_TRUE(o.handlers.async);
    EXPECT_EQ(o.handlers.threads, 0u);
    EXPECT_EQ(o.connect.timeout, 45s);

    const engineio::ServerOptions e{
        .path = "/engine.io/",
        .limits = {.max_payload = 100'000, .max_sessions = 10'000},
        .transports = {.upgrade_timeout = 2s},
        .http = {.cookie = engineio::CookieOptions{.name = "sticky"}},
        .run = {.listening = nullptr},
    };
    EXPECT_TRUE(e.cors.allowed_origins.empty());
    EXPECT_EQ(e.path, "/engine.io/");
    EXPECT_EQ(e.limits.max_payload, 100'000u);
    EXPECT_EQ(e.limits.max_connections, 0u);
    EXPECT_EQ(e.limits.max_sessions, 10'000u);
    EXPECT_EQ(e.limits.max_send_queue_bytes, 16u * 1024 * 1024);
    EXPECT_EQ(e.transports.allowed, (std::vector<std::string>{"polling", "websocket"}));
    EXPECT_TRUE(e.transports.allow_upgrades);
    EXPECT_EQ(e.transports.upgrade_timeout, 2s);
    EXPECT_TRUE(e.http.compression);
    ASSERT_TRUE(e.http.cookie.has_value());
    EXPECT_EQ(e.http.cookie->name, "sticky");
    EXPECT_EQ(e.http.cookie->path, "/");
    EXPECT_EQ(e.http.read_timeout, 30s);
    EXPECT_TRUE(e.run.handle_signals);
    EXPECT_FALSE(e.run.listening);
}

// Every top-level member and every group of both structs in one initializer, in declaration
// order: the order docs/api.md gives is the order that compiles.
TEST(Options, EveryGroupInDeclarationOrder) {
    const socketio::ServerOptions o{
        .engine =
            {
                .cors = {.allowed_origins = {"https://example.com"},
                         .credentials = false,
                         .allowed_hosts = {"example.com"}},
                .path = "/rt/",
                .logger = true,
                .heartbeat = {.ping_interval = 10s, .ping_timeout = 4s},
                .limits = {.max_payload = 1,
                           .max_connections = 2,
                           .max_sessions = 3,
                           .max_send_queue_bytes = 4,
                           .max_send_queue_messages = 5},
                .tls = engineio::TlsOptions{.certificate_chain_file = "cert.pem",
                                            .private_key_file = "key.pem"},
                .threads = 3,
                .transports = {.allowed = {"websocket"},
                               .allow_upgrades = false,
                               .upgrade_timeout = 1s},
                .http = {.compression = false,
                         .compression_threshold = 6,
                         .cookie = engineio::CookieOptions{},
                         .read_timeout = 7s,
                         .max_header_size = 8},
                .websocket = {.compression = true, .close_linger = 9s},
                .run = {.handle_signals = false, .listening = nullptr},
            },
        .logger = true,
        .namespaces = {"*"},
        .handlers = {.async = true, .threads = 2},
        .connect = {.always = true, .timeout = 5s, .trust_forwarded_for = true},
        .limits = {.max_pending_acks = 11, .max_attachments = 12, .max_values_per_packet = 13},
        .parser = socketio::Parser::msgpack,
        .adapter = {},
    };
    const engineio::ServerOptions& e = o.engine;
    EXPECT_EQ(e.cors.allowed_origins, std::vector<std::string>{"https://example.com"});
    EXPECT_FALSE(e.cors.credentials);
    EXPECT_EQ(e.cors.allowed_hosts, std::vector<std::string>{"example.com"});
    EXPECT_EQ(e.path, "/rt/");
    EXPECT_TRUE(e.logger);
    EXPECT_EQ(e.heartbeat.ping_interval, 10s);
    EXPECT_EQ(e.heartbeat.ping_timeout, 4s);
    EXPECT_EQ(e.limits.max_payload, 1u);
    EXPECT_EQ(e.limits.max_connections, 2u);
    EXPECT_EQ(e.limits.max_sessions, 3u);
    EXPECT_EQ(e.limits.max_send_queue_bytes, 4u);
    EXPECT_EQ(e.limits.max_send_queue_messages, 5u);
    ASSERT_TRUE(e.tls.has_value());
    EXPECT_EQ(e.tls->certificate_chain_file, "cert.pem");
    EXPECT_EQ(e.tls->private_key_file, "key.pem");
    EXPECT_EQ(e.threads, 3u);
    EXPECT_EQ(e.transports.allowed, std::vector<std::string>{"websocket"});
    EXPECT_FALSE(e.transports.allow_upgrades);
    EXPECT_EQ(e.transports.upgrade_timeout, 1s);
    EXPECT_FALSE(e.http.compression);
    EXPECT_EQ(e.http.compression_threshold, 6u);
    ASSERT_TRUE(e.http.cookie.has_value());
    EXPECT_EQ(e.http.cookie->name, "io");
    EXPECT_EQ(e.http.read_timeout, 7s);
    EXPECT_EQ(e.http.max_header_size, 8u);
    EXPECT_TRUE(e.websocket.compression);
    EXPECT_EQ(e.websocket.close_linger, 9s);
    EXPECT_FALSE(e.run.handle_signals);
    EXPECT_FALSE(e.run.listening);
    EXPECT_TRUE(o.logger);
    EXPECT_EQ(o.namespaces, std::vector<std::string>{"*"});
    EXPECT_TRUE(o.handlers.async);
    EXPECT_EQ(o.handlers.threads, 2u);
    EXPECT_TRUE(o.connect.always);
    EXPECT_EQ(o.connect.timeout, 5s);
    EXPECT_TRUE(o.connect.trust_forwarded_for);
    EXPECT_EQ(o.limits.max_pending_acks, 11u);
    EXPECT_EQ(o.limits.max_attachments, 12u);
    EXPECT_EQ(o.limits.max_values_per_packet, 13u);
    EXPECT_EQ(o.parser, socketio::Parser::msgpack);
    EXPECT_FALSE(o.adapter);
}

TEST(Options, EngineOptionsReachTheEngineAsSet) {
    socketio::Server io{{
        .engine = {.cors = {.allowed_origins = {"*"}},
                   .path = "/custom/",
                   .heartbeat = {.ping_interval = 10s},
                   .limits = {.max_payload = 5000},
                   .threads = 1},
        .limits = {.max_values_per_packet = 77},
    }};
    const engineio::ServerOptions& engine = io.engine().options();
    EXPECT_EQ(engine.path, "/custom/");
    EXPECT_EQ(engine.heartbeat.ping_interval, 10s);
    EXPECT_EQ(engine.heartbeat.ping_timeout, engineio::ServerOptions{}.heartbeat.ping_timeout)
        << "the engine's default";
    EXPECT_EQ(engine.limits.max_payload, 5000u);
    EXPECT_EQ(engine.cors.allowed_origins, std::vector<std::string>{"*"});
    EXPECT_EQ(engine.threads, 1u);
    EXPECT_EQ(io.options().limits.max_values_per_packet, 77u);
    EXPECT_EQ(io.loop_count(), 1u);
}

}  // namespace
}  // namespace sio_test
