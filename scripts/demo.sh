#!/usr/bin/env bash
# Builds and starts the newest example application. Usage: scripts/demo.sh [example flags...]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --no-npm
export CCACHE_DIR="${CCACHE_DIR:-$PWD/build/.ccache}"
cmake --preset release >/dev/null
cmake --build --preset release --target engineio_echo
exec build/release/examples/engineio_echo/engineio_echo "$@"
