#include "engineio/protocol/sid.hpp"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

#include <pthread.h>
#include <sys/random.h>

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

/// Random bytes drawn from the kernel a kilobyte at a time (one getrandom(2) per ~70 sids, not
/// one per sid: on a connect storm that syscall was two of the ~20 per connection). Per thread,
/// so no lock; a fork empties every buffer (pthread_atfork), so parent and child never hand out
/// the same bytes.
std::atomic<unsigned> fork_generation{0};

struct RandomPool {
    unsigned char bytes[1024];
    std::size_t used = sizeof bytes;
    unsigned generation = 0;

    void take(unsigned char* out, std::size_t size) {
        const unsigned current = fork_generation.load(std::memory_order_relaxed);
        if (generation != current) {
            generation = current;
            used = sizeof bytes;
        }
        if (size > sizeof bytes - used) {
            fill_random(bytes, sizeof bytes);
            used = 0;
        }
        std::memcpy(out, bytes + used, size);
        std::memset(bytes + used, 0, size);  // handed out once, then gone from memory
        used += size;
    }
};

RandomPool& random_pool() {
    static const int registered = ::pthread_atfork(
        nullptr, nullptr, [] { fork_generation.fetch_add(1, std::memory_order_relaxed); });
    (void)registered;
    thread_local RandomPool pool;
    return pool;
}

}  // namespace

std::string generate_sid() {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    static_assert(sizeof kAlphabet == 64 + 1);
    unsigned char bytes[kSidLength];
    random_pool().take(bytes, sizeof bytes);
    char text[kSidLength];
    // The low 6 bits of a uniformly random byte are uniformly random.
    for (std::size_t i = 0; i < kSidLength; ++i) text[i] = kAlphabet[bytes[i] & 63];
    return std::string(text, kSidLength);
}

}  // namespace engineio::protocol
