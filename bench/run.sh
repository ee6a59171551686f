#!/usr/bin/env bash
# `just bench`: a release server on SQLite in a fresh data dir, loaded by natter-loadgen on loopback.
#   1. 1,000 visitors + 10 agents, 1,000 visitor messages/s for 30 s: latency, throughput, losses.
#   2. The same at 500 messages/s.
#   3. 10,000 idle visitors: server memory per connection.
set -euo pipefail
cd "$(dirname "$0")/.."
ulimit -n "$(ulimit -Hn)" || true

PORT=${BENCH_PORT:-18090}
DURATION=${BENCH_DURATION:-30}
SERVER=target/release/natter
LOADGEN=target/release/natter-loadgen

start_server() {
    DATA=$(mktemp -d)
    NATTER_BIND=127.0.0.1:$PORT NATTER_DATA_DIR=$DATA NATTER_LOG=warn NATTER_NEW_VISITORS_PER_IP=0 \
        NATTER_ADMIN_EMAIL=admin@natter.test NATTER_ADMIN_PASSWORD='correct horse battery' \
        "$SERVER" >"$DATA/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 100); do
        curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "server did not start" >&2
    cat "$DATA/server.log" >&2
    exit 1
}

stop_server() {
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    rm -rf "$DATA"
}
trap stop_server EXIT

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr)"

for RATE in 1000 500; do
    start_server
    "$LOADGEN" --url "http://127.0.0.1:$PORT" --visitors 1000 --agents 10 --rate "$RATE" \
        --duration "$DURATION" --sources 4 --server-pid "$SERVER_PID"
    stop_server
done

start_server
"$LOADGEN" --url "http://127.0.0.1:$PORT" --visitors 10000 --agents 1 --rate 0 \
    --duration 3 --sources 8 --server-pid "$SERVER_PID"
