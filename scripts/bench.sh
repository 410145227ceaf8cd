#!/usr/bin/env bash
# The benchmark suite in one command (issue 11): builds the release preset, then for each server —
# the floor (bench/peers/floor), Node's socket.io (bench/peers/node), python-socketio
# (bench/peers/python) and socketio-cpp (bench/servers/socketio_bench.cpp) — starts it afresh for
# every scenario, drives it with build/release/bench/sio_loadgen, stops it, and collects one JSON
# line per run. Then it writes the table and the charts (gnuplot) comparing them in the same run.
#
# Scenarios (64-byte payloads; the server restarted before each so none inherits another's heap):
#   echo_w1    echo, 100 clients x 1 ack in flight          (round trips per server CPU-s)
#   echo_w16   echo, 100 clients x 16 acks in flight        (and its latency)
#   broadcast  1,000 clients, one sender paced by its acks  (deliveries per server CPU-s)
#   connect    10,000 connections, held 10 s, then closed   (connects per second; RSS per client
#              right after connecting and after the hold = idle memory per WebSocket client; RSS
#              10 s after closing: is memory given back?)
#   hold       socketio-cpp only, full runs: 19,000 connections held 60 s (pings answered, none
#              dropped), RSS 30 s after closing
# Python is slow at scale: its connect run is capped at 2,000 clients (noted in the report).
# Every loadgen run has a timeout; a server that fails or times out gets an error row, not a hang.
#
# Usage:
#   scripts/bench.sh                      # full run (~20 min: every case 3 times, the median
#                                         # shown): writes docs/benchmarks.md (the part between
#                                         # its markers) and docs/img/bench-*.png
#   scripts/bench.sh --quick              # smoke-sized (~1 min): results and report only in the
#                                         # output directory
#   scripts/bench.sh --servers "floor cpp" --seconds 5 --repeat 5 --out DIR --no-build --no-docs
#                    --no-micro
# Results: DIR/results.jsonl (default build/bench/<date>), DIR/benchmarks.md, DIR/*.png,
# DIR/<server>-<scenario>.log (each server's output), DIR/micro.json (sio_micro). The run is only as good as the machine is
# quiet: the report quotes the load average before and after.
set -euo pipefail
cd "$(dirname "$0")/.."

invocation=("$@")
quick=0
servers="floor node python cpp"
seconds=""
out=""
build=1
docs=""
micro=1
repeat=""
while (($#)); do
  case "$1" in
    --quick) quick=1; shift ;;
    --servers) servers=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --no-docs) docs=0; shift ;;
    --no-micro) micro=0; shift ;;
    --repeat) repeat=$2; shift 2 ;;
    --docs) docs=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

if ((quick)); then
  seconds=${seconds:-2}; warmup=0.5; echo_clients=100; broadcast_clients=200
  connect_clients=1000; python_connect_clients=500; hold=2; after_close=5; repeat=${repeat:-1}
  docs=${docs:-0}
else
  seconds=${seconds:-10}; warmup=2; echo_clients=100; broadcast_clients=1000
  connect_clients=10000; python_connect_clients=2000; hold=10; after_close=10; repeat=${repeat:-3}
  docs=${docs:-1}
fi
out=${out:-build/bench/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
results=$out/results.jsonl
: > "$results"

ulimit -n 20000 2>/dev/null || echo "bench.sh: cannot raise the open-files limit to 20000" >&2

# --- what it needs ---------------------------------------------------------------------------
scripts/install-deps.sh --no-npm
stamp=bench/peers/node/node_modules/.sio-stamp
if [[ " $servers " == *" node "* ]] && [[ ! -f $stamp || bench/peers/node/package-lock.json -nt $stamp ]]; then
  echo "bench.sh: npm ci in bench/peers/node"
  (cd bench/peers/node && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  touch "$stamp"
fi
if ((build)); then
  export CCACHE_DIR="${CCACHE_DIR:-$PWD/build/.ccache}"
  nice -n 19 cmake --preset release >/dev/null
  nice -n 19 cmake --build --preset release -j2 --target sio_loadgen sio_floor socketio_bench sio_micro
fi
bin=build/release/bench
loadgen=$bin/sio_loadgen

server_command() {  # server port → the command that serves the bench contract on port
  case "$1" in
    floor) echo "$bin/sio_floor $2" ;;
    cpp) echo "$bin/socketio_bench $2" ;;
    node) echo "node bench/peers/node/server.js $2" ;;
    python) echo "/usr/bin/python3 bench/peers/python/server.py $2" ;;
    *) echo "bench.sh: unknown server $1" >&2; return 1 ;;
  esac
}

free_port() {  # a port nothing listens on, from a range the kernel does not hand out itself
  local port
  for ((port = 47000 + RANDOM % 1000; ; port++)); do
    # Without ss (iproute2) the server's own bind error shows in its log.
    command -v ss >/dev/null || { echo "$port"; return; }
    ss -Htln "sport = :$port" | grep -q . || { echo "$port"; return; }
  done
}

server_pid=""
start_server() {  # name port log
  # shellcheck disable=SC2046  # the command is split into words on purpose
  $(server_command "$1" "$2") >"$3" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do
    grep -q "^listening" "$3" && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "bench.sh: $1 did not start (see $3)" >&2
  stop_server
  return 1
}

stop_server() {
  [[ -n $server_pid ]] || return 0
  kill -TERM "$server_pid" 2>/dev/null || true
  for _ in $(seq 50); do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}
trap stop_server EXIT

run_case() {  # server case scenario clients window extra-loadgen-args…
  local server=$1 case=$2 scenario=$3 clients=$4 window=$5
  shift 5
  local port log line status=0
  port=$(free_port)
  log=$out/$server-$case.log
  if ! start_server "$server" "$port" "$log"; then
    printf '{"case":"%s","scenario":"%s","server":"%s","clients":%d,"window":%d,"errors":1,"first_error":"the server did not start"}\n' \
      "$case" "$scenario" "$server" "$clients" "$window" >>"$results"
    return
  fi
  sleep 0.5  # let it settle (Node and Python finish loading after they print "listening")
  # Generous: a slow server is cut off, not waited for.
  local limit
  limit=$(awk -v s="$seconds" -v w="$warmup" -v h="$hold" -v c="$clients" \
    'BEGIN { printf "%d", s + w + h + 30 + c / 100 }')
  line=$(timeout --kill-after=5 "$limit" "$loadgen" --scenario "$scenario" \
    --url "ws://127.0.0.1:$port" --clients "$clients" --window "$window" \
    --seconds "$seconds" --warmup "$warmup" --server-pid "$server_pid" --server "$server" \
    "$@" 2>>"$log") || status=$?
  stop_server
  if [[ -z $line ]]; then
    line=$(printf '{"scenario":"%s","server":"%s","clients":%d,"window":%d,"errors":1,"first_error":"no result (loadgen exit %d, timeout %d s)"}' \
      "$scenario" "$server" "$clients" "$window" "$status" "$limit")
  fi
  echo "{\"case\":\"$case\",${line#\{}" >>"$results"
  echo "bench.sh: $server $case: $line" | cut -c1-240
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
# Repetitions go round the servers in turn, so a noisy minute of the machine hits them alike; the
# report shows, per case, the run with the median figure.
# Each connect run opens its connections from source addresses of its own (127.N.0.2…): the
# TIME_WAIT sockets an earlier run left on its addresses (a minute, tens of thousands) would
# otherwise slow the load generator's connect() for whichever server came next.
connect_run=0
source_address() { echo "127.$((connect_run % 250 + 1)).0.2"; }
for ((rep = 1; rep <= repeat; rep++)); do
  for server in $servers; do
    run_case "$server" echo_w1 echo "$echo_clients" 1
    run_case "$server" echo_w16 echo "$echo_clients" 16
    run_case "$server" broadcast broadcast "$broadcast_clients" 1
    clients=$connect_clients
    [[ $server == python ]] && clients=$python_connect_clients
    connect_run=$((connect_run + 1))
    run_case "$server" connect connect "$clients" 1 --hold "$hold" --after-close "$after_close" \
      --first-source "$(source_address)"
    if [[ $server == cpp ]] && ((!quick && rep == 1)); then
      # Issue 11: 19,000 WebSocket clients on one process (the open-files limit is 20,000) held for
      # a minute — two rounds of pings, each answered, none dropped — then RSS after they all leave.
      connect_run=$((connect_run + 1))
      run_case cpp hold connect 19000 1 --hold 60 --after-close 30 --first-source "$(source_address)"
    fi
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# The micro-benchmarks (codecs, a broadcast to 1,000 and 10,000 in-process sessions).
if ((micro)); then
  min_time=0.3
  ((quick)) && min_time=0.05
  "$bin/sio_micro" --benchmark_format=json --benchmark_min_time=$min_time >"$out/micro.json" \
    2>"$out/micro.log" || echo "bench.sh: sio_micro failed (see $out/micro.log)" >&2
fi

# --- the report --------------------------------------------------------------------------------
cat >"$out/meta.json" <<EOF
{"started": "$started", "finished": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
 "commit": "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src include bench || echo '+changes')",
 "load_before": "$load_before", "load_after": "$load_after",
 "cpus": $(nproc), "cpu_model": "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//; s/"//g')",
 "kernel": "$(uname -r)", "node": "$(node --version 2>/dev/null || echo none)",
 "socket_io": "$(node -p 'require("./bench/peers/node/node_modules/socket.io/package.json").version' 2>/dev/null || echo none)",
 "python_socketio": "$(dpkg-query -W -f='${Version}' python3-socketio 2>/dev/null || echo none)",
 "command": "scripts/bench.sh${invocation[*]:+ ${invocation[*]}}", "nice": $(nice),
 "quick": $quick, "seconds": $seconds, "warmup": $warmup, "hold": $hold, "after_close": $after_close, "repeat": $repeat,
 "python_connect_clients": $python_connect_clients, "connect_clients": $connect_clients}
EOF
if ((docs)); then
  /usr/bin/python3 bench/report.py "$out" --into docs/benchmarks.md
else
  /usr/bin/python3 bench/report.py "$out"
fi
echo "bench.sh: results in $out"
