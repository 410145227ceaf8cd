#include "socketio/adapters/redis/redis_url.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <charconv>

namespace socketio::redis_detail {
namespace {

std::optional<long long> parse_db(std::string_view text) {
    long long db = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, db);
    if (ec != std::errc() || ptr != end || db < 0) return std::nullopt;
    return db;
}

}  // namespace

std::optional<RedisEndpoint> parse_redis_url(std::string_view url, std::string& error) {
    const auto parsed = boost::urls::parse_uri(url);
    if (!parsed) {
        error = "not a URL (" + parsed.error().message() + ")";
        return std::nullopt;
    }
    const boost::urls::url_view& uri = *parsed;
    RedisEndpoint endpoint;
    const auto scheme = uri.scheme();
    if (scheme == "redis") {
        endpoint.transport = RedisEndpoint::Transport::tcp;
    } else if (scheme == "rediss") {
        endpoint.transport = RedisEndpoint::Transport::tls;
    } else if (scheme == "unix") {
        endpoint.transport = RedisEndpoint::Transport::unix_socket;
    } else {
        error = "unknown scheme \"" + std::string(scheme) + "\" (expected redis, rediss or unix)";
        return std::nullopt;
    }
    if (uri.has_userinfo()) {
        endpoint.user = uri.user();
        endpoint.has_password = uri.has_password();
        endpoint.password = uri.password();
        if (!endpoint.has_password) {
            // "redis://secret@host": redis-py and ioredis take a lone user part as the password
            // when there is no colon, which is what people write.
            endpoint.password = std::exchange(endpoint.user, {});
            endpoint.has_password = !endpoint.password.empty();
        }
    }
    const std::string path = uri.path();
    if (endpoint.transport == RedisEndpoint::Transport::unix_socket) {
        if (path.empty() || path.front() != '/') {
            error = "unix:// needs an absolute socket path (unix:///run/redis.sock)";
            return std::nullopt;
        }
        endpoint.socket_path = path;
        for (const auto& param : uri.params()) {
            if (param.key != "db") continue;
            const auto db = parse_db(param.value);
            if (!db) {
                error = "db is not a number: \"" + std::string(param.value) + "\"";
                return std::nullopt;
            }
            endpoint.db = *db;
        }
        return endpoint;
    }
    endpoint.host = uri.host_address();
    if (endpoint.host.empty()) {
        error = "no host";
        return std::nullopt;
    }
    if (uri.has_port()) {
        const auto text = std::string_view(uri.port());
        unsigned port = 0;
        const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
        if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || port == 0 ||
            port > 65535) {
            error = "bad port \"" + std::string(text) + "\"";
            return std::nullopt;
        }
        endpoint.port = static_cast<std::uint16_t>(port);
    }
    if (!path.empty() && path != "/") {
        const auto db = parse_db(std::string_view(path).substr(1));
        if (path.front() != '/' || !db) {
            error = "the path must be a db number (/0), not \"" + path + "\"";
            return std::nullopt;
        }
        endpoint.db = *db;
    }
    return endpoint;
}

}  // namespace socketio::redis_detail
