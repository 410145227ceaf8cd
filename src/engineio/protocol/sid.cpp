#include "engineio/protocol/sid.hpp"

#include <cerrno>
#include <cstdio>
#include <system_error>

#include <sys/random.h>

#include "engineio/protocol/base64.hpp"

namespace engineio::protocol {
namespace {

void fill_random(unsigned char* buffer, std::size_t size) {
    std::size_t filled = 0;
    while (filled < size) {
        const ssize_t got = ::getrandom(buffer + filled, size - filled, 0);
        if (got > 0) {
            filled += static_cast<std::size_t>(got);
            continue;
        }
        if (got < 0 && errno == EINTR) continue;
        if (got < 0 && errno == ENOSYS) break;
        throw std::system_error(errno, std::generic_category(), "getrandom");
    }
    if (filled == size) return;
    // Kernels without getrandom(2): read the rest from /dev/urandom.
    std::FILE* urandom = std::fopen("/dev/urandom", "rb");
    if (urandom == nullptr) throw std::system_error(errno, std::generic_category(), "/dev/urandom");
    const std::size_t got = std::fread(buffer + filled, 1, size - filled, urandom);
    std::fclose(urandom);
    if (got != size - filled)
        throw std::system_error(EIO, std::generic_category(), "/dev/urandom: short read");
}

}  // namespace

std::string generate_sid() {
    unsigned char bytes[kSidRandomBytes];
    fill_random(bytes, sizeof bytes);
    std::string sid;
    sid.reserve(kSidLength);
    base64url_encode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes), sid);
    return sid;
}

}  // namespace engineio::protocol
