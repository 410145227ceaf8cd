#pragma once
// RESP encoding and incremental reply parsing for the Redis driver, on hiredis's sans-I/O parts
// (redisFormatCommandArgv, redisReader): the driver does its own I/O with Asio, so one code path
// serves TCP, TLS and Unix sockets (hiredis 0.14 has no TLS).

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

struct redisReader;

namespace socketio::redis_detail {

/// One reply, built by hiredis's parser through our object functions (so the parser's
/// allocations are bounded by us, and strings land in std::string at once).
struct Reply {
    enum class Type { string, array, integer, nil, status, error };
    Type type = Type::nil;
    std::string text;  ///< string, status, error
    long long integer = 0;
    std::vector<std::unique_ptr<Reply>> elements;  ///< array (an element may be null: nil)

    bool is_array() const noexcept { return type == Type::array; }
    /// Element `i` as a string view if it is a string or status; empty otherwise.
    std::string_view element_text(std::size_t i) const noexcept;
};

/// Appends the RESP encoding of `args` (a command and its arguments) to `out`.
void append_command(std::string& out, const std::vector<std::string_view>& args);

/// Feeds bytes read from a connection, hands out whole replies. Bounded: a reply whose bytes
/// (still buffered, incomplete) exceed `max_reply_bytes`, or an array of more than 65 536
/// elements, is an error; so is whatever hiredis refuses (it also bounds nesting to 7 levels).
///
/// Thread safety: one thread at a time.
class ReplyReader {
  public:
    explicit ReplyReader(std::size_t max_reply_bytes);
    ~ReplyReader();
    ReplyReader(const ReplyReader&) = delete;
    ReplyReader& operator=(const ReplyReader&) = delete;

    /// Adds bytes; false (and `ec`) if the parser failed or the pending reply is over the bound.
    bool feed(const char* data, std::size_t size, std::error_code& ec);
    /// The next whole reply, or null when more bytes are needed (or on error: `ec` set).
    std::unique_ptr<Reply> next(std::error_code& ec);
    /// Bytes fed and not yet part of a handed-out reply.
    std::size_t buffered() const noexcept;
    /// hiredis's description of the last parser error.
    std::string error_text() const;

  private:
    redisReader* reader_;
    std::size_t max_reply_bytes_;
};

}  // namespace socketio::redis_detail
