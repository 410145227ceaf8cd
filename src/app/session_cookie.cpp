// The signed session cookie: HMAC-SHA256 over a base64url JSON payload that carries its expiry.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "internal.hpp"

namespace socketio::detail {
namespace {

// Bound to this use: a signature made with the same key for something else never passes as a
// session.
constexpr std::string_view signing_context = "socketio-cpp.session.";

std::int64_t now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

SessionCodec::SessionCodec(std::string key, std::chrono::seconds max_age)
    : key_(std::move(key)), max_age_(max_age) {}

std::string SessionCodec::sign(std::string_view payload) const {
    std::string message;
    message.reserve(signing_context.size() + payload.size());
    message.append(signing_context).append(payload);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
              reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest,
              &length)) {
        throw std::runtime_error("socketio::App: HMAC-SHA256 failed");
    }
    return base64url_encode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

std::string SessionCodec::encode(const json& data) const {
    const json payload = {{"d", data}, {"e", now_seconds() + max_age_.count()}};
    std::string encoded = base64url_encode(payload.dump());
    std::string signature = sign(encoded);
    encoded.push_back('.');
    encoded.append(signature);
    return encoded;
}

std::optional<json> SessionCodec::decode(std::string_view cookie, spdlog::logger& log) const {
    if (!enabled()) return std::nullopt;
    const auto dot = cookie.rfind('.');
    if (dot == std::string_view::npos) {
        log.debug("session cookie refused: not <payload>.<signature>");
        return std::nullopt;
    }
    const std::string_view payload = cookie.substr(0, dot);
    const std::string_view signature = cookie.substr(dot + 1);
    const std::string expected = sign(payload);
    // Compared in constant time: how long a wrong signature takes tells nothing of the right one.
    if (signature.size() != expected.size() ||
        CRYPTO_memcmp(signature.data(), expected.data(), expected.size()) != 0) {
        log.debug("session cookie refused: bad signature (tampered, or signed with another key)");
        return std::nullopt;
    }
    const auto text = base64url_decode(payload);
    if (!text) {
        log.debug("session cookie refused: payload is not base64url");
        return std::nullopt;
    }
    json parsed = json::parse(*text, nullptr, false);
    if (!parsed.is_object() || !parsed.contains("d") || !parsed["d"].is_object() ||
        !parsed.contains("e") || !parsed["e"].is_number_integer()) {
        log.debug("session cookie refused: payload is not a session");
        return std::nullopt;
    }
    if (parsed["e"].get<std::int64_t>() <= now_seconds()) {
        log.debug("session cookie refused: expired");
        return std::nullopt;
    }
    return std::move(parsed["d"]);
}

}  // namespace socketio::detail
