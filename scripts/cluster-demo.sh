#!/usr/bin/env bash
# The chat as a three-process cluster: redis-server, three chat processes (examples/chat --redis)
# on 127.0.0.1:5001-5003 and nginx with ip_hash (deploy/nginx/socketio.conf) on
# http://127.0.0.1:5000. Everything runs as you, in a temp dir (no root, no persistence, nothing
# left behind); Ctrl-C stops it all. Open the URL in two browsers (or a private window) and chat.
# Usage: scripts/cluster-demo.sh [redis-port]   (default 6390)
#        CHAT=build/debug/examples/chat/chat scripts/cluster-demo.sh   (a chat already built)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
redis_port=${1:-6390}

for tool in redis-server nginx; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] ||
    { echo "cluster-demo: $tool is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
done
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

if [ -n "${CHAT:-}" ]; then
  chat=$(realpath "$CHAT")
else
  export CCACHE_DIR="${CCACHE_DIR:-$PWD/build/.ccache}"
  cmake --preset release >/dev/null
  cmake --build --preset release --target chat
  chat=$repo/build/release/examples/chat/chat
fi

work=$(mktemp -d -t socketio-cluster-demo.XXXXXX)
pids=()
stop_all() {
  trap - INT TERM EXIT
  echo "cluster-demo: stopping" >&2
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap stop_all INT TERM EXIT

# Redis: its own port and directory, no RDB snapshots, no AOF (pub/sub needs no persistence).
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work" --save '' --appendonly no \
  >"$work/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do
  redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
  sleep 0.1
done

# Three chat processes: one cluster (the same Redis, the same channel).
for port in 5001 5002 5003; do
  "$chat" --port "$port" --redis "redis://127.0.0.1:$redis_port" 2> >(sed "s/^/[chat:$port] /" >&2) &
  pids+=($!)
done

# nginx as this user: its own prefix, pid file and temp dirs, logging to the terminal.
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log stderr warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    include $repo/deploy/nginx/socketio.conf;
}
CONF
"$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -e stderr &
pids+=($!)

sleep 0.5
echo
echo "cluster-demo: open http://127.0.0.1:5000  (nginx -> chat on 5001, 5002, 5003; redis on $redis_port)"
echo "cluster-demo: Ctrl-C stops everything"
# Until Ctrl-C, or until one of them exits on its own (then the rest are stopped too).
wait -n "${pids[@]}" || true
