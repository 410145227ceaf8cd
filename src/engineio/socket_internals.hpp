// What the engine tells Asio about its sockets that Asio's public API has no words for, to spare
// syscalls on every connection (issue 11). Everything that reaches into Asio's implementation is
// here, written against Boost 1.81's Asio (Debian 12), with the reasoning that makes it safe.
#pragma once

#include <memory>
#include <utility>

#include <boost/asio/basic_stream_socket.hpp>
#include <boost/asio/detail/handler_alloc_helpers.hpp>
#include <boost/asio/detail/handler_work.hpp>
#include <boost/asio/detail/reactor.hpp>
#include <boost/asio/detail/reactor_op.hpp>
#include <boost/asio/detail/socket_ops.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/version.hpp>

#include "internal.hpp"

namespace engineio::detail {

static_assert(
    BOOST_VERSION / 100 == 1081,
    "socket_internals.hpp is written against Boost 1.81's Asio: check it against this one");

/// Reaches the implementation of a socket (descriptor, state flags, reactor data): a member Asio
/// keeps protected, named through a derived class as C++ allows.
struct SocketInternals : LoopSocket {
    static auto& object_of(LoopSocket& socket) { return socket.*(&SocketInternals::impl_); }
    static auto& of(LoopSocket& socket) { return object_of(socket).get_implementation(); }
};

/// Takes a descriptor that accept4(SOCK_NONBLOCK | SOCK_CLOEXEC) returned into `socket`
/// (registering it with the socket's loop) and tells Asio what it cannot know of it: it is
/// non-blocking already (else Asio's first operation on it sets that again: an ioctl per
/// connection), and no duplicate of another descriptor (else closing it makes an EPOLL_CTL_DEL
/// first, which close(2) does by itself when no other descriptor refers to the socket).
inline void adopt_accepted(LoopSocket& socket, const boost::asio::ip::tcp& protocol, int descriptor,
                           boost::system::error_code& ec) {
    socket.assign(protocol, descriptor, ec);
    if (ec) return;
    namespace ops = boost::asio::detail::socket_ops;
    SocketInternals::of(socket).state_ = ops::stream_oriented | ops::internal_non_blocking;
}

namespace internals {

namespace asio_detail = boost::asio::detail;

/// The operation of async_wait_readable_drained(): Asio's reactive_wait_op, except that it is
/// queued as a read is (see there).
template <class Handler, class IoExecutor>
class DrainedReadWaitOp : public asio_detail::reactor_op {
  public:
    BOOST_ASIO_DEFINE_HANDLER_PTR(DrainedReadWaitOp);

    DrainedReadWaitOp(Handler& handler, const IoExecutor& io_ex)
        : reactor_op(boost::system::error_code(), &DrainedReadWaitOp::do_perform,
                     &DrainedReadWaitOp::do_complete),
          handler_(std::move(handler)),
          work_(handler_, io_ex) {}

    /// The operation being queued on this thread: asked by start_op() whether it is done
    /// already, it says no without looking (its caller has just found the socket empty).
    static inline thread_local reactor_op* starting = nullptr;

    static status do_perform(reactor_op* base) { return base == starting ? not_done : done; }

    static void do_complete(void* owner, asio_detail::operation* base,
                            const boost::system::error_code& /*ec*/,
                            std::size_t /*bytes_transferred*/) {
        auto* o = static_cast<DrainedReadWaitOp*>(base);
        ptr p = {std::addressof(o->handler_), o, o};
        asio_detail::handler_work<Handler, IoExecutor> w(std::move(o->work_));
        asio_detail::binder1<Handler, boost::system::error_code> handler(o->handler_, o->ec_);
        p.h = std::addressof(handler.handler_);
        p.reset();
        if (owner) {
            asio_detail::fenced_block b(asio_detail::fenced_block::half);
            w.complete(handler, handler.handler_);
        }
    }

  private:
    Handler handler_;
    asio_detail::handler_work<Handler, IoExecutor> work_;
};

}  // namespace internals

/// socket.async_wait(wait_read, handler) for a socket whose receive queue the caller emptied in
/// this same handler (a recv(2) that returned less than it asked for, or EAGAIN), without the
/// epoll_ctl(EPOLL_CTL_MOD) that Asio's async_wait makes every time.
///
/// Asio registers a socket once, edge-triggered (EPOLLIN | EPOLLET). A wait that may begin while
/// data is there already must re-arm the registration, so that the data raises an event again:
/// that is Asio's EPOLL_CTL_MOD. A read needs none: it tries the recv first. This wait is queued
/// as a read is (no MOD) and answers that first try with "not done" — true, since the queue was
/// just emptied. Bytes that came after that recv raised an edge the loop has not collected yet
/// (a loop collects events only between handlers, and this runs in the handler that read), so
/// they complete this wait. Anywhere else, use socket.async_wait.
template <class Handler>
void async_wait_readable_drained(LoopSocket& socket, Handler handler) {
    using Op = internals::DrainedReadWaitOp<Handler, LoopSocket::executor_type>;
    using Service = internals::asio_detail::reactive_socket_service<boost::asio::ip::tcp>;
    struct ServiceInternals : Service {
        static void start(Service& service, Service::implementation_type& impl, Op* op) {
            (service.*(&ServiceInternals::start_op))(impl, internals::asio_detail::reactor::read_op,
                                                     op, /*is_continuation=*/false,
                                                     /*is_non_blocking=*/true, /*noop=*/false);
        }
    };
    auto& object = SocketInternals::object_of(socket);
    typename Op::ptr p = {std::addressof(handler), Op::ptr::allocate(handler), nullptr};
    p.p = new (p.v) Op(handler, socket.get_executor());
    Op::starting = p.p;
    ServiceInternals::start(object.get_service(), object.get_implementation(), p.p);
    Op::starting = nullptr;
    p.v = p.p = nullptr;
}

}  // namespace engineio::detail
