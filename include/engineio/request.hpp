#pragma once
// engineio::Request — what the server knows about the HTTP request that opened a session.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace engineio {

/// The first value of parameter `name` in a decoded query (exact, case-sensitive name).
std::optional<std::string_view> find_query_param(
    const std::vector<std::pair<std::string, std::string>>& query, std::string_view name);

/// The handshake request of a session (the first polling GET or the WebSocket upgrade request).
/// Header names are stored lower-case; query values are percent-decoded.
struct Request {
    std::string method;                                        ///< "GET"
    std::string target;                                        ///< raw request target, with query
    std::string path;                                          ///< target without the query
    std::vector<std::pair<std::string, std::string>> query;    ///< in order of appearance
    std::vector<std::pair<std::string, std::string>> headers;  ///< names lower-case
    std::string remote_address;  ///< peer IP of the TCP connection ("127.0.0.1", "::1")
    std::uint16_t remote_port = 0;
    bool secure = false;  ///< arrived over TLS

    /// First header with this (case-insensitive) name.
    std::optional<std::string_view> header(std::string_view name) const;
    /// First query parameter with this name.
    std::optional<std::string_view> query_param(std::string_view name) const;
};

}  // namespace engineio
