// HTTP helpers of the Engine.IO server: query parsing, the error → response mapping, CORS, the
// session cookie and zlib compression of polling responses.
#include <algorithm>
#include <cctype>
#include <stdexcept>

#include <zlib.h>
#include <boost/beast/http/field.hpp>
#include <boost/beast/version.hpp>

#include "internal.hpp"

namespace engineio::detail {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string percent_decode(std::string_view in) {
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        const char c = in[i];
        if (c == '+') {
            out.push_back(' ');
        } else if (c == '%' && i + 2 < in.size() && hex_value(in[i + 1]) >= 0 &&
                   hex_value(in[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2])));
            i += 2;
        } else {
            out.push_back(c);
        }
    }
    return out;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

/// "http://host:80" and "http://host" are the same origin: drop the scheme's default port.
std::string normalize_origin(std::string_view scheme, std::string_view host_port) {
    std::string host = lower(host_port);
    const std::string default_port = scheme == "https" ? ":443" : ":80";
    if (host.size() > default_port.size() &&
        host.compare(host.size() - default_port.size(), default_port.size(), default_port) == 0) {
        host.resize(host.size() - default_port.size());
    }
    return std::string(scheme) + "://" + host;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query) {
    std::vector<std::pair<std::string, std::string>> out;
    while (!query.empty()) {
        const std::size_t amp = query.find('&');
        const std::string_view part = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (part.empty()) continue;
        const std::size_t eq = part.find('=');
        if (eq == std::string_view::npos) {
            out.emplace_back(percent_decode(part), std::string{});
        } else {
            out.emplace_back(percent_decode(part.substr(0, eq)),
                             percent_decode(part.substr(eq + 1)));
        }
    }
    return out;
}

Target parse_target(std::string_view target) {
    Target out;
    const std::size_t q = target.find('?');
    out.path = std::string(target.substr(0, q));
    if (q != std::string_view::npos) out.query = parse_query(target.substr(q + 1));
    return out;
}

Request make_request(const StringRequest& req, const Target& target,
                     std::string_view remote_address, std::uint16_t remote_port, bool secure) {
    // Two passes over the parts: their sizes, then one block holding them all (a session keeps
    // its request for life).
    const std::string_view method = req.method_string();
    const std::string_view raw_target = req.target();
    std::size_t text_size =
        method.size() + raw_target.size() + target.path.size() + remote_address.size();
    for (const auto& [name, value] : target.query) text_size += name.size() + value.size();
    std::size_t header_count = 0;
    for (const auto& field : req) {
        text_size += field.name_string().size() + field.value().size();
        ++header_count;
    }
    RequestBuilder b(target.query.size(), header_count, text_size);
    b.append(method);
    b.append(raw_target);
    b.append(target.path);
    b.append(remote_address);
    for (const auto& [name, value] : target.query) {
        b.append(name);
        b.append(value);
    }
    for (const auto& field : req) {
        b.append(field.name_string(), /*lower=*/true);
        b.append(field.value());
    }
    return std::move(b).finish(remote_port, secure);
}

StringResponse make_response(const ResponseContext& ctx, http::status status,
                             std::string_view content_type, std::string body, bool compressible) {
    StringResponse res{status, ctx.version};
    res.set(http::field::server, "socketio-cpp");
    if (!content_type.empty()) res.set(http::field::content_type, content_type);
    for (const auto& [name, value] : ctx.cors_headers) res.insert(name, value);
    if (compressible && ctx.compress && body.size() >= ctx.compression_threshold &&
        (ctx.accepts_gzip || ctx.accepts_deflate)) {
        const bool gzip = ctx.accepts_gzip;
        body = compress(body, gzip);
        res.set(http::field::content_encoding, gzip ? "gzip" : "deflate");
    }
    res.body() = std::move(body);
    res.keep_alive(ctx.keep_alive);
    res.prepare_payload();
    return res;
}

StringResponse make_error_response(const ResponseContext& ctx, error code) {
    if (code == error::payload_too_large) {
        ResponseContext closing = ctx;
        closing.keep_alive = false;  // the body may not have been read
        return make_response(closing, http::status::payload_too_large, "text/plain",
                             "Payload Too Large");
    }
    // Local errors go out as the protocol error they amount to, with that error's message, except
    // a full server, which says so (503).
    const int number = wire_code(code);
    const bool full = code == error::too_many_sessions;
    const std::string message = full || code <= error::unsupported_protocol_version
                                    ? make_error_code(code).message()
                                    : make_error_code(error::bad_request).message();
    const auto status = full                       ? http::status::service_unavailable
                        : code == error::forbidden ? http::status::forbidden
                                                   : http::status::bad_request;
    return make_response(
        ctx, status, "application/json",
        R"({"code":)" + std::to_string(number) + R"(,"message":")" + message + R"("})");
}

CorsVerdict check_cors(const ServerOptions& options, const StringRequest& req, bool secure) {
    CorsVerdict verdict;
    const auto origin_it = req.find(http::field::origin);
    if (origin_it == req.end()) return verdict;  // not a cross-origin browser request
    const std::string_view origin = origin_it->value();

    const auto& allowed = options.cors.allowed_origins;
    bool ok = false;
    if (allowed.empty()) {
        // Same origin only: the Origin must equal this request's own scheme://host.
        const auto host = req.find(http::field::host);
        if (host != req.end()) {
            const std::size_t sep = origin.find("://");
            if (sep != std::string_view::npos) {
                const std::string theirs =
                    normalize_origin(lower(origin.substr(0, sep)), origin.substr(sep + 3));
                ok = theirs == normalize_origin(secure ? "https" : "http", host->value());
            }
        }
        if (ok) return verdict;  // same origin: no CORS headers needed
    } else if (std::find(allowed.begin(), allowed.end(), "*") != allowed.end()) {
        ok = true;
    } else {
        ok = std::find(allowed.begin(), allowed.end(), origin) != allowed.end();
    }
    if (!ok) {
        verdict.allowed = false;
        return verdict;
    }
    // Echo the origin (a literal "*" is not allowed together with credentials).
    const bool wildcard_without_credentials =
        !options.cors.credentials &&
        std::find(allowed.begin(), allowed.end(), "*") != allowed.end();
    verdict.headers.emplace_back("Access-Control-Allow-Origin", wildcard_without_credentials
                                                                    ? std::string("*")
                                                                    : std::string(origin));
    if (options.cors.credentials)
        verdict.headers.emplace_back("Access-Control-Allow-Credentials", "true");
    if (!wildcard_without_credentials) verdict.headers.emplace_back("Vary", "Origin");
    return verdict;
}

std::string make_cookie(const CookieOptions& cookie, std::string_view sid) {
    std::string value = cookie.name + "=" + std::string(sid);
    if (!cookie.path.empty()) value += "; Path=" + cookie.path;
    if (cookie.http_only) value += "; HttpOnly";
    if (!cookie.same_site.empty()) value += "; SameSite=" + cookie.same_site;
    return value;
}

std::string compress(std::string_view data, bool gzip) {
    z_stream zs{};
    if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, gzip ? 15 + 16 : 15, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK) {
        throw std::runtime_error("deflateInit2 failed");
    }
    std::string out;
    out.resize(deflateBound(&zs, static_cast<uLong>(data.size())));
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&zs, Z_FINISH);
    const auto produced = zs.total_out;
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) throw std::runtime_error("deflate failed");
    out.resize(produced);
    return out;
}

}  // namespace engineio::detail

// --- HttpReply ----------------------------------------------------------------------------------

namespace engineio {

HttpReply::HttpReply(std::shared_ptr<detail::HttpReplyTarget> target, unsigned version,
                     bool keep_alive)
    : target_(std::move(target)), version_(version), keep_alive_(keep_alive) {
    if (target_) executor_ = target_->reply_executor();
}

HttpReply& HttpReply::operator=(HttpReply&& other) noexcept {
    if (this != &other) {
        send_default_error();
        target_ = std::move(other.target_);
        version_ = other.version_;
        keep_alive_ = other.keep_alive_;
        executor_ = std::move(other.executor_);
    }
    return *this;
}

HttpReply::~HttpReply() {
    send_default_error();
}

void HttpReply::send(boost::beast::http::message_generator response) {
    if (!target_) return;
    auto target = std::move(target_);
    target_.reset();
    target->send_reply(std::move(response));
}

boost::asio::any_io_executor HttpReply::executor() const {
    return executor_;
}

void HttpReply::send_default_error() noexcept {
    if (!target_) return;
    try {
        namespace http = boost::beast::http;
        http::response<http::string_body> response{http::status::internal_server_error, version_};
        response.set(http::field::content_type, "text/plain");
        response.body() = "Internal Server Error";
        response.keep_alive(keep_alive_);
        response.prepare_payload();
        send(http::message_generator(std::move(response)));
    } catch (...) {
        target_.reset();  // out of memory: the connection closes when the last owner lets go
    }
}

}  // namespace engineio
