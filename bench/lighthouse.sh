#!/usr/bin/env bash
# Lighthouse (mobile, the default settings: a throttled mid-range phone on slow 4G) on the
# sign-in page and on the dashboard of a signed-in person (issue 16). Figures, not a test: not
# part of scripts/test.sh.
#
# Uses the client in dist/ (scripts/dev.sh or scripts/test.sh builds it) and the server in
# target/release if it is built, else the debug one (it only serves files and a few calls
# here; Lighthouse's simulated throttling sets the timings). Starts its own database, mail
# sink and server, makes a confirmed account with a workspace over the HTTP API
# (bench/make-data.py), then runs Lighthouse with that account's cookie for the dashboard.
# Installs Lighthouse 12.2.3 into .tools/node the first time (13 wants Node 22).
# Prints the performance score, largest contentful paint and total blocking time per page,
# and saves the table in bench/results/.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
cd "$ROOT"

LIGHTHOUSE_VERSION="12.2.3"
LH="$TOOLS/node/node_modules/.bin/lighthouse"
if [[ "$("$LH" --version 2>/dev/null)" != "$LIGHTHOUSE_VERSION" ]]; then
  need_cmd npm "Install Node.js and npm."
  say "Installing Lighthouse $LIGHTHOUSE_VERSION into .tools/node (once)"
  mkdir -p "$TOOLS/node"
  [[ -f "$TOOLS/node/package.json" ]] || echo '{"name":"mewayz-tools","private":true}' > "$TOOLS/node/package.json"
  npm install --prefix "$TOOLS/node" --no-audit --no-fund --loglevel=error -E "lighthouse@$LIGHTHOUSE_VERSION"
fi
ensure_chromium
ensure_database_server
[[ -f "$ROOT/dist/index.html" ]] || die "dist/ has no built client: run scripts/dev.sh or scripts/test.sh first"

build_server # the debug server and mail sink (quick when they are up to date)
SERVER_BIN="$ROOT/target/debug/mewayz-server"
[[ -x "$ROOT/target/release/mewayz-server" ]] && SERVER_BIN="$ROOT/target/release/mewayz-server"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/mewayz-lighthouse.XXXXXX")"
LOG_DIR="$ROOT/target/bench"
mkdir -p "$LOG_DIR"
cleanup() {
  trap - INT TERM EXIT
  stop_started
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

DB_PORT="$(free_port)"
say "Starting a throw-away MongoDB wire server on 127.0.0.1:$DB_PORT"
start_database "$DB_PORT" ":memory:"
export MONGODB_URI="mongodb://127.0.0.1:$DB_PORT/?retryWrites=false"
export MONGODB_DB="lighthouse"
MAIL_PORT="$(free_port)"
MAIL_DIR="$WORK/mail"
mkdir -p "$MAIL_DIR"
start_mail_sink "$MAIL_PORT" "$MAIL_DIR"
RUST_LOG=warn "$SERVER_BIN" plans load "$ROOT/config/plans.json" >/dev/null || die "could not load the plans"

PORT="$(free_port)"
BASE="http://127.0.0.1:$PORT"
say "Starting ${SERVER_BIN#"$ROOT"/} on $BASE"
HOST=127.0.0.1 PORT="$PORT" PUBLIC_URL="$BASE" DIST_DIR="$ROOT/dist" RUST_LOG=warn SMTP_URL="smtp://127.0.0.1:$MAIL_PORT" \
  ACCESS_TOKEN_TTL_SECS=86400 "$SERVER_BIN" >"$LOG_DIR/lighthouse-server.log" 2>&1 &
SERVER_PID=$!
wait_for_port 127.0.0.1 "$PORT" 30 || { tail -40 "$LOG_DIR/lighthouse-server.log" >&2; die "the server did not start"; }

HANDLE="lh_$(python3 -c 'import secrets,string; print("".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(8)))')"
say "Creating a confirmed account and its workspace over HTTP"
BASE="$BASE" MAIL_DIR="$MAIL_DIR" HANDLE="$HANDLE" SERVER_BIN="$SERVER_BIN" OUT="$WORK/data.env" \
  python3 "$ROOT/bench/make-data.py" >/dev/null || die "creating the data failed (log: target/bench/lighthouse-server.log)"
# shellcheck disable=SC1091
source "$WORK/data.env"

FLAGS="--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync"
run_lighthouse() { # name url [cookie]
  local name="$1" url="$2" cookie="${3:-}" args=()
  say "Lighthouse (mobile, performance) on $url${cookie:+ (signed in)}"
  [[ -n "$cookie" ]] && args+=(--extra-headers "{\"Cookie\": \"$cookie\"}")
  CHROME_PATH=/usr/bin/chromium "$LH" "$url" --quiet --only-categories=performance --output=json \
    --output-path="$WORK/$name.json" --chrome-flags="$FLAGS --user-data-dir=$WORK/profile-$name" "${args[@]}" \
    || die "Lighthouse failed on $url"
}
run_lighthouse login "$BASE/login"
run_lighthouse dashboard "$BASE/" "$COOKIE"

mkdir -p "$ROOT/bench/results"
RESULT="$ROOT/bench/results/lighthouse-$(date +%Y-%m-%d-%H%M%S).md"
python3 - "$WORK" "$(git rev-parse --short HEAD 2>/dev/null || echo '?')" <<'PY' | tee "$RESULT"
import json, sys
work, commit = sys.argv[1], sys.argv[2]
print(f"# Lighthouse {json.load(open(f'{work}/login.json'))['lighthouseVersion']}, mobile (default throttling), commit {commit}\n")
print("| page | performance | largest contentful paint | total blocking time | first contentful paint | bytes transferred |")
print("|---|---:|---:|---:|---:|---:|")
for name in ("login", "dashboard"):
    r = json.load(open(f"{work}/{name}.json"))
    a = r["audits"]
    score = round(r["categories"]["performance"]["score"] * 100)
    total = a["total-byte-weight"]["numericValue"]
    print(f"| {name} ({r['finalDisplayedUrl'].split('/', 3)[-1] or '/'}) | {score} | {a['largest-contentful-paint']['numericValue'] / 1000:.2f} s | "
          f"{a['total-blocking-time']['numericValue']:.0f} ms | {a['first-contentful-paint']['numericValue'] / 1000:.2f} s | {total / 1024:.0f} KB |")
PY
say "Saved to ${RESULT#"$ROOT"/}"
