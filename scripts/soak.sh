#!/usr/bin/env bash
# Soak test: runs examples/socketio_echo (release build) for N minutes under moderate churn and
# checks that its memory and file descriptors stay flat and every connection is let go.
#
# The load (tests/js/soak/churn.mjs, driving the official socket.io-client): 50 clients that
# connect (polling only / WebSocket only / polling then upgrade), emit with acks, join rooms,
# answer the server's acks, and leave gracefully or abruptly (transport killed); plus 2 raw
# WebSocket clients that stop reading (flood until the send-queue bound closes the session and
# keep sending, or never answer a ping). Every --interval seconds it records the server's VmRSS,
# fds, threads, CPU time, TCP connections, live sockets (socketio_echo's /admin "count") and the
# client counters.
#
# Pass: after the warm-up RSS and fds stay within 10 % (median of the first vs the last 5
# samples); at the end, with the churn stopped, 0 sockets and no extra fds; no stalled client
# still connected --close-bound (10) s after the server gave up on it; no client error; the
# server stops cleanly (exit 0 within 10 s of SIGTERM). Exits non-zero otherwise.
#
# Usage:
#   scripts/soak.sh                        # 60 min, a sample a minute, 10 min warm-up
#   scripts/soak.sh --minutes 2            # short mode (< 10 min): warm-up 0.5 min, a sample every
#                                          # 10 s, heartbeat 10 s + 5 s (CI-sized, ~2.5 min)
#   scripts/soak.sh --minutes 5 --out DIR  # results in DIR (default build/soak/<date>)
# Other options go to the driver: --clients N --stall N --interval S --warmup MIN --window N
#   --tolerance F --flood-mb MIB --close-bound S --max-errors N --seed N
# The server runs with --max-send-queue-bytes 1048576 (see below). SOAK_SERVER=path/to/socketio_echo
# skips the build (any build type; CI could use build/debug's); SOAK_SERVER_ARGS="..." adds server
# flags. Results: DIR/soak.csv (every sample), DIR/soak.md (table + verdict), DIR/driver.log (the
# driver's progress, a line per stalled-client cycle), DIR/server.log.
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=60
out=""
driver_args=()
while (($#)); do
  case "$1" in
    --minutes) minutes=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) driver_args+=("$1" "$2"); shift 2 ;;
  esac
done
# Short runs (< 10 min) sample more often, warm up less (the driver's defaults: 60 s, 10 min) and
# use a 10 s + 5 s heartbeat instead of 25 s + 20 s, so ghost and silent sessions expire in time.
# The send-queue bound is 1 MiB instead of 16: a stalled client then costs the server ~1 MiB for
# a moment instead of 16, which would otherwise dominate (and, through the allocator keeping
# freed memory, blur) the RSS this test watches for leaks; the bound's close path is the same.
server_args="--max-send-queue-bytes 1048576"
if awk "BEGIN{exit !($minutes < 10)}"; then
  driver_args=(--interval 10 --warmup 0.5 "${driver_args[@]}")
  server_args+=" --ping-interval 10000 --ping-timeout 5000"
fi
server_args+=" ${SOAK_SERVER_ARGS:-}"
out=${out:-build/soak/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"

ulimit -n 20000 2>/dev/null || true
export CCACHE_DIR="${CCACHE_DIR:-$PWD/build/.ccache}"
[[ -d tests/js/node_modules/socket.io-client ]] || scripts/install-deps.sh

server=${SOAK_SERVER:-}
if [[ -z "$server" ]]; then
  echo "=== soak: building socketio_echo (release preset)"
  cmake --preset release >/dev/null
  cmake --build --preset release --target socketio_echo -j2 >/dev/null
  server=build/release/examples/socketio_echo/socketio_echo
fi

# Port 0: the server prints "listening on http://127.0.0.1:PORT/socket.io/".
# shellcheck disable=SC2086
"$server" --port 0 $server_args >"$out/server.log" 2>&1 &
server_pid=$!
cleanup() { kill -KILL "$server_pid" 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 50); do
  grep -q '^listening on' "$out/server.log" && break
  sleep 0.1
done
url=$(sed -n 's|^listening on \(http://[^/]*\)/.*|\1|p' "$out/server.log")
[[ -n "$url" ]] || { echo "soak: the server did not start"; cat "$out/server.log"; exit 1; }
echo "=== soak: $server $server_args (pid $server_pid) on $url, $minutes min, results in $out"
echo "    commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src include examples || echo '+dirty')"

set +e
node tests/js/soak/churn.mjs --url "$url" --pid "$server_pid" --minutes "$minutes" --out "$out" \
  "${driver_args[@]}" 2>&1 | tee "$out/driver.log"
status=${PIPESTATUS[0]}
set -e

# The server must stop cleanly: SIGTERM → Server::stop() → exit 0, within 10 s.
if kill -TERM "$server_pid" 2>/dev/null; then
  for _ in $(seq 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$server_pid" 2>/dev/null; then
    echo "soak: FAIL the server did not stop within 10 s of SIGTERM"; status=1
  else
    server_status=0
    wait "$server_pid" || server_status=$?
    if ((server_status != 0)); then
      echo "soak: FAIL the server exited with status $server_status"; status=1
    fi
  fi
else
  echo "soak: FAIL the server was not running at the end"; status=1
fi
trap - EXIT
echo "    the server closed $(grep -c 'send queue over its bound' "$out/server.log" || true) sessions at" \
  "their send-queue bound (server.log)"
echo "=== soak: $( ((status == 0)) && echo PASS || echo FAIL ) (results in $out)"
exit "$status"
