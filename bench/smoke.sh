#!/usr/bin/env bash
# The bench tools still run (ctest label "bench"; no timing is asserted): starts socketio_bench on
# a free port and drives it with sio_loadgen's echo scenario for 2 s; passes when the load
# generator reports round trips and no error (its exit status).
#
#   bench/smoke.sh path/to/sio_loadgen path/to/socketio_bench
set -euo pipefail
loadgen=$1
server=$2
log=$(mktemp)
"$server" 0 >"$log" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -f "$log"' EXIT
port=""
for _ in $(seq 100); do
  port=$(sed -n 's/^listening on \([0-9]*\)$/\1/p' "$log")
  [[ -n $port ]] && break
  sleep 0.1
done
[[ -n $port ]] || { echo "smoke: socketio_bench did not start:"; cat "$log"; exit 1; }
"$loadgen" --scenario echo --url "ws://127.0.0.1:$port" --clients 10 --window 4 --seconds 2 \
  --warmup 0.2 --server-pid "$pid" --server cpp --timeout 20
