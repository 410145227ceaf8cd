#!/usr/bin/env bash
# Builds and starts the demo: the browser chat (examples/chat) on http://127.0.0.1:5000 — its page,
# the official browser client (from npm, served locally) and Socket.IO from one server. Ctrl-C
# stops it. Usage: scripts/demo.sh [port]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh  # with npm: the page loads socket.io-client's browser bundle
export CCACHE_DIR="${CCACHE_DIR:-$PWD/build/.ccache}"
cmake --preset release >/dev/null
cmake --build --preset release --target chat
exec build/release/examples/chat/chat "$@"
