// Static files: a request path checked and decoded once, resolved inside the mount's folder,
// answered with its content type, ETag and Last-Modified (304 when unchanged), HEAD, index.html.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>

#include <boost/beast/core/file.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/file_body.hpp>
#include <boost/beast/http/string_body.hpp>

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
        res.set(http::field::content_type, content_type);
        res.content_length(size);
        return res;
    }
    if (size <= options.static_read_whole_max) {
        http::response<http::string_body> res{http::status::ok, fields.version()};
        fill(res);
        res.set(http::field::content_type, content_type);
        res.body().resize(size);
        boost::system::error_code read_ec;
        const std::size_t n = handle.read(res.body().data(), size, read_ec);
        if (read_ec) return plain(exchange, http::status::internal_server_error, "Read Error");
        res.body().resize(n);
        res.prepare_payload();
        return res;
    }
    // Streamed: Beast's file_body reads a few KiB at a time as the socket takes them.
    http::response<http::file_body> res{http::status::ok, fields.version()};
    fill(res);
    res.set(http::field::content_type, content_type);
    boost::system::error_code body_ec;
    res.body().reset(std::move(handle), body_ec);
    if (body_ec) return plain(exchange, http::status::internal_server_error, "Read Error");
    res.prepare_payload();
    return res;
}

}  // namespace socketio::detail
