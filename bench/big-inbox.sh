#!/usr/bin/env bash
# The big inbox: `natter seed` (BIG_CONVERSATIONS conversations, BIG_MESSAGES messages), then the
# conversation list and search through the REST API, one request at a time over one keep-alive
# connection, the server pinned to CPU 0 and the client to CPU 1; p50/p99 of REQUESTS each, after
# BIG_WARMUP untimed ones.
# On SQLite, and on PostgreSQL when PG_ADMIN answers. Prints one line per measure.
#
# Env (defaults): BIG_CONVERSATIONS=100000 BIG_MESSAGES=1000000 REQUESTS=200 BIG_WARMUP=50
#   PG_ADMIN=postgres://postgres@127.0.0.1:5432/test NATTER=target/release/natter
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CONVERSATIONS=${BIG_CONVERSATIONS:-100000}
MESSAGES=${BIG_MESSAGES:-1000000}
REQUESTS=${REQUESTS:-200}
BIG_WARMUP=${BIG_WARMUP:-50}
PG_ADMIN=${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/test}
NATTER=${NATTER:-${CARGO_TARGET_DIR:-$ROOT/target}/release/natter}
export NATTER_ADMIN_EMAIL=admin@natter.test NATTER_ADMIN_PASSWORD='correct horse battery'

PID= DATA= PGDB=
cleanup() {
    [ -n "$PID" ] && { kill -TERM "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; }
    [ -n "$DATA" ] && rm -rf "$DATA"
    [ -n "$PGDB" ] && psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $PGDB WITH (FORCE)" >/dev/null 2>&1
    PID= DATA= PGDB=
}
trap cleanup EXIT

measure() { # KIND [DATABASE_URL]
    local kind=$1 url=${2:-}
    DATA=$(mktemp -d -t natter-big.XXXXXX)
    local started=$SECONDS
    env NATTER_DATA_DIR="$DATA" NATTER_LOG=warn ${url:+DATABASE_URL=$url} "$NATTER" seed \
        --conversations "$CONVERSATIONS" --messages "$MESSAGES" >"$DATA/seed.log" 2>&1
    echo "[$(date +%T)] $kind: seeded $CONVERSATIONS conversations / $MESSAGES messages in $((SECONDS - started)) s" >&2
    # After a bulk load, as autovacuum would within its next rounds: the text indexes' pending
    # lists merged (until then every search reads them whole) and fresh statistics.
    [ -n "$url" ] && psql -q "$url" -c "VACUUM ANALYZE" >/dev/null
    env NATTER_BIND=127.0.0.1:18306 NATTER_DATA_DIR="$DATA" NATTER_LOG=warn ${url:+DATABASE_URL=$url} \
        taskset -c 0 "$NATTER" >"$DATA/server.log" 2>&1 &
    PID=$!
    for _ in $(seq 1 600); do curl -sf -o /dev/null http://127.0.0.1:18306/readyz && break; sleep 0.1; done
    taskset -c 1 python3 - "$kind" "$REQUESTS" "$BIG_WARMUP" <<'EOF'
import http.client, json, os, sys, time
kind, n, warmup = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
c = http.client.HTTPConnection("127.0.0.1", 18306)
def call(method, path, body=None, token=None):
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = "Bearer " + token
    t = time.perf_counter()
    c.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    r = c.getresponse()
    data = r.read()
    assert r.status in (200, 201), (path, r.status, data[:200])
    return (time.perf_counter() - t) * 1000, json.loads(data)
_, login = call("POST", "/api/v1/auth/login",
                {"email": os.environ["NATTER_ADMIN_EMAIL"], "password": os.environ["NATTER_ADMIN_PASSWORD"]})
token = login["access_token"]
def run(label, paths):
    # Warm-up, untimed: each pooled connection's first statements are prepared and its cache filled.
    for i in range(warmup):
        call("GET", paths[i % len(paths)], token=token)
    times, hits = [], 0
    for i in range(n):
        ms, page = call("GET", paths[i % len(paths)], token=token)
        times.append(ms)
        hits += len(page["items"]) if "items" in page else page.get("conversations", 0)
    times.sort()
    p = lambda q: times[min(len(times) - 1, int(q * len(times)))]
    print(f"natter-{kind:<6} big inbox {label:<28} p50 {p(0.5):7.2f}  p99 {p(0.99):7.2f} ms  ({hits / n:.0f} items)")
_, first = call("GET", "/api/v1/conversations?filter=all&limit=50", token=token)
run("list, first page", ["/api/v1/conversations?filter=all&limit=50"])
run("list, a later page", [f"/api/v1/conversations?filter=all&limit=50&cursor={first['next_cursor']}"])
run("search, one word", [f"/api/v1/conversations?filter=all&limit=50&q={w}"
                         for w in ["invoice", "CANCION", "refund", "envio", "garcon", "tracking"]])
run("search, two words", [f"/api/v1/conversations?filter=all&limit=50&q={w}"
                          for w in ["late%20package", "factura%20pedido", "cafe%20uber"]])
run("search, nothing found", ["/api/v1/conversations?filter=all&limit=50&q=zzzz"])
# One long conversation repeating a word found nowhere else: more matches than the index's
# first look, in one conversation (a walk through the list would ask every conversation).
long = first["items"][-1]["id"]
for i in range(3000):
    call("POST", f"/api/v1/conversations/{long}/messages",
         {"kind": "reply", "body": f"marathon step {i}", "client_id": f"marathon-{i}"}, token=token)
run("search, one long thread", ["/api/v1/conversations?filter=all&limit=50&q=marathon"])
run("contacts search", ["/api/v1/contacts?limit=50&q=visitor4242", "/api/v1/contacts?limit=50&q=example"])
# Reports over the whole seeded span (every conversation and reply), and over a week.
run("report, conversations, 30 d", ["/api/v1/reports/conversations?tz=Europe/Madrid"])
week = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 7 * 86400))
run("report, conversations, 7 d", [f"/api/v1/reports/conversations?tz=Europe/Madrid&from={week}"])
run("report, missed, 30 d", ["/api/v1/reports/missed?limit=200"])
run("report, ratings, 30 d", ["/api/v1/reports/ratings"])
EOF
    cleanup
}

measure sqlite
if psql -q "$PG_ADMIN" -c "SELECT 1" >/dev/null 2>&1; then
    PGDB=natter_big_$RANDOM$RANDOM
    psql -q "$PG_ADMIN" -c "CREATE DATABASE $PGDB" >/dev/null
    measure pg "${PG_ADMIN%/*}/$PGDB"
fi
