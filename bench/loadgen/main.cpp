// sio_loadgen — the Socket.IO load generator of the benchmark suite (bench/README.md).
//
//   sio_loadgen --scenario echo|broadcast|connect --url ws://127.0.0.1:PORT[/socket.io/]
//               [--clients C] [--window W] [--seconds S] [--warmup S] [--hold S]
//               [--server-pid PID] [--server NAME] [--threads T] [--sources N]
//               [--connect-window N] [--first-source A] [--payload BYTES] [--timeout S]
//
// It speaks WebSocket (client frames masked, as RFC 6455 requires), Engine.IO v4 and Socket.IO v5
// itself, on epoll, with every packet built and matched as a string: no JSON library, no
// allocation per message, one send() per connection per loop turn. Scenarios:
//   echo       C clients each keep W emits of ["echo", <payload>] with an ack id in flight and
//              expect the ack [<payload>]; round trips per second and their latency.
//   broadcast  C clients; client 0 also emits ["broadcast", "<send time>:<seq>:…"] with an ack,
//              the next one when the ack is back; every client gets ["bcast", …]: deliveries per
//              second, delivery latency (from the embedded send time) and deliveries missing at
//              the end.
//   connect    C connections (TCP + WebSocket upgrade + Engine.IO open + Socket.IO CONNECT to /)
//              opened as fast as --connect-window allows, from 127.0.0.2… (--sources addresses,
//              so ephemeral ports last; --first-source another first one, so that a run does not
//              meet the TIME_WAIT sockets of the last one), then held --hold seconds and closed:
//              connects per second and the server's RSS per connection, right after connecting
//              and after the hold.
// With --server-pid the server's CPU seconds (all threads, /proc/PID/task/*/schedstat) are read
// at the start and the end of the measured window (after --warmup), so throughput per server
// CPU-second is reported. One JSON line goes to stdout; progress to stderr. Exit status 0 when
// the run made progress and had no error, 1 otherwise, 2 for bad arguments.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "histogram.hpp"
#include "proc_stats.hpp"

namespace sio_bench {
namespace {

using Clock = std::chrono::steady_clock;

std::uint64_t now_ns() {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
            .count());
}

enum class Scenario { echo, broadcast, connect };

struct Options {
    Scenario scenario = Scenario::echo;
    std::string scenario_name = "echo";
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    std::string path = "/socket.io/";
    std::string server_label = "unknown";
    int clients = 100;
    int window = 1;
    double seconds = 10;
    double warmup = 1;
    double hold = 0;
    double after_close = 2;  // connect: seconds after closing everything before the last RSS
    double timeout = 0;      // 0: derived from the other durations
    double drain = 5;        // how long to wait for acks and deliveries after the window
    pid_t server_pid = 0;
    int threads = 1;
    int sources = 32;
    int connect_window = 256;
    std::uint32_t first_source = 0x7f000002u;  // 127.0.0.2, host order
    std::size_t payload = 64;
    bool verbose = false;  // prints what every client did in the window to stderr
};

// The phase of a run: the coordinator (main thread) moves it forward, workers read it.
enum class Phase : int { connecting, warmup, measuring, draining, done };

// --- counters a worker publishes to the coordinator -------------------------------------------
struct alignas(64) WorkerCounters {
    std::atomic<std::uint64_t> ready{0};         // Socket.IO connected
    std::atomic<std::uint64_t> failed{0};        // connections that failed or were lost
    std::atomic<std::uint64_t> in_flight{0};     // echo: emits awaiting their ack
    std::atomic<std::uint64_t> delivered{0};     // broadcast: bcast packets received, whole run
    std::atomic<std::uint64_t> broadcasts{0};    // broadcast: sent by the sender, whole run
    std::atomic<std::uint64_t> sender_waits{0};  // broadcast: 1 while an ack is awaited
    std::atomic<std::uint64_t> pings{0};         // Engine.IO PINGs received (each answered)
};

/// Adds one to a counter only its worker writes (no locked read-modify-write on the hot path).
inline void bump(std::atomic<std::uint64_t>& counter, std::uint64_t by = 1) {
    counter.store(counter.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}

struct Results {
    std::uint64_t count = 0;  // round trips / deliveries / connects in the measured window
    std::uint64_t errors = 0;
    Histogram latency;
    std::string first_error;
};

enum class State { connecting, upgrading, awaiting_open, awaiting_connect, ready, closed };

struct Connection {
    int fd = -1;
    int index = 0;           // 0..clients-1 over all workers
    std::uint32_t slot = 0;  // in the worker's connection list; the epoll data
    State state = State::connecting;
    std::string in;  // received bytes not yet parsed start at in_offset
    std::size_t in_offset = 0;
    std::string out;  // bytes to send
    std::string fragments;
    bool dirty = false;           // in the worker's flush list
    bool writable_watch = false;  // EPOLLOUT registered
    std::uint64_t started_ns = 0;
    std::uint64_t counted = 0;  // round trips / deliveries of this client in the window

    // echo
    std::string expected_ack;  // ["<payload>"]
    std::string payload;
    std::uint64_t emits = 0;
    int in_flight = 0;
    struct Slot {
        std::uint64_t id = 0;
        std::uint64_t sent_ns = 0;
        bool busy = false;
    };
    std::vector<Slot> slots;
    std::vector<int> free_slots;
};

class Worker {
  public:
    Worker(const Options& options, int id, std::atomic<int>& phase, WorkerCounters& counters)
        : options_(options), phase_(phase), counters_(counters) {
        epoll_ = epoll_create1(EPOLL_CLOEXEC);
        for (int i = id; i < options.clients; i += options.threads) pending_.push_back(i);
        std::reverse(pending_.begin(), pending_.end());  // pop_back opens them in order
        request_ = "GET " + options.path +
                   "?EIO=4&transport=websocket HTTP/1.1\r\nHost: " + options.host + ":" +
                   std::to_string(options.port) +
                   "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                   "Sec-WebSocket-Version: 13\r\n\r\n";
        scratch_.reserve(256);
    }
    ~Worker() {
        close_all();
        close(epoll_);
    }

    /// What each client did in the window (after run() returned), to see whether the server
    /// serves its clients evenly.
    void collect_per_client(std::vector<std::uint64_t>& out) const {
        for (const auto& c : connections_) {
            if (c->state != State::ready) continue;
            out.push_back(c->counted);
            if (options_.verbose) {
                std::cerr << "client " << c->index << ": " << c->counted << "\n";
            }
        }
    }

    /// Closes every connection (after run() returned).
    void close_all() {
        for (auto& c : connections_) {
            if (c->fd >= 0) close(c->fd);
            c->fd = -1;
            c->state = State::closed;
        }
    }

    void run() {
        std::vector<epoll_event> events(1024);
        Phase seen = Phase::connecting;
        while (true) {
            const auto phase = static_cast<Phase>(phase_.load(std::memory_order_relaxed));
            if (phase == Phase::done) break;
            if (phase != seen) {
                on_phase(seen, phase);
                seen = phase;
            }
            open_connections();
            const int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), 2);
            for (int i = 0; i < n; ++i) {
                auto& c = *connections_[events[i].data.u32];
                if (c.state == State::closed) continue;
                if (events[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) on_writable(c);
                if (c.state != State::closed && (events[i].events & (EPOLLIN | EPOLLHUP))) {
                    on_readable(c);
                }
            }
            flush();
        }
    }

    Results& results() { return results_; }

  private:
    bool measuring() const {
        return phase_.load(std::memory_order_relaxed) == static_cast<int>(Phase::measuring);
    }
    bool sending() const {
        const int phase = phase_.load(std::memory_order_relaxed);
        return phase == static_cast<int>(Phase::warmup) ||
               phase == static_cast<int>(Phase::measuring);
    }

    void error(Connection& c, std::string_view what) {
        ++results_.errors;
        if (results_.first_error.empty()) {
            results_.first_error = "client " + std::to_string(c.index) + ": " + std::string(what);
        }
        if (c.state != State::closed) {
            if (c.state != State::ready) --handshaking_;
            bump(counters_.failed);
            if (c.state == State::ready) {
                counters_.ready.fetch_sub(1, std::memory_order_relaxed);
            }
            if (c.in_flight > 0) counters_.in_flight.fetch_sub(c.in_flight);
            c.in_flight = 0;
            c.state = State::closed;
            close(c.fd);
            c.fd = -1;
            c.out.clear();
        }
    }

    // --- connecting -----------------------------------------------------------------------
    void open_connections() {
        while (!pending_.empty() &&
               handshaking_ < std::max(1, options_.connect_window / options_.threads)) {
            const int index = pending_.back();
            pending_.pop_back();
            open_connection(index);
        }
    }

    void open_connection(int index) {
        auto c = std::make_unique<Connection>();
        c->index = index;
        c->slot = static_cast<std::uint32_t>(connections_.size());
        c->started_ns = now_ns();
        connections_.push_back(std::move(c));
        Connection& conn = *connections_.back();
        ++handshaking_;  // until it is ready or failed (error())
        conn.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (conn.fd < 0) return error(conn, std::string("socket: ") + std::strerror(errno));
        const int one = 1;
        setsockopt(conn.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        sockaddr_in server{};
        server.sin_family = AF_INET;
        server.sin_port = htons(options_.port);
        inet_pton(AF_INET, options_.host.c_str(), &server.sin_addr);
        // Several source addresses on the loopback so that C connections to one port do not run
        // out of ephemeral ports (or trip over TIME_WAIT left by the previous run); the port is
        // picked at connect() time (IP_BIND_ADDRESS_NO_PORT), per 4-tuple.
        if (options_.sources > 1 && options_.host.rfind("127.", 0) == 0) {
            sockaddr_in local{};
            local.sin_family = AF_INET;
            local.sin_addr.s_addr =
                htonl(options_.first_source + static_cast<std::uint32_t>(index % options_.sources));
            setsockopt(conn.fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
            if (bind(conn.fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
                return error(conn, std::string("bind: ") + std::strerror(errno));
            }
        }
        if (connect(conn.fd, reinterpret_cast<sockaddr*>(&server), sizeof server) != 0 &&
            errno != EINPROGRESS) {
            return error(conn, std::string("connect: ") + std::strerror(errno));
        }
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLOUT;
        ev.data.u32 = conn.slot;
        conn.writable_watch = true;
        epoll_ctl(epoll_, EPOLL_CTL_ADD, conn.fd, &ev);
    }

    void on_writable(Connection& c) {
        if (c.state == State::connecting) {
            int err = 0;
            socklen_t len = sizeof err;
            getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
            if (err != 0) {
                return error(c, std::string("connect: ") + std::strerror(err));
            }
            c.state = State::upgrading;
            c.out += request_;
        }
        send_out(c);
    }

    void watch_writable(Connection& c, bool on) {
        if (c.writable_watch == on) return;
        c.writable_watch = on;
        epoll_event ev{};
        ev.events = EPOLLIN | (on ? EPOLLOUT : 0u);
        ev.data.u32 = c.slot;
        epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &ev);
    }

    void mark_dirty(Connection& c) {
        if (!c.dirty) {
            c.dirty = true;
            dirty_.push_back(&c);
        }
    }

    void flush() {
        for (Connection* c : dirty_) {
            c->dirty = false;
            if (c->state != State::closed) send_out(*c);
        }
        dirty_.clear();
    }

    void send_out(Connection& c) {
        while (!c.out.empty()) {
            const ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
            if (n > 0) {
                c.out.erase(0, static_cast<std::size_t>(n));
                continue;
            }
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                watch_writable(c, true);
                return;
            }
            if (n < 0 && errno == EINTR) continue;
            return error(c, std::string("send: ") + std::strerror(errno));
        }
        watch_writable(c, false);
    }

    // --- reading ----------------------------------------------------------------------------
    void on_readable(Connection& c) {
        // Read into the worker's buffer and keep per connection only what is not parsed yet, so
        // 10,000 idle connections do not each hold a 64 KiB buffer.
        const ssize_t n = ::recv(c.fd, read_buffer_.data(), read_buffer_.size(), 0);
        if (n <= 0) {
            if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
            if (static_cast<Phase>(phase_.load()) >= Phase::done) return;
            return error(c, n == 0 ? "closed by the server" : std::strerror(errno));
        }
        c.in.append(read_buffer_.data(), static_cast<std::size_t>(n));
        if (c.state == State::upgrading) {
            const auto end = c.in.find("\r\n\r\n");
            if (end == std::string::npos) return;
            if (c.in.compare(0, 12, "HTTP/1.1 101") != 0) {
                return error(c, "upgrade refused: " + c.in.substr(0, c.in.find("\r\n")));
            }
            c.in_offset = end + 4;
            c.state = State::awaiting_open;
        }
        parse_frames(c);
        if (c.state == State::closed) return;
        if (c.in_offset == c.in.size()) {
            c.in.clear();
            c.in_offset = 0;
        } else if (c.in_offset > 0) {
            c.in.erase(0, c.in_offset);
            c.in_offset = 0;
        }
    }

    void parse_frames(Connection& c) {
        while (c.state != State::closed) {
            const std::size_t available = c.in.size() - c.in_offset;
            if (available < 2) return;
            auto* p = reinterpret_cast<unsigned char*>(c.in.data() + c.in_offset);
            const bool fin = p[0] & 0x80;
            const int opcode = p[0] & 0x0f;
            const bool masked = p[1] & 0x80;
            std::uint64_t length = p[1] & 0x7f;
            std::size_t header = 2;
            if (length == 126) {
                if (available < 4) return;
                length = (std::uint64_t{p[2]} << 8) | p[3];
                header = 4;
            } else if (length == 127) {
                if (available < 10) return;
                length = 0;
                for (int i = 0; i < 8; ++i) length = (length << 8) | p[2 + i];
                header = 10;
            }
            const std::size_t mask_at = header;
            if (masked) header += 4;
            if (available < header + length) return;
            char* data = c.in.data() + c.in_offset + header;
            if (masked) {
                for (std::uint64_t i = 0; i < length; ++i) data[i] ^= p[mask_at + i % 4];
            }
            c.in_offset += header + length;
            const std::string_view payload(data, length);
            switch (opcode) {
                case 0x0:  // continuation
                    c.fragments.append(payload);
                    if (fin) {
                        on_message(c, c.fragments);
                        c.fragments.clear();
                    }
                    break;
                case 0x1:
                case 0x2:
                    if (fin) {
                        on_message(c, payload);
                    } else {
                        c.fragments.assign(payload);
                    }
                    break;
                case 0x8:
                    if (static_cast<Phase>(phase_.load()) < Phase::done) {
                        return error(c, "WebSocket close from the server");
                    }
                    return;
                case 0x9:
                    write_frame(c, 0xA, payload);
                    break;
                default:
                    break;  // pong
            }
        }
    }

    void write_frame(Connection& c, int opcode, std::string_view payload) {
        unsigned char header[14];
        std::size_t size = 0;
        header[size++] = static_cast<unsigned char>(0x80 | opcode);
        if (payload.size() < 126) {
            header[size++] = static_cast<unsigned char>(0x80 | payload.size());
        } else if (payload.size() < 65536) {
            header[size++] = 0x80 | 126;
            header[size++] = static_cast<unsigned char>(payload.size() >> 8);
            header[size++] = static_cast<unsigned char>(payload.size());
        } else {
            header[size++] = 0x80 | 127;
            for (int i = 7; i >= 0; --i) {
                header[size++] = static_cast<unsigned char>(payload.size() >> (8 * i));
            }
        }
        // A fixed masking key: the server unmasks whatever it is, and we are not a browser that
        // must keep scripts from steering the bytes on the wire.
        static constexpr unsigned char kMask[4] = {0x5a, 0x3c, 0x96, 0xe1};
        std::memcpy(header + size, kMask, 4);
        size += 4;
        c.out.append(reinterpret_cast<const char*>(header), size);
        const std::size_t at = c.out.size();
        c.out.append(payload);
        char* data = c.out.data() + at;
        for (std::size_t i = 0; i < payload.size(); ++i) data[i] ^= kMask[i % 4];
        mark_dirty(c);
    }

    // --- Engine.IO and Socket.IO ----------------------------------------------------------------
    void on_message(Connection& c, std::string_view message) {
        if (message.empty()) return error(c, "empty Engine.IO packet");
        switch (message[0]) {
            case '0':  // open
                if (c.state != State::awaiting_open) return error(c, "unexpected open packet");
                c.state = State::awaiting_connect;
                write_frame(c, 0x1, "40");
                return;
            case '2':  // ping
                write_frame(c, 0x1, "3");
                bump(counters_.pings);
                return;
            case '4':
                return on_socketio(c, message.substr(1));
            case '6':  // noop
                return;
            case '1':
                return error(c, "Engine.IO close from the server");
            default:
                return error(c,
                             "unexpected Engine.IO packet " + std::string(message.substr(0, 40)));
        }
    }

    void on_socketio(Connection& c, std::string_view packet) {
        if (packet.empty()) return error(c, "empty Socket.IO packet");
        switch (packet[0]) {
            case '0':
                if (c.state != State::awaiting_connect) return error(c, "unexpected CONNECT");
                return on_connected(c);
            case '3':
                return on_ack(c, packet.substr(1));
            case '2':
                return on_event(c, packet.substr(1));
            case '4':
                return error(c, "CONNECT_ERROR " + std::string(packet.substr(0, 80)));
            case '1':
                return error(c, "DISCONNECT from the server");
            default:
                return error(c, "unexpected Socket.IO packet " + std::string(packet.substr(0, 40)));
        }
    }

    void on_connected(Connection& c) {
        c.state = State::ready;
        --handshaking_;
        const std::uint64_t elapsed = now_ns() - c.started_ns;
        if (options_.scenario == Scenario::connect) {
            results_.latency.record(elapsed);
            ++results_.count;
        }
        if (options_.scenario == Scenario::echo) {
            // A 64-byte (--payload) string unique to the client, so an ack that carries another
            // client's payload is caught.
            c.payload = "client-" + std::to_string(c.index) + "-";
            c.payload.resize(std::max(options_.payload, c.payload.size()), 'x');
            c.expected_ack = "[\"" + c.payload + "\"]";
            c.slots.resize(static_cast<std::size_t>(options_.window));
            for (int i = options_.window - 1; i >= 0; --i) c.free_slots.push_back(i);
            if (sending()) fill_window(c);
        }
        counters_.ready.fetch_add(1, std::memory_order_relaxed);
    }

    void on_phase(Phase from, Phase to) {
        if (from == Phase::connecting && (to == Phase::warmup || to == Phase::measuring)) {
            for (auto& c : connections_) {
                if (c->state != State::ready) continue;
                if (options_.scenario == Scenario::echo) fill_window(*c);
                if (options_.scenario == Scenario::broadcast && c->index == 0) send_broadcast(*c);
            }
        }
    }

    // echo: emits until W are in flight.
    void fill_window(Connection& c) {
        while (!c.free_slots.empty()) {
            const int slot = c.free_slots.back();
            c.free_slots.pop_back();
            auto& s = c.slots[static_cast<std::size_t>(slot)];
            s.id = c.emits++ * static_cast<std::uint64_t>(options_.window) +
                   static_cast<std::uint64_t>(slot);
            s.busy = true;
            scratch_.assign("42");
            append_number(scratch_, s.id);
            scratch_ += "[\"echo\",\"";
            scratch_ += c.payload;
            scratch_ += "\"]";
            s.sent_ns = now_ns();
            write_frame(c, 0x1, scratch_);
            ++c.in_flight;
            bump(counters_.in_flight);
        }
    }

    void send_broadcast(Connection& c) {
        const std::uint64_t seq = counters_.broadcasts.load(std::memory_order_relaxed);
        scratch_.assign("42");
        append_number(scratch_, seq);  // the ack id is the sequence number
        scratch_ += "[\"broadcast\",\"";
        const std::size_t text_at = scratch_.size();
        append_number(scratch_, now_ns());
        scratch_ += ':';
        append_number(scratch_, seq);
        scratch_ += ':';
        const std::size_t text = scratch_.size() - text_at;
        if (text < options_.payload) scratch_.append(options_.payload - text, 'x');
        scratch_ += "\"]";
        write_frame(c, 0x1, scratch_);
        bump(counters_.broadcasts);
        counters_.sender_waits.store(1, std::memory_order_relaxed);
    }

    static void append_number(std::string& out, std::uint64_t value) {
        char digits[24];
        const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
        out.append(digits, end);
    }

    static std::optional<std::uint64_t> leading_number(std::string_view& text) {
        std::uint64_t value = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec != std::errc{} || end == text.data()) return std::nullopt;
        text.remove_prefix(static_cast<std::size_t>(end - text.data()));
        return value;
    }

    void on_ack(Connection& c, std::string_view packet) {
        const auto id = leading_number(packet);
        if (!id) return error(c, "ACK without id");
        if (options_.scenario == Scenario::broadcast) {
            if (c.index != 0) return error(c, "ACK to a client that did not emit");
            if (packet != "[]") return error(c, "broadcast ACK is not []: " + std::string(packet));
            counters_.sender_waits.store(0, std::memory_order_relaxed);
            if (sending()) send_broadcast(c);
            return;
        }
        if (options_.scenario != Scenario::echo) return error(c, "unexpected ACK");
        const auto slot =
            static_cast<std::size_t>(*id % static_cast<std::uint64_t>(options_.window));
        auto& s = c.slots[slot];
        if (!s.busy || s.id != *id) return error(c, "ACK with an unknown id");
        if (packet != c.expected_ack) {
            return error(c, "echo ACK differs: " + std::string(packet.substr(0, 100)));
        }
        if (measuring()) {
            results_.latency.record(now_ns() - s.sent_ns);
            ++results_.count;
            ++c.counted;
        }
        s.busy = false;
        c.free_slots.push_back(static_cast<int>(slot));
        --c.in_flight;
        counters_.in_flight.fetch_sub(1, std::memory_order_relaxed);
        if (sending()) fill_window(c);
    }

    void on_event(Connection& c, std::string_view packet) {
        static constexpr std::string_view kPrefix = "[\"bcast\",\"";
        if (options_.scenario != Scenario::broadcast ||
            packet.substr(0, kPrefix.size()) != kPrefix) {
            return error(c, "unexpected event " + std::string(packet.substr(0, 80)));
        }
        packet.remove_prefix(kPrefix.size());
        const auto sent = leading_number(packet);
        if (!sent) return error(c, "bcast without a send time");
        const std::uint64_t now = now_ns();
        if (measuring()) {
            results_.latency.record(now - *sent);
            ++results_.count;
            ++c.counted;
        }
        bump(counters_.delivered);
    }

    const Options& options_;
    std::atomic<int>& phase_;
    WorkerCounters& counters_;
    int epoll_ = -1;
    std::vector<int> pending_;  // client indices still to connect, last one first
    int handshaking_ = 0;
    std::vector<std::unique_ptr<Connection>> connections_;
    std::vector<Connection*> dirty_;
    std::string request_;
    std::string scratch_;
    std::vector<char> read_buffer_ = std::vector<char>(256 * 1024);
    Results results_;
};

// --- the coordinator
// ------------------------------------------------------------------------------

struct Snapshot {
    Clock::time_point time;
    double server_cpu = -1;
    double own_cpu = 0;
};

class Run {
  public:
    explicit Run(const Options& options) : options_(options), counters_(options.threads) {}

    int execute() {
        Snapshot before_connect = snapshot();
        const long rss_before = options_.server_pid ? process_rss_kb(options_.server_pid) : -1;
        const long anon_before = options_.server_pid ? process_anon_kb(options_.server_pid) : -1;
        for (int i = 0; i < options_.threads; ++i) {
            workers_.push_back(std::make_unique<Worker>(options_, i, phase_, counters_[i]));
        }
        for (auto& w : workers_) threads_.emplace_back([&w] { w->run(); });

        const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                 std::chrono::duration<double>(timeout()));
        bool timed_out = !wait_until(deadline, [&] { return ready() + failed() >= clients(); });
        Snapshot connected = snapshot();
        const long rss_connected = options_.server_pid ? process_rss_kb(options_.server_pid) : -1;
        std::cerr << "sio_loadgen: " << ready() << " of " << clients() << " connected in "
                  << seconds(before_connect, connected) << " s\n";

        Snapshot start = before_connect, end = connected;
        long rss_held = -1, anon_held = -1, rss_closed = -1, rss_end = rss_connected;
        bool progress = ready() > 0;
        if (options_.scenario == Scenario::connect) {
            // The hold: clients stay connected, answering pings; then RSS is what idle costs.
            if (!timed_out) sleep_for(options_.hold);
            rss_held = options_.server_pid ? process_rss_kb(options_.server_pid) : -1;
            anon_held = options_.server_pid ? process_anon_kb(options_.server_pid) : -1;
            set_phase(Phase::done);
        } else if (!timed_out && ready() > 0) {
            set_phase(Phase::warmup);
            sleep_for(options_.warmup);
            start = snapshot();
            set_phase(Phase::measuring);
            sleep_for(options_.seconds);
            end = snapshot();
            rss_end = options_.server_pid ? process_rss_kb(options_.server_pid) : -1;
            set_phase(Phase::draining);
            const auto drain_deadline =
                Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(options_.drain));
            wait_until(drain_deadline, [&] { return drained(); });
            set_phase(Phase::done);
        } else {
            set_phase(Phase::done);
        }
        for (auto& t : threads_) t.join();
        std::vector<std::uint64_t> per_client;
        for (auto& w : workers_) w->collect_per_client(per_client);
        std::sort(per_client.begin(), per_client.end());
        auto per_client_at = [&](double q) -> unsigned long long {
            if (per_client.empty()) return 0;
            return per_client[static_cast<std::size_t>(q *
                                                       static_cast<double>(per_client.size() - 1))];
        };
        if (options_.scenario == Scenario::connect && options_.server_pid) {
            for (auto& w : workers_) w->close_all();
            sleep_for(options_.after_close);
            rss_closed = process_rss_kb(options_.server_pid);
        }

        Results total;
        for (auto& w : workers_) {
            total.count += w->results().count;
            total.errors += w->results().errors;
            total.latency.merge(w->results().latency);
            if (total.first_error.empty()) total.first_error = w->results().first_error;
        }
        if (timed_out) {
            ++total.errors;
            if (total.first_error.empty()) total.first_error = "timed out while connecting";
        }
        std::uint64_t missing = 0;
        if (options_.scenario == Scenario::echo) missing = in_flight();
        if (options_.scenario == Scenario::broadcast) {
            const std::uint64_t expected = broadcasts() * static_cast<std::uint64_t>(ready());
            missing = expected > delivered() ? expected - delivered() : 0;
        }
        if (options_.scenario == Scenario::connect) {
            missing = static_cast<std::uint64_t>(clients()) - ready_at_end_;
        }
        progress = progress && total.count > 0;

        const double wall = seconds(start, end);
        const double server_cpu =
            end.server_cpu >= 0 && start.server_cpu >= 0 ? end.server_cpu - start.server_cpu : -1;
        const double throughput = wall > 0 ? static_cast<double>(total.count) / wall : 0;
        const double per_cpu = server_cpu > 0 ? static_cast<double>(total.count) / server_cpu : -1;
        const double n = static_cast<double>(std::max(1, clients()));
        auto kb_per_client = [&](long after, long before) {
            return after >= 0 && before >= 0 ? static_cast<double>(after - before) / n : -1.0;
        };
        auto ms = [](std::uint64_t ns) { return static_cast<double>(ns) / 1e6; };
        const char* unit = options_.scenario == Scenario::echo        ? "round_trips"
                           : options_.scenario == Scenario::broadcast ? "deliveries"
                                                                      : "connects";
        std::string error_text;
        for (char ch : total.first_error) {
            if (ch == '"' || ch == '\\') error_text += '\\';
            error_text += (static_cast<unsigned char>(ch) < 0x20) ? ' ' : ch;
        }
        std::printf(
            "{\"scenario\":\"%s\",\"server\":\"%s\",\"clients\":%d,\"window\":%d,"
            "\"payload_bytes\":%zu,\"threads\":%d,\"seconds\":%.3f,\"unit\":\"%s\",\"count\":%llu,"
            "\"throughput\":%.1f,\"per_server_cpu_s\":%.1f,"
            "\"latency_ms\":{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"max\":%.3f},"
            "\"server_cpu_s\":%.3f,\"loadgen_cpu_s\":%.3f,\"server_rss_kb\":%ld,"
            "\"server_rss_before_kb\":%ld,\"rss_per_client_kb\":%.2f,"
            "\"idle_rss_per_client_kb\":%.2f,\"idle_anon_per_client_kb\":%.2f,"
            "\"rss_after_close_kb\":%ld,"
            "\"per_client\":{\"min\":%llu,\"median\":%llu,\"max\":%llu},"
            "\"connected\":%llu,\"pings\":%llu,\"errors\":%llu,\"missing\":%llu,\"first_error\":\"%"
            "s\"}\n",
            options_.scenario_name.c_str(), options_.server_label.c_str(), clients(),
            options_.window, options_.payload, options_.threads, wall, unit,
            static_cast<unsigned long long>(total.count), throughput, per_cpu,
            ms(total.latency.quantile(0.5)), ms(total.latency.quantile(0.9)),
            ms(total.latency.quantile(0.99)), ms(total.latency.max()), server_cpu,
            end.own_cpu - start.own_cpu, rss_held >= 0 ? rss_held : rss_end, rss_before,
            kb_per_client(rss_connected, rss_before), kb_per_client(rss_held, rss_before),
            kb_per_client(anon_held, anon_before), rss_closed, per_client_at(0), per_client_at(0.5),
            per_client_at(1), static_cast<unsigned long long>(ready_at_end_),
            static_cast<unsigned long long>(pings()), static_cast<unsigned long long>(total.errors),
            static_cast<unsigned long long>(missing), error_text.c_str());
        std::fflush(stdout);
        if (!total.first_error.empty()) std::cerr << "sio_loadgen: " << total.first_error << "\n";
        return progress && total.errors == 0 && missing == 0 ? 0 : 1;
    }

  private:
    double timeout() const {
        if (options_.timeout > 0) return options_.timeout;
        return 60 + options_.clients / 200.0;  // connecting: generous even for slow servers
    }
    int clients() const { return options_.clients; }
    template <class F>
    std::uint64_t sum(F field) const {
        std::uint64_t total = 0;
        for (const auto& c : counters_) total += (c.*field).load(std::memory_order_relaxed);
        return total;
    }
    int ready() const { return static_cast<int>(sum(&WorkerCounters::ready)); }
    int failed() const { return static_cast<int>(sum(&WorkerCounters::failed)); }
    std::uint64_t in_flight() const { return sum(&WorkerCounters::in_flight); }
    std::uint64_t delivered() const { return sum(&WorkerCounters::delivered); }
    std::uint64_t broadcasts() const { return sum(&WorkerCounters::broadcasts); }
    std::uint64_t pings() const { return sum(&WorkerCounters::pings); }
    bool drained() const {
        if (options_.scenario == Scenario::echo) return in_flight() == 0;
        return sum(&WorkerCounters::sender_waits) == 0 &&
               delivered() >= broadcasts() * static_cast<std::uint64_t>(ready());
    }

    void set_phase(Phase phase) {
        if (phase == Phase::done) ready_at_end_ = static_cast<std::uint64_t>(ready());
        phase_.store(static_cast<int>(phase));
    }

    Snapshot snapshot() const {
        Snapshot s;
        s.time = Clock::now();
        if (options_.server_pid) s.server_cpu = process_cpu_seconds(options_.server_pid);
        s.own_cpu = own_cpu_seconds();
        return s;
    }
    static double seconds(const Snapshot& a, const Snapshot& b) {
        return std::chrono::duration<double>(b.time - a.time).count();
    }
    static void sleep_for(double s) {
        std::this_thread::sleep_for(std::chrono::duration<double>(s));
    }
    template <class F>
    static bool wait_until(Clock::time_point deadline, F done) {
        while (!done()) {
            if (Clock::now() >= deadline) return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        return true;
    }

    const Options& options_;
    std::atomic<int> phase_{static_cast<int>(Phase::connecting)};
    std::vector<WorkerCounters> counters_;
    std::vector<std::unique_ptr<Worker>> workers_;
    std::vector<std::thread> threads_;
    std::uint64_t ready_at_end_ = 0;
};

void usage() {
    std::cerr
        << "usage: sio_loadgen --scenario echo|broadcast|connect --url ws://HOST:PORT[/PATH/]\n"
           "       [--clients C] [--window W] [--seconds S] [--warmup S] [--hold S]\n"
           "       [--server-pid PID] [--server NAME] [--threads T] [--sources N] [--after-close "
           "S]\n"
           "       [--connect-window N] [--first-source A] [--payload BYTES] [--drain S] "
           "[--timeout S]\n"
           "       [--verbose 1]   (what each client did, on stderr)\n";
}

bool parse_url(std::string_view url, Options& options) {
    if (url.rfind("ws://", 0) != 0) return false;
    url.remove_prefix(5);
    const auto slash = url.find('/');
    const std::string_view authority = url.substr(0, slash);
    if (slash != std::string_view::npos && url.size() > slash + 1) {
        options.path = std::string(url.substr(slash));
        if (options.path.back() != '/') options.path += '/';
    }
    const auto colon = authority.rfind(':');
    if (colon == std::string_view::npos) return false;
    options.host = std::string(authority.substr(0, colon));
    if (options.host == "localhost") options.host = "127.0.0.1";
    unsigned port = 0;
    const auto digits = authority.substr(colon + 1);
    if (std::from_chars(digits.data(), digits.data() + digits.size(), port).ec != std::errc{} ||
        port == 0 || port > 65535) {
        return false;
    }
    options.port = static_cast<std::uint16_t>(port);
    in_addr probe{};
    return inet_pton(AF_INET, options.host.c_str(), &probe) == 1;  // IPv4 literals only
}

}  // namespace
}  // namespace sio_bench

int main(int argc, char** argv) {
    using namespace sio_bench;
    Options options;
    bool have_url = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view flag = argv[i];
        if (i + 1 >= argc) {
            usage();
            return 2;
        }
        const std::string value = argv[++i];
        try {
            if (flag == "--scenario") {
                options.scenario_name = value;
                if (value == "echo") {
                    options.scenario = Scenario::echo;
                } else if (value == "broadcast") {
                    options.scenario = Scenario::broadcast;
                } else if (value == "connect") {
                    options.scenario = Scenario::connect;
                } else {
                    throw std::invalid_argument(value);
                }
            } else if (flag == "--url") {
                have_url = parse_url(value, options);
                if (!have_url) throw std::invalid_argument(value);
            } else if (flag == "--clients") {
                options.clients = std::stoi(value);
            } else if (flag == "--window") {
                options.window = std::stoi(value);
            } else if (flag == "--seconds") {
                options.seconds = std::stod(value);
            } else if (flag == "--warmup") {
                options.warmup = std::stod(value);
            } else if (flag == "--hold") {
                options.hold = std::stod(value);
            } else if (flag == "--drain") {
                options.drain = std::stod(value);
            } else if (flag == "--timeout") {
                options.timeout = std::stod(value);
            } else if (flag == "--server-pid") {
                options.server_pid = static_cast<pid_t>(std::stol(value));
            } else if (flag == "--server") {
                options.server_label = value;
            } else if (flag == "--threads") {
                options.threads = std::stoi(value);
            } else if (flag == "--after-close") {
                options.after_close = std::stod(value);
            } else if (flag == "--sources") {
                options.sources = std::stoi(value);
            } else if (flag == "--first-source") {
                in_addr address{};
                if (inet_pton(AF_INET, value.c_str(), &address) != 1 ||
                    (ntohl(address.s_addr) >> 24) != 127) {
                    throw std::invalid_argument("not a loopback address");
                }
                options.first_source = ntohl(address.s_addr);
            } else if (flag == "--connect-window") {
                options.connect_window = std::stoi(value);
            } else if (flag == "--verbose") {
                options.verbose = value == "1" || value == "true";
            } else if (flag == "--payload") {
                options.payload = std::stoul(value);
            } else {
                usage();
                return 2;
            }
        } catch (const std::exception&) {
            std::cerr << "sio_loadgen: invalid value for " << flag << ": " << value << "\n";
            return 2;
        }
    }
    if (!have_url || options.clients < 1 || options.window < 1 || options.threads < 1 ||
        options.threads > options.clients || options.sources < 1 || options.connect_window < 1) {
        usage();
        return 2;
    }
    return Run(options).execute();
}
