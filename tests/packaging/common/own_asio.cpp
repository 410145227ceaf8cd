// The consumer's own Asio code, header-only (no BOOST_ASIO_SEPARATE_COMPILATION here, unlike in
// socketio-cpp's own translation units): an io_context, a timer and a post. It must compile, link
// next to the library's compiled Asio without duplicate or missing symbols, and run.

#include <chrono>

#include <boost/asio.hpp>

#ifdef BOOST_ASIO_SEPARATE_COMPILATION
#error "socketio-cpp passed BOOST_ASIO_SEPARATE_COMPILATION on to its consumer"
#endif

const char* use_own_asio() {
    boost::asio::io_context ctx;
    boost::asio::steady_timer timer{ctx, std::chrono::milliseconds(1)};
    int steps = 0;
    boost::asio::post(ctx, [&] { ++steps; });
    timer.async_wait([&](boost::system::error_code ec) { steps += ec ? 0 : 1; });
    ctx.run();
    return steps == 2 ? "ok" : "the io_context did not run both handlers";
}
