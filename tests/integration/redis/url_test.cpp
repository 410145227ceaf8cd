// RedisOptions::url: the forms redis-py and ioredis accept, and clear errors for the rest.

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "socketio/adapters/redis/redis_url.hpp"
#include "socketio/redis.hpp"

namespace {

using socketio::redis_detail::parse_redis_url;
using socketio::redis_detail::RedisEndpoint;
using Transport = RedisEndpoint::Transport;

RedisEndpoint parse(const std::string& url) {
    std::string error;
    auto endpoint = parse_redis_url(url, error);
    EXPECT_TRUE(endpoint) << url << ": " << error;
    return endpoint.value_or(RedisEndpoint{});
}

std::string refused(const std::string& url) {
    std::string error;
    EXPECT_FALSE(parse_redis_url(url, error)) << url;
    return error;
}

TEST(RedisUrl, HostPortDbAndCredentials) {
    auto e = parse("redis://localhost");
    EXPECT_EQ(e.transport, Transport::tcp);
    EXPECT_EQ(e.host, "localhost");
    EXPECT_EQ(e.port, 6379);
    EXPECT_EQ(e.db, 0);
    EXPECT_FALSE(e.has_password);

    e = parse("rediss://user:p%40ss@cache.example:6380/2");
    EXPECT_EQ(e.transport, Transport::tls);
    EXPECT_EQ(e.host, "cache.example");
    EXPECT_EQ(e.port, 6380);
    EXPECT_EQ(e.user, "user");
    EXPECT_EQ(e.password, "p@ss");
    EXPECT_TRUE(e.has_password);
    EXPECT_EQ(e.db, 2);

    e = parse("redis://:secret@[::1]:7000/");
    EXPECT_EQ(e.host, "::1");
    EXPECT_EQ(e.port, 7000);
    EXPECT_EQ(e.user, "");
    EXPECT_EQ(e.password, "secret");

    e = parse("redis://secret@host");  // no colon: the password, as redis-py reads it
    EXPECT_EQ(e.user, "");
    EXPECT_EQ(e.password, "secret");

    e = parse("unix://:pw@/run/redis/redis.sock?db=4");
    EXPECT_EQ(e.transport, Transport::unix_socket);
    EXPECT_EQ(e.socket_path, "/run/redis/redis.sock");
    EXPECT_EQ(e.password, "pw");
    EXPECT_EQ(e.db, 4);
}

TEST(RedisUrl, RefusedWithAReason) {
    EXPECT_NE(refused("http://localhost").find("unknown scheme"), std::string::npos);
    EXPECT_NE(refused("redis://host/db1").find("db number"), std::string::npos);
    EXPECT_NE(refused("redis://host:99999").find("port"), std::string::npos);
    EXPECT_NE(refused("redis://").find("no host"), std::string::npos);
    EXPECT_NE(refused("unix://relative").find("absolute"), std::string::npos);
    EXPECT_NE(refused("unix:///s.sock?db=x").find("db"), std::string::npos);
    EXPECT_NE(refused("not a url").find("not a URL"), std::string::npos);
}

TEST(RedisUrl, MakeDriverThrowsOnABadUrl) {
    boost::asio::io_context io;
    try {
        socketio::make_redis_driver(io.get_executor(), {.url = "redis//oops"});
        FAIL() << "no exception";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code(), socketio::redis_error::invalid_url);
        // What is wrong, without the URL (it may hold a password).
        EXPECT_NE(std::string(e.what()).find("not a URL"), std::string::npos) << e.what();
    }
}

}  // namespace
