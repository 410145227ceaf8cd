#pragma once
// The WebSocket transport (ws_transport.cpp): our own framing (protocol/websocket.hpp) over plain
// TCP or TLS, carrying one session.

#include <memory>

#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "internal.hpp"

namespace engineio::detail {

/// Streams on a loop's own executor type rather than any_io_executor: an idle connection's socket
/// and its pending read are ~100 bytes smaller (an executor is 8 bytes in them instead of 56).
using PlainStream = boost::beast::basic_stream<boost::asio::ip::tcp, LoopExecutor>;
using TlsStream = boost::beast::ssl_stream<PlainStream>;

/// A WebSocket transport on `stream`, its handshake not yet done (WsTransport::accept).
/// `base64_binary`: the client asked for binary as base64 text frames (b64=1). `received`: bytes
/// read after the handshake request (the start of the client's first frames, if it sent them
/// without waiting for the response).
std::shared_ptr<WsTransport> make_ws_transport(PlainStream&& stream, std::shared_ptr<Core> core,
                                               bool base64_binary, std::string received);
std::shared_ptr<WsTransport> make_ws_transport(TlsStream&& stream, std::shared_ptr<Core> core,
                                               bool base64_binary, std::string received);

}  // namespace engineio::detail
