// InMemoryAdapter: one room index per event loop; broadcasts encoded once, one task per loop.

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "socketio/adapter.hpp"
#include "socketio/error.hpp"

#include "common/keyed_set.hpp"
#include "common/rate_limited_log.hpp"
#include "namespace_impl.hpp"
#include "socket_impl.hpp"

namespace socketio {

namespace {

/// A Shard::sids key in 16 bytes: a sid of up to 15 characters inline (ours have 15), with its
/// length in the last byte; a longer id (another server's: Node's have 20) on the heap. 16 bytes
/// rather than a std::string's 32 keep a node of Shard::sids in an 80-byte block, not 96.
/// Built in place in its node, never copied or moved.
class SidKey {
  public:
    explicit SidKey(std::string_view sid) {
        if (sid.size() <= kInline) {
            std::memcpy(bytes_, sid.data(), sid.size());
            bytes_[kInline] = static_cast<char>(sid.size());
            return;
        }
        if (sid.size() > UINT32_MAX) throw std::length_error("socketio: sid too long");
        char* heap = new char[sid.size()];
        std::memcpy(heap, sid.data(), sid.size());
        const auto size = static_cast<std::uint32_t>(sid.size());
        std::memcpy(bytes_, &heap, sizeof heap);
        std::memcpy(bytes_ + sizeof heap, &size, sizeof size);
        bytes_[kInline] = kOnHeap;
    }
    ~SidKey() {
        if (on_heap()) delete[] heap();
    }
    SidKey(const SidKey&) = delete;
    SidKey& operator=(const SidKey&) = delete;

    std::string_view view() const noexcept {
        if (!on_heap()) return {bytes_, static_cast<std::size_t>(bytes_[kInline])};
        std::uint32_t size;
        std::memcpy(&size, bytes_ + sizeof(char*), sizeof size);
        return {heap(), size};
    }

  private:
    static constexpr std::size_t kInline = 15;
    static constexpr char kOnHeap = static_cast<char>(0x7f);
    bool on_heap() const noexcept { return bytes_[kInline] == kOnHeap; }
    char* heap() const noexcept {
        char* p;
        std::memcpy(&p, bytes_, sizeof p);
        return p;
    }
    alignas(8) char bytes_[kInline + 1];
};
static_assert(sizeof(SidKey) == 16);

/// Shard::sids' key, searchable by any string (a room may name a sid). The hash is not stored in
/// the node: a key hashes without a pointer to follow.
struct SidOf {
    std::string_view operator()(std::string_view sid) const noexcept { return sid; }
    std::string_view operator()(const SidKey& key) const noexcept { return key.view(); }
};

/// One local socket in its loop's shard.
struct Member {
    // What a broadcast reads comes first, in the cache line the map's node starts with.

    /// The socket itself when the host is the server's namespace (see Shard::add): a broadcast
    /// then reaches it without looking its sid up. Weak: a socket holds its namespace, which holds
    /// this adapter. Empty with another host, which is then sent to by sid.
    std::weak_ptr<detail::SocketImpl> socket;
    /// Shard::match's marks (under the shard's mutex): excluded, or already matched.
    mutable std::uint64_t mark = 0;
    bool has_socket = false;
    /// In its personal room (the room named by its sid), which it joins on connect and may leave.
    /// A flag rather than an entry in `rooms` and in Shard::rooms: every socket has that room, and
    /// two hash entries per socket were a third of an idle connection's memory in the index.
    bool in_own_room = false;
    std::uint32_t index = 0;  // in Shard::members (beside the flags: a node of 72 bytes)
    const SidKey* sid_key{};  // the key of this member's node in Shard::sids (stable)
    /// The rooms joined, the personal room aside; allocated by the first one: most sockets join
    /// none, and an empty set inline cost 56 bytes a socket.
    std::unique_ptr<std::unordered_set<std::string>> rooms;

    std::string_view sid() const noexcept { return sid_key->view(); }
    /// Calls `f(room)` for every room of this member, the personal room first.
    template <class F>
    void for_each_room(F f) const {
        if (in_own_room) f(sid());
        if (rooms) {
            for (const auto& room : *rooms) f(std::string_view(room));
        }
    }
    std::vector<std::string> room_list() const {
        std::vector<std::string> list;
        list.reserve((rooms ? rooms->size() : 0) + 1);
        for_each_room([&](std::string_view room) { list.emplace_back(room); });
        std::sort(list.begin(), list.end());
        return list;
    }
};

/// What a broadcast reaches on one loop: the sockets it holds directly, and the sids of those it
/// does not (a host other than the server's namespace).
struct Recipients {
    std::vector<std::shared_ptr<detail::SocketImpl>> sockets;
    std::vector<std::string> sids;
};

/// A vector reused per thread for the recipients of one loop. Taken while in use: a send can run
/// user code that broadcasts again on this thread, which then gets a fresh one.
class RecipientsScratch {
  public:
    RecipientsScratch() : recipients_(std::move(spare())) {}
    ~RecipientsScratch() {
        recipients_.sockets.clear();
        recipients_.sids.clear();
        if (recipients_.sockets.capacity() >= spare().sockets.capacity()) {
            spare() = std::move(recipients_);
        }
    }
    RecipientsScratch(const RecipientsScratch&) = delete;
    RecipientsScratch& operator=(const RecipientsScratch&) = delete;
    Recipients& get() noexcept { return recipients_; }

  private:
    static Recipients& spare() {
        thread_local Recipients recipients;
        return recipients;
    }
    Recipients recipients_;
};

/// The room index of one loop's sockets. Written on that loop; the mutex lets other threads query.
struct Shard {
    mutable std::mutex mutex;
    // Node-based: a Member never moves.
    std::unordered_map<SidKey, Member, sio::detail::KeyHash<SidOf>, sio::detail::KeyEqual<SidOf>>
        sids;
    /// The members of each room joined explicitly; a personal room is Member::in_own_room.
    std::unordered_map<std::string, std::unordered_set<const Member*>> rooms;
    std::vector<Member*> members;  // every member, for a broadcast to the whole namespace
    mutable std::uint64_t generation = 0;
    std::size_t loop = 0;
    detail::NamespaceImpl* sockets_host = nullptr;  // the host, when it is the server's namespace

    /// Calls `f(member)` for each member `options` addresses (caller holds the mutex).
    template <class F>
    void for_each_match(const BroadcastOptions& options, F f) const {
        // Marks instead of lookups per recipient: the excluded members get `excluded`, and with
        // several rooms each member matched gets `matched`, so it is matched once.
        generation += 2;
        const std::uint64_t excluded = generation;
        const std::uint64_t matched = generation + 1;
        for (const auto& room : options.except) {
            if (auto it = rooms.find(room); it != rooms.end()) {
                for (const Member* member : it->second) member->mark = excluded;
            }
            // A sid excludes its socket even after it left its own room.
            if (auto it = sids.find(room); it != sids.end()) it->second.mark = excluded;
        }
        if (options.rooms.empty()) {
            for (const Member* member : members) {
                if (member->mark != excluded) f(*member);
            }
            return;
        }
        const bool several = options.rooms.size() > 1;
        auto visit = [&](const Member& member) {
            if (member.mark == excluded || (several && member.mark == matched)) return;
            if (several) member.mark = matched;
            f(member);
        };
        for (const auto& room : options.rooms) {
            if (auto it = sids.find(room); it != sids.end() && it->second.in_own_room) {
                visit(it->second);
            }
            // Any socket may also have joined a room named like another's sid.
            if (auto it = rooms.find(room); it != rooms.end()) {
                for (const Member* member : it->second) visit(*member);
            }
        }
    }

    /// The sids addressed by `options` (caller holds the mutex).
    std::vector<std::string> match(const BroadcastOptions& options) const {
        std::vector<std::string> result;
        for_each_match(options, [&](const Member& member) { result.emplace_back(member.sid()); });
        return result;
    }

    /// The recipients addressed by `options` (caller holds the mutex).
    void match(const BroadcastOptions& options, Recipients& out) const {
        for_each_match(options, [&](const Member& member) {
            if (!member.has_socket) {
                out.sids.emplace_back(member.sid());
            } else if (auto socket = member.socket.lock()) {
                out.sockets.push_back(std::move(socket));
            }
        });
    }

    void add(const std::string& sid, const std::string& room) {
        auto it = sids.find(sid);
        const bool inserted = it == sids.end();
        if (inserted) {
            it = sids.emplace(std::piecewise_construct, std::forward_as_tuple(sid), std::tuple<>())
                     .first;
        }
        Member& member = it->second;
        if (inserted) {
            member.sid_key = &it->first;
            if (sockets_host) {
                // Once per socket: its registration with the namespace precedes its first room.
                member.socket = sockets_host->local_socket(loop, sid);
                member.has_socket = !member.socket.expired();
            }
            member.index = static_cast<std::uint32_t>(members.size());
            members.push_back(&member);
        }
        if (room == sid) {
            member.in_own_room = true;
        } else {
            if (!member.rooms) member.rooms = std::make_unique<std::unordered_set<std::string>>();
            if (member.rooms->insert(room).second) rooms[room].insert(&member);
        }
    }
    void remove(const std::string& sid, const std::string& room) {
        auto s = sids.find(sid);
        if (s == sids.end()) return;
        if (room == sid) {
            s->second.in_own_room = false;
        } else if (s->second.rooms && s->second.rooms->erase(room) != 0) {
            leave_room(s->second, room);
            if (s->second.rooms->empty()) s->second.rooms.reset();
        }
    }
    void remove_all(const std::string& sid) {
        auto s = sids.find(sid);
        if (s == sids.end()) return;
        Member& member = s->second;
        if (member.rooms) {
            for (const auto& room : *member.rooms) leave_room(member, room);
        }
        // Swap-remove from the dense list.
        Member* last = members.back();
        members[member.index] = last;
        last->index = member.index;
        members.pop_back();
        sids.erase(s);
    }

  private:
    void leave_room(const Member& member, const std::string& room) {
        auto r = rooms.find(room);
        if (r == rooms.end()) return;
        r->second.erase(&member);
        if (r->second.empty()) rooms.erase(r);
    }
};

/// The acks of one broadcast, gathered over every loop.
struct AckCollector : std::enable_shared_from_this<AckCollector> {
    std::mutex mutex;
    std::size_t loops_left = 0;
    std::size_t expected = 0;
    std::size_t failed = 0;  // recipients that disconnected before acknowledging
    std::vector<SocketAck> responses;
    BroadcastAcksCallback callback;
    bool done = false;
    std::unique_ptr<boost::asio::steady_timer> timer;
    boost::asio::any_io_executor timer_executor;

    /// Completes once, outside the mutex.
    void finish_if(std::unique_lock<std::mutex>& lock, std::error_code ec, bool force) {
        if (done || (!force && (loops_left > 0 || responses.size() + failed < expected))) return;
        done = true;
        auto cb = std::move(callback);
        BroadcastAcks result{.ec = ec, .expected = expected, .acks = std::move(responses)};
        const bool has_timer = timer != nullptr;
        lock.unlock();
        if (has_timer && !force) {
            boost::asio::post(timer_executor,
                              [self = shared_from_this()] { self->timer->cancel(); });
        }
        if (!cb) return;
        try {
            cb(std::move(result));
        } catch (const std::exception& e) {
            // Runs in a loop task (the timeout, the last response): never let it out of the loop.
            if (auto log = spdlog::get("socketio")) {
                log->error("broadcast ack callback threw: {}",
                           sio::detail::printable(e.what(), 256));
            }
        } catch (...) {
            if (auto log = spdlog::get("socketio")) log->error("broadcast ack callback threw");
        }
    }
    void add_response(const std::string& sid, std::error_code ec, json args) {
        std::unique_lock lock(mutex);
        if (done) return;
        if (ec) {
            ++failed;
        } else {
            responses.push_back(SocketAck{sid, std::move(args)});
        }
        finish_if(lock, {}, false);
    }
    void add_count(std::size_t count) {
        std::unique_lock lock(mutex);
        expected += count;
        --loops_left;
        finish_if(lock, {}, false);
    }
};

/// Runs a broadcast's completion; an exception from it is logged, never thrown into the loop.
void run_queued(const QueuedCallback& on_queued) noexcept {
    try {
        on_queued();
    } catch (const std::exception& e) {
        if (auto log = spdlog::get("socketio")) {
            log->error("broadcast completion threw: {}", sio::detail::printable(e.what(), 256));
        }
    } catch (...) {
        if (auto log = spdlog::get("socketio")) log->error("broadcast completion threw");
    }
}

/// One recipient's AckCallback: the broadcast's per-socket callback with its sid.
AckCallback bind_sid(const InMemoryAdapter::SocketAckCallback& on_ack, const std::string& sid) {
    return [on_ack, sid](std::error_code ec, json args) { on_ack(sid, ec, std::move(args)); };
}

/// The one fan-out of every operation that addresses sockets: on each loop (one task per loop),
/// `on_loop(loop, shard, sids)` gets the sids of that loop's sockets that `options` addresses. The
/// shard is matched under its mutex and released before `on_loop` runs: only its own loop writes
/// a shard, so the match still holds when `on_loop` acts on it.
template <class OnLoop>
void fan_out(AdapterHost& host, std::vector<Shard>& shards, const BroadcastOptions& options,
             OnLoop on_loop) {
    auto shared_options = std::make_shared<const BroadcastOptions>(options);
    for (std::size_t loop = 0; loop < shards.size(); ++loop) {
        host.dispatch(loop, [&shard = shards[loop], loop, shared_options, on_loop] {
            std::vector<std::string> sids;
            {
                std::lock_guard lock(shard.mutex);
                sids = shard.match(*shared_options);
            }
            on_loop(loop, shard, sids);
        });
    }
}

/// fan_out for sends: `on_loop(loop, recipients)` gets the addressed sockets themselves where the
/// shard holds them, so that a broadcast costs no lookup per recipient.
template <class OnLoop>
void fan_out_recipients(AdapterHost& host, std::vector<Shard>& shards,
                        const BroadcastOptions& options, OnLoop on_loop) {
    auto shared_options = std::make_shared<const BroadcastOptions>(options);
    for (std::size_t loop = 0; loop < shards.size(); ++loop) {
        host.dispatch(loop, [&shard = shards[loop], loop, shared_options, on_loop] {
            RecipientsScratch scratch;
            {
                std::lock_guard lock(shard.mutex);
                shard.match(*shared_options, scratch.get());
            }
            on_loop(loop, scratch.get());
        });
    }
}

/// The addressed sockets join (Shard::add) or leave (Shard::remove) `rooms`, on their loops.
void change_rooms(AdapterHost& host, std::vector<Shard>& shards, const BroadcastOptions& options,
                  const std::vector<std::string>& rooms,
                  void (Shard::*change)(const std::string& sid, const std::string& room)) {
    fan_out(host, shards, options,
            [rooms, change](std::size_t, Shard& shard, const std::vector<std::string>& sids) {
                std::lock_guard lock(shard.mutex);
                for (const auto& sid : sids) {
                    for (const auto& room : rooms) (shard.*change)(sid, room);
                }
            });
}

/// Runs `f(shard)` under the mutex of the shard of `sid`'s loop; returns `f`'s result, or a
/// default one when `sid` is no local socket.
template <class F>
auto with_shard_of(const AdapterHost& host, std::vector<Shard>& shards, const std::string& sid, F f)
    -> decltype(f(shards[0])) {
    using R = decltype(f(shards[0]));
    auto loop = host.loop_of(sid);
    if (!loop) return R();
    auto& shard = shards.at(*loop);
    std::lock_guard lock(shard.mutex);
    return f(shard);
}

}  // namespace

struct InMemoryAdapter::Impl {
    Impl(AdapterHost& host, std::size_t loops) : shards(loops) {
        // The server's namespace lets the shards hold its sockets; any other host is sent to by
        // sid through AdapterHost::send.
        auto* sockets_host = dynamic_cast<detail::NamespaceImpl*>(&host);
        for (std::size_t loop = 0; loop < loops; ++loop) {
            shards[loop].loop = loop;
            shards[loop].sockets_host = sockets_host;
        }
    }
    std::vector<Shard> shards;
};

InMemoryAdapter::InMemoryAdapter(AdapterHost& host)
    : host_(host),
      impl_(std::make_unique<Impl>(host, std::max<std::size_t>(1, host.loop_count()))) {}

InMemoryAdapter::~InMemoryAdapter() = default;

void InMemoryAdapter::add_all(const std::string& sid, const std::vector<std::string>& rooms) {
    with_shard_of(host_, impl_->shards, sid, [&](Shard& shard) {
        for (const auto& room : rooms) shard.add(sid, room);
    });
}

void InMemoryAdapter::del(const std::string& sid, const std::string& room) {
    with_shard_of(host_, impl_->shards, sid, [&](Shard& shard) { shard.remove(sid, room); });
}

void InMemoryAdapter::del_all(const std::string& sid) {
    with_shard_of(host_, impl_->shards, sid, [&](Shard& shard) { shard.remove_all(sid); });
}

const std::string& Adapter::server_id() const noexcept {
    static const std::string none;
    return none;
}

void InMemoryAdapter::broadcast(const json& data, const BroadcastOptions& options,
                                QueuedCallback on_queued) {
    auto packet = host_.encode_event(data);  // once, shared by every recipient
    // Only a caller that waits pays for the countdown (one allocation per broadcast, none per
    // recipient).
    std::shared_ptr<std::atomic<std::size_t>> loops_left;
    if (on_queued) loops_left = std::make_shared<std::atomic<std::size_t>>(impl_->shards.size());
    fan_out_recipients(host_, impl_->shards, options,
                       [this, packet, loops_left, on_queued = std::move(on_queued)](
                           std::size_t loop, Recipients& recipients) {
                           // Each handle is dropped right after its send, while its
                           // cache line is still hot: a second pass over 10,000 sockets
                           // would miss the cache on each.
                           for (auto& socket : recipients.sockets) {
                               socket->send_on_loop(packet);
                               socket.reset();
                           }
                           if (!recipients.sids.empty()) host_.send(loop, recipients.sids, packet);
                           if (loops_left && --*loops_left == 0) run_queued(on_queued);
                       });
}

void InMemoryAdapter::broadcast_with_ack_local(const json& data, const BroadcastOptions& options,
                                               std::function<void(std::size_t)> on_local_count,
                                               SocketAckCallback on_ack) {
    const auto id = host_.next_ack_id();
    auto packet = host_.encode_event(data, id);
    auto loops_left = std::make_shared<std::atomic<std::size_t>>(impl_->shards.size());
    auto total = std::make_shared<std::atomic<std::size_t>>(0);
    fan_out_recipients(
        host_, impl_->shards, options,
        [this, id, packet, loops_left, total, on_local_count, on_ack](
            std::size_t loop, const Recipients& recipients) {
            std::size_t sent = 0;
            for (const auto& socket : recipients.sockets) {
                // As NamespaceImpl::send_with_ack: a socket over its pending-ack
                // bound is skipped.
                if (!socket->add_pending_ack(id, bind_sid(on_ack, socket->sid), std::nullopt)) {
                    continue;
                }
                socket->send_on_loop(packet);
                ++sent;
            }
            for (const auto& sid : recipients.sids) {
                sent += host_.send_with_ack(loop, {sid}, packet, id, bind_sid(on_ack, sid));
            }
            *total += sent;
            if (--*loops_left == 0) on_local_count(total->load());
        });
}

void InMemoryAdapter::broadcast_with_ack(const json& data, const BroadcastOptions& options,
                                         std::chrono::milliseconds timeout,
                                         BroadcastAcksCallback on_acks) {
    auto collector = std::make_shared<AckCollector>();
    collector->loops_left = 1;  // the local count below
    collector->callback = std::move(on_acks);
    if (timeout.count() > 0) {
        // The timer lives on loop 0: armed and cancelled there only.
        collector->timer_executor = host_.executor(0);
    }
    if (timeout.count() > 0 && collector->timer_executor) {
        collector->timer =
            std::make_unique<boost::asio::steady_timer>(collector->timer_executor, timeout);
        host_.dispatch(0, [collector] {
            collector->timer->async_wait([collector](auto ec) {
                if (ec) return;
                std::unique_lock lock(collector->mutex);
                collector->finish_if(lock, make_error_code(error::ack_timeout), true);
            });
        });
    }
    broadcast_with_ack_local(
        data, options, [collector](std::size_t count) { collector->add_count(count); },
        [collector](const std::string& sid, std::error_code ec, json args) {
            collector->add_response(sid, ec, std::move(args));
        });
}

std::vector<std::string> InMemoryAdapter::sockets(const BroadcastOptions& options) const {
    std::vector<std::string> result;
    for (auto& shard : impl_->shards) {
        std::lock_guard lock(shard.mutex);
        auto part = shard.match(options);
        result.insert(result.end(), std::make_move_iterator(part.begin()),
                      std::make_move_iterator(part.end()));
    }
    return result;
}

std::vector<SocketInfo> InMemoryAdapter::describe_sockets(const BroadcastOptions& options) const {
    std::vector<SocketInfo> result;
    for (auto& shard : impl_->shards) {
        std::lock_guard lock(shard.mutex);
        shard.for_each_match(options, [&](const Member& member) {
            SocketInfo info{.sid = std::string(member.sid()), .nsp = host_.name()};
            info.rooms = member.room_list();
            result.push_back(std::move(info));
        });
    }
    // Outside the shards' locks: describe() takes the socket's own.
    for (auto& info : result) host_.describe(info);
    return result;
}

void InMemoryAdapter::fetch_sockets(const BroadcastOptions& options, std::chrono::milliseconds,
                                    FetchSocketsCallback done) {
    auto sockets = describe_sockets(options);
    for (auto& info : sockets) {
        info.server_id = server_id();
        info.local = true;
    }
    if (done) done({}, std::move(sockets));
}

std::vector<std::string> InMemoryAdapter::socket_rooms(const std::string& sid) const {
    return with_shard_of(host_, impl_->shards, sid, [&](Shard& shard) {
        auto it = shard.sids.find(sid);
        if (it == shard.sids.end()) return std::vector<std::string>{};
        return it->second.room_list();
    });
}

std::vector<std::string> InMemoryAdapter::rooms() const {
    std::unordered_set<std::string> all;
    for (auto& shard : impl_->shards) {
        std::lock_guard lock(shard.mutex);
        for (const auto& [room, members] : shard.rooms) all.insert(room);
        for (const Member* member : shard.members) {
            if (member->in_own_room) all.emplace(member->sid());
        }
    }
    std::vector<std::string> result(all.begin(), all.end());
    std::sort(result.begin(), result.end());
    return result;
}

void InMemoryAdapter::add_sockets(const BroadcastOptions& options,
                                  const std::vector<std::string>& rooms) {
    change_rooms(host_, impl_->shards, options, rooms, &Shard::add);
}

void InMemoryAdapter::del_sockets(const BroadcastOptions& options,
                                  const std::vector<std::string>& rooms) {
    change_rooms(host_, impl_->shards, options, rooms, &Shard::remove);
}

void InMemoryAdapter::disconnect_sockets(const BroadcastOptions& options, bool close) {
    fan_out(host_, impl_->shards, options,
            [this, close](std::size_t loop, Shard&, const std::vector<std::string>& sids) {
                if (!sids.empty()) host_.disconnect(loop, sids, close);
            });
}

}  // namespace socketio
