#pragma once
// Where a Redis driver connects: RedisOptions::url parsed (Boost.URL).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace socketio::redis_detail {

struct RedisEndpoint {
    enum class Transport { tcp, tls, unix_socket };
    Transport transport = Transport::tcp;
    std::string host;  ///< tcp/tls: a name or an IP address (IPv6 without brackets)
    std::uint16_t port = 6379;
    std::string socket_path;  ///< unix_socket
    std::string user;         ///< AUTH user password when not empty
    std::string password;     ///< AUTH [user] password when not empty
    bool has_password = false;
    long long db = 0;  ///< SELECT db when not 0
};

/// Parses `redis://[[user]:password@]host[:port][/db]`, `rediss://…` and
/// `unix://[[user]:password@]/path[?db=N]`; nullopt with `error` saying what is wrong.
std::optional<RedisEndpoint> parse_redis_url(std::string_view url, std::string& error);

}  // namespace socketio::redis_detail
