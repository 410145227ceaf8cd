// Static files: a request path checked and decoded once, resolved inside the mount's folder,
// answered with its content type, ETag and Last-Modified (304 when unchanged), HEAD, index.html,
// and one byte range (Range / If-Range: 206, or 416 when it lies past the end).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <limits>
#include <memory>

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/file.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/optional/optional.hpp>

#include "internal.hpp"

namespace socketio::detail {
namespace {

namespace http = boost::beast::http;
namespace fs = std::filesystem;

/// Longest path (after the mount's prefix) looked up at all.
constexpr std::size_t max_static_path = 1024;

struct Extension {
    std::string_view extension;
    std::string_view type;
};
// clang-format off
constexpr std::array<Extension, 31> content_types{{
    {"html", "text/html; charset=utf-8"},        {"htm", "text/html; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},          {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},   {"json", "application/json"},
    {"map", "application/json"},                 {"txt", "text/plain; charset=utf-8"},
    {"xml", "application/xml"},                  {"csv", "text/csv; charset=utf-8"},
    {"md", "text/markdown; charset=utf-8"},      {"svg", "image/svg+xml"},
    {"png", "image/png"},                        {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},                      {"gif", "image/gif"},
    {"webp", "image/webp"},                      {"avif", "image/avif"},
    {"ico", "image/x-icon"},                     {"wasm", "application/wasm"},
    {"woff", "font/woff"},                       {"woff2", "font/woff2"},
    {"ttf", "font/ttf"},                         {"otf", "font/otf"},
    {"pdf", "application/pdf"},                  {"zip", "application/zip"},
    {"mp3", "audio/mpeg"},                       {"mp4", "video/mp4"},
    {"webm", "video/webm"},                      {"ogg", "audio/ogg"},
    {"webmanifest", "application/manifest+json"},
}};
// clang-format on

http::response<http::string_body> plain(const AppExchange& exchange, http::status status,
                                        std::string_view text) {
    http::response<http::string_body> res{status, exchange.request.version()};
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.keep_alive(exchange.request.keep_alive());
    res.body() = text;
    res.prepare_payload();
    return res;
}

/// `candidate` (canonical) is `root` or below it.
bool inside(const fs::path& candidate, const fs::path& root) {
    auto c = candidate.begin();
    for (auto r = root.begin(); r != root.end(); ++r, ++c) {
        if (c == candidate.end() || *c != *r) return false;
    }
    return true;
}

/// An ETag from the file's size and modification time (nanoseconds): it changes with the file.
std::string etag_of(const struct stat& st) {
    char buffer[64];
    std::snprintf(
        buffer, sizeof buffer, "\"%llx-%llx%09lx\"", static_cast<unsigned long long>(st.st_size),
        static_cast<unsigned long long>(st.st_mtim.tv_sec), static_cast<long>(st.st_mtim.tv_nsec));
    return buffer;
}

bool etag_matches(std::string_view header, std::string_view etag) {
    while (!header.empty()) {
        const auto comma = header.find(',');
        std::string_view candidate = header.substr(0, comma);
        header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
        while (!candidate.empty() && candidate.front() == ' ') candidate.remove_prefix(1);
        while (!candidate.empty() && candidate.back() == ' ') candidate.remove_suffix(1);
        if (candidate.starts_with("W/")) candidate.remove_prefix(2);  // weak comparison (GET)
        if (candidate == "*" || candidate == etag) return true;
    }
    return false;
}

/// The bytes [offset, offset + length) of an open file, written in 64 KiB reads (Beast's
/// file_body reads 4 KiB at a time: sixteen times the system calls for a large file).
struct FileRangeBody {
    /// One read's size; the buffer is allocated when the response starts being written.
    static constexpr std::size_t chunk = 64 * 1024;

    struct value_type {
        boost::beast::file file;
        std::uint64_t offset = 0;
        std::uint64_t length = 0;
    };

    static std::uint64_t size(const value_type& body) { return body.length; }

    class writer {
      public:
        using const_buffers_type = boost::asio::const_buffer;

        template <bool is_request, class Fields>
        writer(const http::header<is_request, Fields>&, value_type& body) : body_(body) {}

        void init(boost::system::error_code& ec) {
            body_.file.seek(body_.offset, ec);
            left_ = body_.length;
        }

        boost::optional<std::pair<const_buffers_type, bool>> get(boost::system::error_code& ec) {
            if (left_ == 0) {
                ec = {};
                return boost::none;
            }
            if (!buffer_) buffer_ = std::make_unique<char[]>(chunk);
            const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(left_, chunk));
            const std::size_t n = body_.file.read(buffer_.get(), want, ec);
            if (ec) return boost::none;
            if (n == 0) {
                // Truncated since its size was announced: the response cannot be completed.
                ec = boost::beast::http::error::short_read;
                return boost::none;
            }
            left_ -= n;
            return {{const_buffers_type(buffer_.get(), n), left_ > 0}};
        }

      private:
        value_type& body_;
        std::uint64_t left_ = 0;
        std::unique_ptr<char[]> buffer_;
    };
};

/// What a Range header asks of a file of `size` bytes (RFC 9110 §14.2).
struct RangeRequest {
    enum Kind {
        whole,          // no Range, a syntax error, another unit or several ranges: 200, all of it
        partial,        // one satisfiable range: 206
        unsatisfiable,  // one range that starts past the end: 416
    };
    Kind kind = whole;
    std::uint64_t first = 0;
    std::uint64_t last = 0;  // inclusive
};

/// A decimal number, saturated at the maximum (a position beyond any file is past its end just
/// the same); nullopt when empty or not all digits.
std::optional<std::uint64_t> range_number(std::string_view text) {
    if (text.empty()) return std::nullopt;
    std::uint64_t value = 0;
    constexpr auto max = std::numeric_limits<std::uint64_t>::max();
    for (const char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        const auto digit = static_cast<std::uint64_t>(c - '0');
        value = value > (max - digit) / 10 ? max : value * 10 + digit;
    }
    return value;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

/// "bytes=a-b", "bytes=a-" and "bytes=-n". Anything the server may ignore (RFC 9110 §14.2: a
/// syntax error, a reversed range, another unit) is answered whole, and so are several ranges:
/// a multipart/byteranges answer is rarely asked for (browsers and download managers ask for
/// one range) and would let a short header ask for the same bytes many times over.
RangeRequest parse_range(std::string_view header, std::uint64_t size) {
    RangeRequest whole;
    header = trim(header);
    constexpr std::string_view unit = "bytes=";
    if (header.size() < unit.size()) return whole;
    for (std::size_t i = 0; i < unit.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(header[i])) != unit[i]) return whole;
    }
    const std::string_view spec = trim(header.substr(unit.size()));
    if (spec.find(',') != std::string_view::npos) return whole;
    const auto dash = spec.find('-');
    if (dash == std::string_view::npos) return whole;
    const auto first = spec.substr(0, dash);
    const auto last = spec.substr(dash + 1);
    if (size == 0) return whole;  // no byte to point at; "bytes 0--1/0" cannot be written
    RangeRequest range;
    range.kind = RangeRequest::partial;
    if (first.empty()) {
        // "-n": the last n bytes (all of them when the file is shorter); "-0" asks for none.
        const auto suffix = range_number(last);
        if (!suffix) return whole;
        if (*suffix == 0) return {.kind = RangeRequest::unsatisfiable};
        range.first = size - std::min(*suffix, size);
        range.last = size - 1;
        return range;
    }
    const auto from = range_number(first);
    if (!from) return whole;
    std::uint64_t to = std::numeric_limits<std::uint64_t>::max();
    if (!last.empty()) {
        const auto parsed = range_number(last);
        if (!parsed || *parsed < *from) return whole;  // "5-3" is invalid: ignored
        to = *parsed;
    }
    if (*from >= size) return {.kind = RangeRequest::unsatisfiable};
    range.first = *from;
    range.last = std::min(to, size - 1);
    return range;
}

/// If-Range: the Range applies only if the file is still the one the client has part of — a
/// strong comparison with the ETag (a weak one never matches), or the exact Last-Modified date.
bool if_range_holds(std::string_view header, std::string_view etag, std::int64_t modified) {
    header = trim(header);
    if (header.starts_with("W/")) return false;
    if (header.starts_with('"')) return header == etag;
    const auto date = parse_http_date(header);
    return date && *date == modified;
}

/// The request's path under the mount as a relative path, or why not: 403 for a path that
/// tries to leave the folder or name something hidden, whatever its encoding.
std::optional<fs::path> relative_path(std::string_view rest, bool& trailing_slash) {
    if (rest.size() > max_static_path) return std::nullopt;
    if (rest.find('\\') != std::string_view::npos) return std::nullopt;
    // Decoded exactly once: "%252e" is the file "%2e", never "."
    auto decoded = percent_decode(rest, false);
    if (!decoded || !valid_utf8(*decoded)) return std::nullopt;
    if (decoded->find('\0') != std::string::npos || decoded->find('\\') != std::string::npos) {
        return std::nullopt;
    }
    trailing_slash = decoded->empty() || decoded->back() == '/';
    fs::path relative;
    std::string_view left = *decoded;
    while (!left.empty()) {
        const auto slash = left.find('/');
        const std::string_view segment = left.substr(0, slash);
        left = slash == std::string_view::npos ? std::string_view{} : left.substr(slash + 1);
        if (segment.empty()) continue;                    // "//": never an absolute path
        if (segment.front() == '.') return std::nullopt;  // ".", "..", ".git", ".env"
        relative /= std::string(segment);
    }
    return relative;
}

}  // namespace

std::string_view content_type_of(std::string_view file_name) {
    const auto dot = file_name.rfind('.');
    if (dot == std::string_view::npos) return "application/octet-stream";
    std::string extension(file_name.substr(dot + 1));
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const auto& known : content_types) {
        if (known.extension == extension) return known.type;
    }
    return "application/octet-stream";
}

http::message_generator serve_static(const StaticMount& mount, std::string_view rest,
                                     const AppExchange& exchange, const AppOptions& options) {
    const auto method = exchange.request.method();
    if (method != http::verb::get && method != http::verb::head) {
        auto res = plain(exchange, http::status::method_not_allowed, "Method Not Allowed");
        res.set(http::field::allow, "GET, HEAD");
        return res;
    }
    bool trailing_slash = false;
    const auto relative = relative_path(rest, trailing_slash);
    if (!relative) {
        exchange.core->log->debug("static {}: refused path from {}", exchange.path,
                                  exchange.remote_address);
        return plain(exchange, http::status::forbidden, "Forbidden");
    }
    std::error_code ec;
    fs::path file = fs::canonical(mount.root / *relative, ec);
    if (ec) return plain(exchange, http::status::not_found, "Not Found");
    // A symlink may point anywhere: what it resolves to must still be inside the folder.
    if (!inside(file, mount.root)) {
        exchange.core->log->debug("static {}: resolves outside {}", exchange.path,
                                  mount.root.string());
        return plain(exchange, http::status::forbidden, "Forbidden");
    }
    if (fs::is_directory(file, ec)) {
        if (!trailing_slash) {
            // index.html's relative links need the slash: /docs → /docs/
            http::response<http::string_body> res{http::status::moved_permanently,
                                                  exchange.request.version()};
            res.set(http::field::location, std::string(exchange.path) + "/");
            res.keep_alive(exchange.request.keep_alive());
            res.prepare_payload();
            return res;
        }
        file = fs::canonical(file / "index.html", ec);
        if (ec) return plain(exchange, http::status::not_found, "Not Found");  // no listings
        if (!inside(file, mount.root)) return plain(exchange, http::status::forbidden, "Forbidden");
    }
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return plain(exchange, http::status::not_found, "Not Found");
    boost::beast::file handle;
    handle.native_handle(fd);  // closed by `handle` from here on
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        return plain(exchange, http::status::not_found, "Not Found");
    }
    const std::string etag = etag_of(st);
    const std::string last_modified = format_http_date(st.st_mtim.tv_sec);
    const auto content_type = content_type_of(file.filename().native());
    const auto size = static_cast<std::uint64_t>(st.st_size);
    auto fill = [&](auto& res) {
        res.set(http::field::etag, etag);
        res.set(http::field::last_modified, last_modified);
        if (!options.static_cache_control.empty()) {
            res.set(http::field::cache_control, options.static_cache_control);
        }
        res.keep_alive(exchange.request.keep_alive());
    };

    // If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
    const auto& fields = exchange.request;
    bool not_modified = false;
    if (const auto inm = fields.find(http::field::if_none_match); inm != fields.end()) {
        not_modified = etag_matches(inm->value(), etag);
    } else if (const auto ims = fields.find(http::field::if_modified_since); ims != fields.end()) {
        const auto since = parse_http_date(ims->value());
        not_modified = since && st.st_mtim.tv_sec <= *since;
    }
    if (not_modified) {
        http::response<http::empty_body> res{http::status::not_modified, fields.version()};
        fill(res);
        return res;
    }
    if (method == http::verb::head) {
        http::response<http::empty_body> res{http::status::ok, fields.version()};
        fill(res);
        res.set(http::field::accept_ranges, "bytes");
        res.set(http::field::content_type, content_type);
        res.content_length(size);
        return res;
    }

    // Range (GET only, RFC 9110 §14.2), unless If-Range says the client's part is of another
    // version of the file.
    RangeRequest range;
    if (const auto header = fields.find(http::field::range); header != fields.end()) {
        const auto if_range = fields.find(http::field::if_range);
        if (if_range == fields.end() ||
            if_range_holds(if_range->value(), etag, st.st_mtim.tv_sec)) {
            range = parse_range(header->value(), size);
        }
    }
    if (range.kind == RangeRequest::unsatisfiable) {
        auto res = plain(exchange, http::status::range_not_satisfiable, "Range Not Satisfiable");
        res.set(http::field::content_range, "bytes */" + std::to_string(size));
        res.set(http::field::accept_ranges, "bytes");
        return res;
    }
    const bool partial = range.kind == RangeRequest::partial;
    const std::uint64_t offset = partial ? range.first : 0;
    const std::uint64_t length = partial ? range.last - range.first + 1 : size;
    const auto status = partial ? http::status::partial_content : http::status::ok;
    auto headers = [&](auto& res) {
        fill(res);
        res.set(http::field::accept_ranges, "bytes");
        res.set(http::field::content_type, content_type);
        if (partial) {
            res.set(http::field::content_range, "bytes " + std::to_string(range.first) + "-" +
                                                    std::to_string(range.last) + "/" +
                                                    std::to_string(size));
        }
    };

    if (length <= options.static_read_whole_max) {
        http::response<http::string_body> res{status, fields.version()};
        headers(res);
        boost::system::error_code read_ec;
        if (offset != 0) handle.seek(offset, read_ec);
        res.body().resize(length);
        const std::size_t n = read_ec ? 0 : handle.read(res.body().data(), length, read_ec);
        if (read_ec) return plain(exchange, http::status::internal_server_error, "Read Error");
        res.body().resize(n);
        res.prepare_payload();
        return res;
    }
    // Streamed: read as the socket takes it, 64 KiB at a time.
    http::response<FileRangeBody> res{status, fields.version()};
    headers(res);
    res.body().file = std::move(handle);
    res.body().offset = offset;
    res.body().length = length;
    res.prepare_payload();
    return res;
}

}  // namespace socketio::detail
