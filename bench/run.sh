#!/usr/bin/env bash
# `just bench`: Natter under an open-model load beside two Node relays (Socket.IO and plain `ws`,
# which persist nothing), one server at a time, each fresh: the server pinned to CPU 0, the load
# client (bench/wsload) to CPU 1. Then idle sockets, memory after logins, idle CPU and list/search
# speed in a big inbox, a 3-node cluster, and instructions per message under callgrind.
# Prints one table (also written to $OUT/table.txt).
#
# Env (defaults): PARTS="load idle logins cluster instructions bigidle" RATES="1000 2000 5000 10000"
#   SECS=20 WARMUP=5 VISITORS=1000 AGENTS=10 IDLE=18000 IDLE_SECS=30 SERVERS="socketio ws natter natter-pg"
#   PG_ADMIN=postgres://postgres@127.0.0.1:5432/test REDIS=redis://127.0.0.1:6379/0 OUT=(a new temp dir)
#   CLUSTER_RATE=2000 BIG_CONVERSATIONS=100000 BIG_MESSAGES=1000000
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PARTS=${PARTS:-load idle logins cluster instructions bigidle}
RATES=${RATES:-1000 2000 5000 10000}
SECS=${SECS:-20}
WARMUP=${WARMUP:-5}
VISITORS=${VISITORS:-1000}
AGENTS=${AGENTS:-10}
IDLE=${IDLE:-18000}
IDLE_SECS=${IDLE_SECS:-30}
SERVERS=${SERVERS:-socketio ws natter natter-pg}
PG_ADMIN=${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/test}
REDIS=${REDIS:-redis://127.0.0.1:6379/0}
CLUSTER_RATE=${CLUSTER_RATE:-2000}
OUT=${OUT:-$(mktemp -d -t natter-bench.XXXXXX)}
NATTER=${CARGO_TARGET_DIR:-$ROOT/target}/release/natter
WORK=$ROOT/target/bench
WSLOAD=$WORK/wsload/release/wsload
export NATTER_ADMIN_EMAIL=admin@natter.test NATTER_ADMIN_PASSWORD='correct horse battery'
mkdir -p "$OUT" "$WORK"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

[ -x "$WSLOAD" ] || cargo build --release --quiet --manifest-path bench/wsload/Cargo.toml --target-dir "$WORK/wsload"
if [ ! -d "$WORK/peers/node_modules" ]; then
    mkdir -p "$WORK/peers" && cp bench/peers/* "$WORK/peers/" && (cd "$WORK/peers" && npm ci --silent)
fi

PIDS=()
DATA=
PGDB=
cleanup() {
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    PIDS=()
    [ -n "$DATA" ] && rm -rf "$DATA"
    [ -n "$PGDB" ] && psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $PGDB WITH (FORCE)" >/dev/null 2>&1
    DATA= PGDB=
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_ready() { # url pid
    for _ in $(seq 1 600); do
        curl -sf -o /dev/null "$1" && return 0
        kill -0 "$2" 2>/dev/null || break
        sleep 0.1
    done
    echo "server at $1 did not start" >&2
    return 1
}

fresh_pg() { # a new database: sets PGDB (dropped by cleanup) and PGURL
    PGDB=natter_bench_$RANDOM$RANDOM
    psql -q "$PG_ADMIN" -c "CREATE DATABASE $PGDB" >/dev/null
    PGURL="${PG_ADMIN%/*}/$PGDB"
}

# start KIND PORT [extra env...]: one server on CPU 0; sets PID and URL.
RUN=0
start() {
    local kind=$1 port=$2
    RUN=$((RUN + 1))
    shift 2
    case $kind in
    socketio | ws)
        local script=server.js
        [ "$kind" = ws ] && script=ws-server.js
        PORT=$port taskset -c 0 node "$WORK/peers/$script" >"$OUT/$RUN-$kind.log" 2>&1 &
        PID=$!
        URL=ws://127.0.0.1:$port/
        [ "$kind" = socketio ] && URL="ws://127.0.0.1:$port/socket.io/?EIO=4&transport=websocket"
        sleep 1 ;;
    natter | natter-pg)
        DATA=${DATA:-$(mktemp -d -t natter-data.XXXXXX)}
        local db=
        if [ "$kind" = natter-pg ]; then fresh_pg; db=$PGURL; fi
        env NATTER_BIND=127.0.0.1:$port NATTER_DATA_DIR="$DATA" NATTER_LOG=warn NATTER_NEW_VISITORS_PER_IP=0 NATTER_SOCKETS_PER_IP=0 \
            ${db:+DATABASE_URL=$db} "$@" taskset -c 0 "$NATTER" >"$OUT/$RUN-$kind.log" 2>&1 &
        PID=$!
        URL=http://127.0.0.1:$port
        wait_ready "$URL/readyz" "$PID" ;;
    esac
    PIDS+=("$PID")
}

proto() { case $1 in natter*) echo natter ;; *) echo "$1" ;; esac; }

# load KIND RATE: one measured run against a fresh server; appends a row.
f() { sed -n "s/.*\"$1\":\"\{0,1\}\([^,\"}]*\).*/\1/p" <<<"$2"; }
mib() { awk -v k="${1:-0}" 'BEGIN { printf "%.0f", k / 1024 }'; }
ROWS=()
row() { ROWS+=("$(printf "$@")"); }

load() {
    local kind=$1 rate=$2
    echo "[$(date +%T)] load $rate msg/s: $kind" >&2
    start "$kind" 18301
    local r
    r=$(WSLOAD_SLOW="$OUT/slow-$kind-$rate.txt" taskset -c 1 "$WSLOAD" --proto "$(proto "$kind")" --url "$URL" \
        --server-pid "$PID" --visitors "$VISITORS" --agents "$AGENTS" --rate "$rate" --secs "$SECS" --warmup "$WARMUP" \
        2>>"$OUT/wsload.err" || true)
    cleanup
    echo "$r" >>"$OUT/results.jsonl"
    row '%-10s %6s msg/s  p50 %8s  p99 %8s  p99.9 %8s ms  delivered %13s  lost %6s  ack-p99 %8s  RSS %4s MB' \
        "$kind" "$rate" "$(f p50_ms "$r")" "$(f p99_ms "$r")" "$(f p999_ms "$r")" \
        "$(f received_by_agent0 "$r")/$(f sent "$r")" "$(f lost "$r")" "$(f ack_p99_ms "$r")" "$(mib "$(f rss_end_kib "$r")")"
}

# The kernel's count of connections dropped because a listen queue was full
# (each costs its client a retransmission; a dropped final ACK can cost a 408).
listen_overflows() {
    awk '/^TcpExt:/ { if (!c) { for (i = 2; i <= NF; i++) if ($i == "ListenOverflows") c = i } else print $c }' /proc/net/netstat
}

idle() {
    local kind=$1
    echo "[$(date +%T)] idle $IDLE sockets: $kind" >&2
    start "$kind" 18302
    local r overflows
    overflows=$(listen_overflows)
    r=$(taskset -c 1 "$WSLOAD" --proto "$(proto "$kind")" --url "$URL" --server-pid "$PID" --visitors "$IDLE" \
        --agents 0 --rate 0 --secs "$IDLE_SECS" --concurrency 256 2>>"$OUT/wsload.err" || true)
    overflows=$(($(listen_overflows) - overflows))
    cleanup
    echo "$r" >>"$OUT/results.jsonl"
    row '%-10s idle %6s sockets held %ss: connected %6s, closed by server %s, %6s bytes per socket, listen overflows %s' \
        "$kind" "$IDLE" "$IDLE_SECS" "$(f visitors "$r")" "$(f closed_by_server "$r")" "$(f bytes_per_socket "$r")" "$overflows"
}

logins() {
    echo "[$(date +%T)] RSS after 100 agent logins" >&2
    start natter 18303
    local r
    r=$(taskset -c 1 "$WSLOAD" --proto natter --url "$URL" --server-pid "$PID" --visitors 0 --agents 100 \
        --rate 0 --secs 1 2>>"$OUT/wsload.err" || true)
    cleanup
    row '%-10s RSS after 100 agent logins: %s MB' natter "$(mib "$(f rss_before_kib "$r")")"
}

cluster() {
    echo "[$(date +%T)] 3 nodes on PostgreSQL + Redis: visitors on node 1, agents on node 2" >&2
    local db ns=bench$RANDOM
    fresh_pg
    db=$PGURL
    DATA=$(mktemp -d -t natter-data.XXXXXX)
    local urls=()
    for n in 1 2 3; do
        mkdir -p "$DATA/$n"
        env NATTER_BIND=127.0.0.1:1831$n NATTER_DATA_DIR="$DATA/$n" NATTER_LOG=warn NATTER_NEW_VISITORS_PER_IP=0 NATTER_SOCKETS_PER_IP=0 \
            DATABASE_URL="$db" REDIS_URL="$REDIS" NATTER_REDIS_NAMESPACE=$ns NATTER_JWT_SECRET=bench-cluster-secret \
            taskset -c 0 "$NATTER" >"$OUT/cluster-$n.log" 2>&1 &
        PIDS+=("$!")
        urls+=("http://127.0.0.1:1831$n")
        wait_ready "http://127.0.0.1:1831$n/readyz" "$!"
    done
    local r
    r=$(taskset -c 1 "$WSLOAD" --proto natter --url "${urls[0]}" --agent-url "${urls[1]}" --visitors "$VISITORS" \
        --agents "$AGENTS" --rate "$CLUSTER_RATE" --secs "$SECS" --warmup "$WARMUP" 2>>"$OUT/wsload.err" || true)
    cleanup
    echo "$r" >>"$OUT/results.jsonl"
    row '%-10s 3 nodes, %s msg/s across nodes: p50 %s  p99 %s  p99.9 %s ms  delivered %s  lost %s' cluster \
        "$CLUSTER_RATE" "$(f p50_ms "$r")" "$(f p99_ms "$r")" "$(f p999_ms "$r")" \
        "$(f received_by_agent0 "$r")/$(f sent "$r")" "$(f lost "$r")"
}

instructions() {
    # Instructions don't depend on what else the machine does: the server runs under callgrind,
    # counting only while a fixed load runs (100 visitors, 10 agents, 100 msg/s for 10 s).
    command -v valgrind >/dev/null || { row 'instructions: valgrind is not installed'; return; }
    echo "[$(date +%T)] instructions per message (callgrind)" >&2
    DATA=$(mktemp -d -t natter-data.XXXXXX)
    env NATTER_BIND=127.0.0.1:18304 NATTER_DATA_DIR="$DATA" NATTER_LOG=warn NATTER_NEW_VISITORS_PER_IP=0 NATTER_SOCKETS_PER_IP=0 \
        valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$OUT/callgrind.out" \
        "$NATTER" >"$OUT/callgrind.log" 2>&1 &
    PID=$!
    PIDS+=("$PID")
    wait_ready http://127.0.0.1:18304/readyz "$PID"
    (sleep 12 && callgrind_control -i on "$PID" >/dev/null) &
    local r
    r=$("$WSLOAD" --proto natter --url http://127.0.0.1:18304 --visitors 100 --agents 10 --rate 100 \
        --secs 10 --warmup 12 --drain 30 2>>"$OUT/wsload.err" || true)
    callgrind_control -i off "$PID" >/dev/null || true
    callgrind_control -d "$PID" >/dev/null || true
    cleanup
    local total
    # Every dump's totals (the first file is the empty one written at exit).
    total=$(awk '/^totals:/ { t += $2 } END { print t + 0 }' "$OUT"/callgrind.out*)
    row 'natter     %s instructions per message (each delivered to %s agents; %s of %s delivered)' \
        "$(awk -v t="${total:-0}" -v n="$(f sent "$r")" 'BEGIN { if (n > 0) printf "%.0f", t / n; else print "?" }')" \
        10 "$(f received_by_agent0 "$r")" "$(f sent "$r")"
}

bigidle() {
    # The missed rule and the rest sleep when nothing happens, however big the inbox.
    [ -x bench/big-inbox.sh ] && { BIG_OUT=$OUT bash bench/big-inbox.sh | tee -a "$OUT/big-inbox.txt" >&2 || true; }
    echo "[$(date +%T)] idle CPU with a big inbox" >&2
    DATA=$(mktemp -d -t natter-data.XXXXXX)
    NATTER_DATA_DIR="$DATA" "$NATTER" seed --conversations "${BIG_CONVERSATIONS:-100000}" \
        --messages "${BIG_MESSAGES:-1000000}" >"$OUT/seed.log" 2>&1 || { row 'idle CPU: seeding failed'; return; }
    start natter 18305
    sleep 5
    local t0 t1
    t0=$(awk '{ print $14 + $15 }' "/proc/$PID/stat")
    sleep 30
    t1=$(awk '{ print $14 + $15 }' "/proc/$PID/stat")
    cleanup
    row 'natter     idle CPU with %s conversations / %s messages: %s%% of a core' "${BIG_CONVERSATIONS:-100000}" \
        "${BIG_MESSAGES:-1000000}" "$(awk -v d=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", 100 * d / hz / 30 }')"
    [ -f "$OUT/big-inbox.txt" ] && while IFS= read -r line; do row '%s' "$line"; done <"$OUT/big-inbox.txt"
}

HEADER="natter bench $(date -u +%FT%TZ): $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr), node $(node --version); servers on CPU 0, load client on CPU 1"
echo "$HEADER" >&2
for part in $PARTS; do
    case $part in
    load) for rate in $RATES; do for kind in $SERVERS; do load "$kind" "$rate"; done; done ;;
    idle) for kind in $SERVERS; do [ "$kind" = natter-pg ] || idle "$kind"; done ;;
    logins) logins ;;
    cluster) cluster ;;
    instructions) instructions ;;
    bigidle) bigidle ;;
    esac
done
{
    echo "$HEADER"
    echo "load: $VISITORS visitors + $AGENTS agents, every message to every agent; ${WARMUP} s warm-up + ${SECS} s measured;"
    echo "latency = visitor send -> agent 0 receives; Natter acks after the durable commit (SQLite WAL synchronous=FULL, or PostgreSQL)"
    printf '%s\n' "${ROWS[@]}"
    echo "raw results: $OUT"
} | tee "$OUT/table.txt"
