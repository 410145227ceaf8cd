#pragma once
// The WebSocket transport (ws_transport.cpp): a Beast websocket stream that carries one session,
// over plain TCP or TLS.

#include <memory>

#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "internal.hpp"

namespace engineio::detail {

using PlainStream = boost::beast::tcp_stream;
using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

/// A WebSocket transport on `stream`, its handshake not yet done (WsTransport::accept).
/// `base64_binary`: the client asked for binary as base64 text frames (b64=1).
std::shared_ptr<WsTransport> make_ws_transport(PlainStream&& stream, std::shared_ptr<Core> core,
                                               bool base64_binary);
std::shared_ptr<WsTransport> make_ws_transport(TlsStream&& stream, std::shared_ptr<Core> core,
                                               bool base64_binary);

}  // namespace engineio::detail
