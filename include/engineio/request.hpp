#pragma once
// engineio::Request — what the server knows about the HTTP request that opened a session.

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace engineio {

namespace detail {
class RequestBuilder;
}

/// The first value of parameter `name` in a decoded query (exact, case-sensitive name).
std::optional<std::string_view> find_query_param(
    const std::vector<std::pair<std::string, std::string>>& query, std::string_view name);

/// The parts of a handshake request, as plain strings: what a Request is built from when it does
/// not come from the wire (the test client, unit tests of a handler). Header names in any case
/// (the Request stores them lower-case); query values already percent-decoded.
struct RequestData {
    std::string method = "GET";                                ///< "GET"
    std::string target;                                        ///< raw request target, with query
    std::string path;                                          ///< target without the query
    std::vector<std::pair<std::string, std::string>> query;    ///< in order of appearance
    std::vector<std::pair<std::string, std::string>> headers;  ///< name, value
    std::string remote_address;  ///< peer IP of the TCP connection ("127.0.0.1", "::1")
    std::uint16_t remote_port = 0;
    bool secure = false;  ///< arrived over TLS
};

/// The handshake request of a session (the first polling GET or the WebSocket upgrade request).
/// Header names are stored lower-case; query values are percent-decoded.
///
/// Read-only and compact: all its text lives in one allocation (a session keeps its request for
/// life, so its size is memory per connection), read through views. A default-constructed Request
/// is empty (every string empty, no query, no headers).
///
/// Thread safety: a const Request is safe to read from any thread; the views it returns live as
/// long as the Request.
class Request {
  public:
    /// A name and its value, viewing the Request.
    using Field = std::pair<std::string_view, std::string_view>;

    /// The query parameters or the headers, in order of appearance: a random-access range of
    /// Field values (`for (auto [name, value] : request.headers())`).
    class Fields {
      public:
        class iterator {
          public:
            using iterator_concept = std::random_access_iterator_tag;
            using iterator_category = std::input_iterator_tag;  // yields values, not references
            using value_type = Field;
            using difference_type = std::ptrdiff_t;
            using reference = Field;
            using pointer = void;

            iterator() = default;
            Field operator*() const { return request_->field(string_); }
            Field operator[](difference_type n) const { return *(*this + n); }
            iterator& operator++() { return string_ += 2, *this; }
            iterator operator++(int) {
                iterator old = *this;
                ++*this;
                return old;
            }
            iterator& operator--() { return string_ -= 2, *this; }
            iterator operator--(int) {
                iterator old = *this;
                --*this;
                return old;
            }
            iterator& operator+=(difference_type n) {
                string_ = static_cast<std::size_t>(static_cast<difference_type>(string_) + 2 * n);
                return *this;
            }
            iterator& operator-=(difference_type n) { return *this += -n; }
            friend iterator operator+(iterator it, difference_type n) { return it += n; }
            friend iterator operator+(difference_type n, iterator it) { return it += n; }
            friend iterator operator-(iterator it, difference_type n) { return it -= n; }
            friend difference_type operator-(const iterator& a, const iterator& b) {
                return (static_cast<difference_type>(a.string_) -
                        static_cast<difference_type>(b.string_)) /
                       2;
            }
            friend bool operator==(const iterator& a, const iterator& b) {
                return a.string_ == b.string_;
            }
            friend auto operator<=>(const iterator& a, const iterator& b) {
                return a.string_ <=> b.string_;
            }

          private:
            friend class Fields;
            iterator(const Request* request, std::size_t string)
                : request_(request), string_(string) {}
            const Request* request_ = nullptr;
            std::size_t string_ = 0;  // index of the field's name among the Request's strings
        };

        iterator begin() const { return {request_, first_}; }
        iterator end() const { return {request_, first_ + 2 * count_}; }
        std::size_t size() const noexcept { return count_; }
        bool empty() const noexcept { return count_ == 0; }
        /// The n-th field (n < size()).
        Field operator[](std::size_t n) const { return request_->field(first_ + 2 * n); }
        /// A copy as owning strings (to compare, or to keep beyond the Request).
        std::vector<std::pair<std::string, std::string>> to_vector() const;

      private:
        friend class Request;
        Fields(const Request* request, std::size_t first, std::size_t count)
            : request_(request), first_(first), count_(count) {}
        const Request* request_;
        std::size_t first_;  // index of the first field's name among the Request's strings
        std::size_t count_;
    };

    Request() noexcept = default;
    /// Copies `data` into one allocation, header names lower-cased.
    explicit Request(const RequestData& data);
    Request(const Request& other);
    Request& operator=(const Request& other);
    /// Leaves `other` empty.
    Request(Request&& other) noexcept { swap(other); }
    Request& operator=(Request&& other) noexcept {
        Request(std::move(other)).swap(*this);
        return *this;
    }
    ~Request() = default;

    std::string_view method() const noexcept { return text(0); }  ///< "GET"
    std::string_view target() const noexcept { return text(1); }  ///< raw target, with query
    std::string_view path() const noexcept { return text(2); }    ///< target without the query
    /// Peer IP of the TCP connection ("127.0.0.1", "::1").
    std::string_view remote_address() const noexcept { return text(3); }
    std::uint16_t remote_port() const noexcept { return remote_port_; }
    bool secure() const noexcept { return secure_; }  ///< arrived over TLS
    /// The query parameters, percent-decoded, in order of appearance.
    Fields query() const noexcept { return {this, kFixed, query_count_}; }
    /// The headers, names lower-case, in order of appearance.
    Fields headers() const noexcept { return {this, kFixed + 2 * query_count_, header_count_}; }

    /// First header with this (case-insensitive) name.
    std::optional<std::string_view> header(std::string_view name) const;
    /// First query parameter with this name.
    std::optional<std::string_view> query_param(std::string_view name) const;

    void swap(Request& other) noexcept {
        std::swap(block_, other.block_);
        std::swap(query_count_, other.query_count_);
        std::swap(header_count_, other.header_count_);
        std::swap(remote_port_, other.remote_port_);
        std::swap(secure_, other.secure_);
        std::swap(wide_, other.wide_);
    }

  private:
    friend class detail::RequestBuilder;
    static constexpr std::size_t kFixed = 4;  // method, target, path, remote address
    std::size_t string_count() const noexcept {
        return kFixed + 2 * (query_count_ + header_count_);
    }
    std::string_view text(std::size_t i) const noexcept;
    std::size_t end(std::size_t i) const noexcept;  // string i's end offset in the text
    std::size_t offsets_size() const noexcept { return string_count() * (wide_ ? 4 : 2); }
    Field field(std::size_t name) const noexcept { return {text(name), text(name + 1)}; }

    // One block: `string_count()` end offsets (each string's end in the text that follows them:
    // uint16 — uint32 when the text is 64 KiB or more), then the text of every string back to back.
    std::unique_ptr<char[]> block_;
    std::uint32_t query_count_ = 0;
    std::uint32_t header_count_ = 0;
    std::uint16_t remote_port_ = 0;
    bool secure_ = false;
    bool wide_ = false;  // offsets of 4 bytes
};

}  // namespace engineio
