// The text of HTTP the application layer reads and writes: percent-decoding, queries, cookies,
// dates, UTF-8 and base64url.
#include <cstdio>
#include <ctime>

#include "internal.hpp"

namespace socketio::detail {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

constexpr std::string_view base64url_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

}  // namespace

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size()) return std::nullopt;
            const int hi = hex_value(text[i + 1]);
            const int lo = hex_value(text[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out.push_back(' ');
        } else {
            out.push_back(c);
        }
    }
    return out;
}

std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query) {
    std::vector<std::pair<std::string, std::string>> result;
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (pair.empty()) continue;
        const auto eq = pair.find('=');
        auto name = percent_decode(pair.substr(0, eq), true);
        auto value = percent_decode(
            eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
        if (name && value) result.emplace_back(std::move(*name), std::move(*value));
    }
    return result;
}

std::map<std::string, std::string, std::less<>> parse_cookies(std::string_view header) {
    std::map<std::string, std::string, std::less<>> cookies;
    while (!header.empty()) {
        const auto semi = header.find(';');
        const std::string_view pair = trim(header.substr(0, semi));
        header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
        const auto eq = pair.find('=');
        if (eq == std::string_view::npos || eq == 0) continue;
        std::string_view value = trim(pair.substr(eq + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
            value = value.substr(1, value.size() - 2);
        }
        cookies.emplace(std::string(trim(pair.substr(0, eq))), std::string(value));  // first wins
    }
    return cookies;
}

bool cookie_safe(std::string_view text, bool name) {
    if (name && text.empty()) return false;
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c <= 0x20 || c >= 0x7f || c == '"' || c == ',' || c == ';' || c == '\\') return false;
        if (name &&
            (c == '=' || c == '(' || c == ')' || c == '<' || c == '>' || c == '@' || c == ':' ||
             c == '/' || c == '[' || c == ']' || c == '?' || c == '{' || c == '}')) {
            return false;
        }
    }
    return true;
}

std::string format_set_cookie(std::string_view name, std::string_view value,
                              const CookieOptions& options) {
    std::string cookie;
    cookie.append(name).append("=").append(value);
    if (options.max_age)
        cookie.append("; Max-Age=").append(std::to_string(options.max_age->count()));
    if (!options.path.empty()) cookie.append("; Path=").append(options.path);
    if (!options.domain.empty()) cookie.append("; Domain=").append(options.domain);
    if (options.secure) cookie.append("; Secure");
    if (options.http_only) cookie.append("; HttpOnly");
    if (!options.same_site.empty()) cookie.append("; SameSite=").append(options.same_site);
    return cookie;
}

bool valid_utf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t length = 0;
        std::uint32_t code = 0;
        std::uint32_t least = 0;
        if ((c & 0xe0) == 0xc0) {
            length = 2, code = c & 0x1f, least = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            length = 3, code = c & 0x0f, least = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            length = 4, code = c & 0x07, least = 0x10000;
        } else {
            return false;  // a continuation byte first, or 0xf8..0xff
        }
        if (i + length > text.size()) return false;
        for (std::size_t k = 1; k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xc0) != 0x80) return false;
            code = (code << 6) | (next & 0x3f);
        }
        if (code < least || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return false;
        i += length;
    }
    return true;
}

std::string format_http_date(std::int64_t unix_seconds) {
    const std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday],
                  tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                  tm.tm_sec);
    return buffer;
}

std::optional<std::int64_t> parse_http_date(std::string_view text) {
    // IMF-fixdate only (what every current client sends): "Sun, 06 Nov 1994 08:49:37 GMT".
    if (text.size() != 29 || text.substr(25) != " GMT") return std::nullopt;
    static constexpr std::string_view months = "JanFebMarAprMayJunJulAugSepOctNovDec";
    auto number = [&](std::size_t at, std::size_t digits) -> int {
        int value = 0;
        for (std::size_t k = 0; k < digits; ++k) {
            const char c = text[at + k];
            if (c < '0' || c > '9') return -1;
            value = value * 10 + (c - '0');
        }
        return value;
    };
    const auto month = months.find(text.substr(8, 3));
    std::tm tm{};
    tm.tm_mday = number(5, 2);
    tm.tm_year = number(12, 4) - 1900;
    tm.tm_hour = number(17, 2);
    tm.tm_min = number(20, 2);
    tm.tm_sec = number(23, 2);
    if (month == std::string_view::npos || month % 3 != 0 || tm.tm_mday < 1 || tm.tm_year < 0 ||
        tm.tm_hour < 0 || tm.tm_min < 0 || tm.tm_sec < 0) {
        return std::nullopt;
    }
    tm.tm_mon = static_cast<int>(month / 3);
    return static_cast<std::int64_t>(timegm(&tm));
}

std::string base64url_encode(std::string_view data) {
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= data.size(); i += 3) {
        const std::uint32_t v = (static_cast<unsigned char>(data[i]) << 16) |
                                (static_cast<unsigned char>(data[i + 1]) << 8) |
                                static_cast<unsigned char>(data[i + 2]);
        out.push_back(base64url_alphabet[(v >> 18) & 63]);
        out.push_back(base64url_alphabet[(v >> 12) & 63]);
        out.push_back(base64url_alphabet[(v >> 6) & 63]);
        out.push_back(base64url_alphabet[v & 63]);
    }
    const std::size_t left = data.size() - i;
    if (left > 0) {
        std::uint32_t v = static_cast<unsigned char>(data[i]) << 16;
        if (left == 2) v |= static_cast<unsigned char>(data[i + 1]) << 8;
        out.push_back(base64url_alphabet[(v >> 18) & 63]);
        out.push_back(base64url_alphabet[(v >> 12) & 63]);
        if (left == 2) out.push_back(base64url_alphabet[(v >> 6) & 63]);
    }
    return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
    if (text.size() % 4 == 1) return std::nullopt;
    std::string out;
    out.reserve(text.size() * 3 / 4);
    std::uint32_t bits = 0;
    int count = 0;
    for (const char c : text) {
        const auto at = base64url_alphabet.find(c);
        if (at == std::string_view::npos) return std::nullopt;
        bits = (bits << 6) | static_cast<std::uint32_t>(at);
        count += 6;
        if (count >= 8) {
            count -= 8;
            out.push_back(static_cast<char>((bits >> count) & 0xff));
        }
    }
    return out;
}

}  // namespace socketio::detail
