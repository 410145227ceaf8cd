// sio_floor — the floor of the benchmark suite: the least a server can do to pass the bench
// contract (bench/README.md), so the other servers are measured against what the kernel allows
// here rather than against each other only.
//
//   sio_floor PORT [HOST]      (prints "listening on PORT" once it accepts)
//
// One thread, one epoll set, level-triggered. It does the HTTP Upgrade (SHA-1 + base64 of the key),
// WebSocket framing, the Engine.IO open packet and pings (every 25 s; a client that has not
// answered the previous one by then is closed), the Socket.IO CONNECT reply on "/", and answers the
// two contract events by rewriting strings: "42<id>[\"echo\",ARGS" → "43<id>[ARGS" and
// "42<id>[\"broadcast\",ARGS" → "42[\"bcast\",ARGS" to every client, then "43<id>[]". No JSON, no
// polling transport, no rooms, no validation beyond what keeps it from crashing. What it keeps of
// the real servers' habits: everything a client is sent in one loop turn leaves in one send().

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPingInterval = std::chrono::seconds(25);

struct Client {
    int fd = -1;
    bool upgraded = false;
    bool awaiting_pong = false;
    std::size_t connected_at = SIZE_MAX;  // index in Server::connected_, SIZE_MAX if not
    std::string in;
    std::string out;
    bool dirty = false;
    bool writable_watch = false;
    std::uint64_t number = 0;
};

/// base64(SHA-1(key + GUID)): the Sec-WebSocket-Accept of RFC 6455.
std::string accept_key(std::string_view key) {
    std::string text(key);
    text += "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
    unsigned char encoded[4 * ((SHA_DIGEST_LENGTH + 2) / 3) + 1];
    const int n = EVP_EncodeBlock(encoded, digest, SHA_DIGEST_LENGTH);
    return std::string(reinterpret_cast<char*>(encoded), static_cast<std::size_t>(n));
}

/// Appends one unmasked text frame (a server's) holding `a` then `b`.
void append_frame(std::string& out, std::string_view a, std::string_view b = {}) {
    const std::size_t size = a.size() + b.size();
    if (size < 126) {
        out += static_cast<char>(0x81);
        out += static_cast<char>(size);
    } else if (size < 65536) {
        out += static_cast<char>(0x81);
        out += static_cast<char>(126);
        out += static_cast<char>(size >> 8);
        out += static_cast<char>(size & 0xff);
    } else {
        out += static_cast<char>(0x81);
        out += static_cast<char>(127);
        for (int i = 7; i >= 0; --i) out += static_cast<char>((size >> (8 * i)) & 0xff);
    }
    out.append(a);
    out.append(b);
}

std::size_t find_case_insensitive(std::string_view haystack, std::string_view needle) {
    const auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                                [](char a, char b) { return std::tolower(a) == std::tolower(b); });
    return it == haystack.end() ? std::string_view::npos
                                : static_cast<std::size_t>(it - haystack.begin());
}

class Server {
  public:
    explicit Server(int listener) : listener_(listener) {
        epoll_ = epoll_create1(EPOLL_CLOEXEC);
        watch(listener_, EPOLLIN, EPOLL_CTL_ADD);
    }

    void run() {
        std::vector<epoll_event> events(1024);
        auto next_ping = Clock::now() + kPingInterval;
        while (true) {
            const auto wait =
                std::chrono::duration_cast<std::chrono::milliseconds>(next_ping - Clock::now());
            const int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()),
                                     static_cast<int>(std::max<long>(0, wait.count()) + 1));
            if (n < 0 && errno != EINTR) return;
            for (int i = 0; i < n; ++i) {
                const int fd = events[i].data.fd;
                if (fd == listener_) {
                    accept_all();
                    continue;
                }
                Client* c = client(fd);
                if (c == nullptr) continue;
                if (events[i].events & EPOLLOUT) send_out(*c);
                if (client(fd) == c && (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
                    on_readable(*c);
                }
            }
            if (Clock::now() >= next_ping) {
                ping_all();
                next_ping = Clock::now() + kPingInterval;
            }
            flush();
        }
    }

  private:
    void watch(int fd, std::uint32_t events, int op) {
        epoll_event ev{};
        ev.events = events;
        ev.data.fd = fd;
        epoll_ctl(epoll_, op, fd, &ev);
    }

    Client* client(int fd) {
        return static_cast<std::size_t>(fd) < clients_.size() ? clients_[fd].get() : nullptr;
    }

    void accept_all() {
        while (true) {
            const int fd = accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) return;  // EAGAIN, or out of files: the next turn tries again
            const int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            if (clients_.size() <= static_cast<std::size_t>(fd)) clients_.resize(fd + 1024);
            clients_[fd] = std::make_unique<Client>();
            clients_[fd]->fd = fd;
            clients_[fd]->number = ++accepted_;
            watch(fd, EPOLLIN, EPOLL_CTL_ADD);
        }
    }

    void drop(Client& c) {
        if (c.connected_at != SIZE_MAX) leave(c);
        const int fd = c.fd;
        close(fd);
        clients_[fd].reset();
    }

    void leave(Client& c) {
        // Swap-remove from the broadcast list, keeping the moved client's index right.
        Client* last = connected_.back();
        connected_[c.connected_at] = last;
        last->connected_at = c.connected_at;
        connected_.pop_back();
        c.connected_at = SIZE_MAX;
    }

    void mark_dirty(Client& c) {
        if (!c.dirty) {
            c.dirty = true;
            dirty_.push_back(c.fd);
        }
    }

    void flush() {
        for (int fd : dirty_) {
            Client* c = client(fd);
            if (c == nullptr) continue;
            c->dirty = false;
            send_out(*c);
        }
        dirty_.clear();
    }

    void send_out(Client& c) {
        std::size_t sent = 0;
        while (sent < c.out.size()) {
            const ssize_t n = ::send(c.fd, c.out.data() + sent, c.out.size() - sent, MSG_NOSIGNAL);
            if (n > 0) {
                sent += static_cast<std::size_t>(n);
            } else if (n < 0 && errno == EINTR) {
                continue;
            } else if (n < 0 && errno == EAGAIN) {
                break;
            } else {
                return drop(c);
            }
        }
        c.out.erase(0, sent);
        const bool want = !c.out.empty();
        if (want != c.writable_watch) {
            c.writable_watch = want;
            watch(c.fd, EPOLLIN | (want ? EPOLLOUT : 0u), EPOLL_CTL_MOD);
        }
        if (c.out.capacity() > 65536 && c.out.empty()) c.out.shrink_to_fit();
    }

    void on_readable(Client& c) {
        const ssize_t n = ::recv(c.fd, buffer_, sizeof buffer_, 0);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return drop(c);
        if (n < 0) return;
        c.in.append(buffer_, static_cast<std::size_t>(n));
        const int fd = c.fd;
        const std::size_t used = c.upgraded ? parse_frames(c, 0) : upgrade(c);
        if (client(fd) != &c) return;  // dropped
        c.in.erase(0, used);
        if (c.in.empty() && c.in.capacity() > 4096) c.in.shrink_to_fit();
    }

    std::size_t upgrade(Client& c) {
        const auto end = c.in.find("\r\n\r\n");
        if (end == std::string::npos) {
            if (c.in.size() > 8192) drop(c);
            return 0;
        }
        const std::string_view request(c.in.data(), end + 2);
        const auto at = find_case_insensitive(request, "\r\nsec-websocket-key:");
        if (at == std::string_view::npos) {
            static constexpr std::string_view kBad =
                "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            ::send(c.fd, kBad.data(), kBad.size(), MSG_NOSIGNAL);
            drop(c);
            return 0;
        }
        std::string_view key = request.substr(at + 20);
        key = key.substr(0, key.find("\r\n"));
        while (!key.empty() && key.front() == ' ') key.remove_prefix(1);
        while (!key.empty() && key.back() == ' ') key.remove_suffix(1);
        c.out +=
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Accept: ";
        c.out += accept_key(key);
        c.out += "\r\n\r\n";
        sid_ = "floor";
        sid_ += std::to_string(c.number);
        sid_.resize(20, '0');
        scratch_ = "0{\"sid\":\"" + sid_ +
                   "\",\"upgrades\":[],\"pingInterval\":25000,\"pingTimeout\":20000,"
                   "\"maxPayload\":1000000}";
        append_frame(c.out, scratch_);
        c.upgraded = true;
        mark_dirty(c);
        return parse_frames(c, end + 4);
    }

    /// Handles the whole frames of c.in from `offset` on; returns where the first incomplete one
    /// starts (the bytes the caller may drop).
    std::size_t parse_frames(Client& c, std::size_t offset) {
        const int fd = c.fd;
        while (client(fd) == &c) {
            const std::size_t available = c.in.size() - offset;
            if (available < 6) break;
            auto* p = reinterpret_cast<unsigned char*>(c.in.data() + offset);
            const int opcode = p[0] & 0x0f;
            std::uint64_t length = p[1] & 0x7f;
            std::size_t header = 2;
            if (length == 126) {
                length = (std::uint64_t{p[2]} << 8) | p[3];
                header = 4;
            } else if (length == 127) {
                if (available < 14) break;
                length = 0;
                for (int i = 0; i < 8; ++i) length = (length << 8) | p[2 + i];
                header = 10;
            }
            if (!(p[1] & 0x80) || length > (1u << 20) || !(p[0] & 0x80)) {
                drop(c);  // unmasked, huge or fragmented: not what the load generator sends
                return 0;
            }
            if (available < header + 4 + length) break;
            const unsigned char* mask = p + header;
            char* data = c.in.data() + offset + header + 4;
            for (std::uint64_t i = 0; i < length; ++i) data[i] ^= mask[i & 3];
            offset += header + 4 + length;
            const std::string_view payload(data, length);
            if (opcode == 0x1 || opcode == 0x2) {
                on_message(c, payload);
            } else if (opcode == 0x8) {
                drop(c);
                return 0;
            } else if (opcode == 0x9) {
                c.out += static_cast<char>(0x8a);
                c.out += static_cast<char>(length);
                c.out.append(payload);
                mark_dirty(c);
            }
        }
        return offset;
    }

    void on_message(Client& c, std::string_view m) {
        if (m == "3") {
            c.awaiting_pong = false;
            return;
        }
        if (m.size() < 2 || m[0] != '4') {
            if (!m.empty() && m[0] == '1') drop(c);
            return;
        }
        switch (m[1]) {
            case '0':  // CONNECT to "/" (any auth ignored)
                if (c.connected_at == SIZE_MAX) {
                    c.connected_at = connected_.size();
                    connected_.push_back(&c);
                }
                scratch_ = "40{\"sid\":\"" + sid_for(c) + "\"}";
                append_frame(c.out, scratch_);
                mark_dirty(c);
                return;
            case '1':
                if (c.connected_at != SIZE_MAX) leave(c);
                return;
            case '2':
                return on_event(c, m.substr(2));
            default:
                return;
        }
    }

    std::string sid_for(const Client& c) {
        std::string sid = "floorsock" + std::to_string(c.number);
        sid.resize(20, '0');
        return sid;
    }

    void on_event(Client& c, std::string_view m) {
        // m: "<id>[\"name\",ARGS" (ARGS ends with the array's ']'); the id is optional.
        const std::size_t bracket = m.find('[');
        if (bracket == std::string_view::npos) return;
        const std::string_view id = m.substr(0, bracket);
        std::string_view rest = m.substr(bracket);
        static constexpr std::string_view kEcho = "[\"echo\"";
        static constexpr std::string_view kBroadcast = "[\"broadcast\"";
        if (rest.starts_with(kEcho)) {
            if (id.empty()) return;
            rest.remove_prefix(kEcho.size());  // ",ARGS]" or "]"
            if (!rest.empty() && rest[0] == ',') rest.remove_prefix(1);
            scratch_ = "43";
            scratch_ += id;
            scratch_ += '[';
            append_frame(c.out, scratch_, rest);
            mark_dirty(c);
        } else if (rest.starts_with(kBroadcast)) {
            rest.remove_prefix(kBroadcast.size());  // ",ARGS]"
            // One frame built once, copied into every client's output (sent at the end of the
            // loop turn, with whatever else each one is owed).
            frame_.clear();
            append_frame(frame_, "42[\"bcast\"", rest);
            for (Client* to : connected_) {
                to->out += frame_;
                mark_dirty(*to);
            }
            if (id.empty()) return;
            scratch_ = "43";
            scratch_ += id;
            scratch_ += "[]";
            append_frame(c.out, scratch_);
            mark_dirty(c);
        }
    }

    void ping_all() {
        std::vector<int> silent;
        for (const auto& c : clients_) {
            if (!c || !c->upgraded) continue;
            if (c->awaiting_pong) {
                silent.push_back(c->fd);
                continue;
            }
            append_frame(c->out, "2");
            c->awaiting_pong = true;
            mark_dirty(*c);
        }
        for (int fd : silent) {
            if (Client* c = client(fd)) drop(*c);
        }
    }

    int listener_;
    int epoll_ = -1;
    std::vector<std::unique_ptr<Client>> clients_;  // by fd
    std::vector<Client*> connected_;                // Socket.IO-connected: broadcast recipients
    std::vector<int> dirty_;
    std::uint64_t accepted_ = 0;
    std::string sid_, scratch_, frame_;
    char buffer_[256 * 1024];
};

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: sio_floor PORT [HOST]\n";
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    const int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(std::stoul(argv[1])));
    inet_pton(AF_INET, argc > 2 ? argv[2] : "127.0.0.1", &address.sin_addr);
    if (bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        listen(listener, 4096) != 0) {
        std::cerr << "sio_floor: " << std::strerror(errno) << "\n";
        return 1;
    }
    socklen_t size = sizeof address;
    getsockname(listener, reinterpret_cast<sockaddr*>(&address), &size);
    std::cout << "listening on " << ntohs(address.sin_port) << std::endl;
    auto server = std::make_unique<Server>(listener);
    server->run();
    return 0;
}
