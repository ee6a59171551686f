#!/usr/bin/env bash
# Fuzzes the REST API against its own OpenAPI document with schemathesis (pinned),
# on a fresh SQLite data dir and the debug build, for at most SECS seconds:
# every check, positive and negative data, the stateful phase. No 5xx, every
# answer as documented. One check is left out: positive_data_acceptance, which
# expects every schema-valid body to be accepted, while the domain rightly
# refuses more than a JSON schema can say (an email's form, control characters,
# a shortcut in use) with a documented 422 or 409.
# Usage: .ci/schemathesis.sh [SECS]   (NATTER_BIN: another server binary)
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-150}
VERSION=4.32.5
BUILD=${CARGO_TARGET_DIR:-target}
VENV=${SCHEMATHESIS_VENV:-$BUILD/schemathesis-$VERSION}
if [ ! -x "$VENV/bin/schemathesis" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q "schemathesis==$VERSION"
fi
DATA=$(mktemp -d -t natter-st.XXXXXX)
LOG=$DATA/natter.log
# The API is under test, not the web apps: a stub page, chat frame and rating page.
mkdir -p "$DATA/web"
echo '<!doctype html><title>Natter</title>' >"$DATA/web/index.html"
echo '<!doctype html><title>Chat</title>' >"$DATA/web/widget.html"
echo '<!doctype html><title>Rating</title>' >"$DATA/web/rating.html"
EMAIL=admin@natter.test PASSWORD='correct horse battery'
env -u DATABASE_URL NATTER_DATA_DIR="$DATA" NATTER_WEB_DIR="$DATA/web" NATTER_BIND=127.0.0.1:0 NATTER_LOG=info NATTER_LOG_FORMAT=json \
    NATTER_NEW_VISITORS_PER_IP=0 NATTER_ADMIN_EMAIL=$EMAIL NATTER_ADMIN_PASSWORD="$PASSWORD" \
    "${NATTER_BIN:-$BUILD/debug/natter}" >"$LOG" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -rf "$DATA"' EXIT
PORT=
for _ in $(seq 600); do
    PORT=$(grep -o '"message":"natter is listening","port":[0-9]*' "$LOG" | grep -o '[0-9]*$' || true)
    [ -n "$PORT" ] && break
    kill -0 $PID || { cat "$LOG"; exit 1; }
    sleep 0.1
done
[ -n "$PORT" ] || { echo "natter did not start"; cat "$LOG"; exit 1; }
BASE=http://127.0.0.1:$PORT
TOKEN=$(curl -sf "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
KEY=$(curl -sf "$BASE/api/v1/api-keys" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
    -d '{"name":"schemathesis","role":"admin"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
# Email is off on this server (no SMTP), so its operations answer 503 `email_disabled` by
# design; they are tested against a real SMTP server in the API suite instead.
"$VENV/bin/schemathesis" run "$BASE/api/v1/openapi.json" \
    --checks all --mode all --phases examples,coverage,fuzzing,stateful \
    --exclude-checks positive_data_acceptance \
    --max-time "$SECS" --max-examples 30 --seed 1 --workers 1 --request-timeout 10 \
    --exclude-path-regex '^/api/v1/(ws/|inbound/email|agents/invitations|auth/password-reset|auth/set-password|conversations/[^/]+/email|widget/transcript)' \
    -H "Authorization: Bearer $KEY"
# Client errors are never logged as errors (actix-http's own parse errors aside).
if grep '"level":"ERROR"' "$LOG" | grep -q '"target":"backend'; then
    echo "the server logged errors:"; grep '"level":"ERROR"' "$LOG" | grep -m 20 '"target":"backend'; exit 1
fi
