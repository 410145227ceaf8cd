#!/usr/bin/env bash
# Installs everything the build, the tests and the demo need on a Debian 12 machine.
# Idempotent and quiet when all is there. Usage: scripts/install-deps.sh [--no-npm]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  # build
  build-essential cmake ninja-build ccache pkg-config clang clang-format
  libboost1.81-dev libboost-url1.81-dev nlohmann-json3-dev libspdlog-dev libfmt-dev
  zlib1g-dev libssl-dev libhiredis-dev
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  # tests: real peers
  nodejs npm redis-server openssl curl
  python3-socketio python3-engineio python3-websocket python3-requests python3-aiohttp python3-redis
  python3-flask-socketio
  chromium nginx
  # benchmarks (scripts/bench.sh): the charts
  gnuplot-nox
)

missing=()
for p in "${packages[@]}"; do
  # A package is there when dpkg says "install ok installed"; nodejs/npm may come from elsewhere.
  case "$p" in
    nodejs) command -v node >/dev/null && continue ;;
    npm) command -v npm >/dev/null && continue ;;
  esac
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The official JavaScript clients the integration tests drive (pinned by tests/js/package-lock.json).
if [[ "${1:-}" != "--no-npm" && -f tests/js/package.json ]]; then
  stamp=tests/js/node_modules/.sio-stamp
  if [[ ! -f "$stamp" || tests/js/package-lock.json -nt "$stamp" ]]; then
    echo "install-deps: npm ci in tests/js"
    (cd tests/js && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    touch "$stamp"
  fi
fi
