#!/usr/bin/env bash
# Throughput of the public link-in-bio page against a trivial static route (release build).
# Starts its own database server (throw-away data dir), mail sink and release server on free
# ports, creates its data through the real HTTP API (sign up, confirm from the captured
# e-mail, sign in, workspace, bio page, draft, publish), then runs wrk on:
#   bio        GET /{handle}           the published page (no Accept-Encoding, like wrk does)
#   bio (br)   GET /{handle}           the same with Accept-Encoding: br (compressed once, when rendered)
#   static     GET /health             tiny JSON, no database: the server's floor
#   file       GET /offline.html       a static file from dist/ (only when dist/ is built)
# Prints one summary table and saves it to bench/results/bio-<date>.txt.
# Figures, not a test: not part of scripts/test.sh.
#
#   DURATION=20s     seconds per wrk run (20 or 20s)
#   CONNECTIONS=64   wrk -c;  THREADS=2  wrk -t
#   SKIP_BUILD=1     use the release binaries already in target/release (e.g. while someone's
#                    unfinished change breaks the build); the summary shows when they were built
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
cd "$ROOT"

DURATION="${DURATION:-20s}"
[[ "$DURATION" =~ ^[0-9]+$ ]] && DURATION="${DURATION}s"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"

if ! command -v wrk >/dev/null 2>&1; then
  say "wrk is missing: installing Debian's wrk with apt-get"
  if [[ $EUID -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
fi
need_cmd curl "Install curl."
ensure_database_server

SERVER_BIN="$ROOT/target/release/mewayz-server"
SINK_BIN="$ROOT/target/release/mail-sink"
if [[ -n "${SKIP_BUILD:-}" ]]; then
  [[ -x "$SERVER_BIN" && -x "$SINK_BIN" ]] || die "SKIP_BUILD is set but target/release has no mewayz-server and mail-sink"
  warn "SKIP_BUILD: using the release binaries built $(date -r "$SERVER_BIN" '+%Y-%m-%d %H:%M')"
else
  say "Building the release server (cargo build --release -p server; the first time takes several minutes)"
  cargo build --quiet --release -p server
fi
BUILT_AT="$(date -r "$SERVER_BIN" '+%Y-%m-%d %H:%M')"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/mewayz-bio-bench.XXXXXX")"
LOG_DIR="$ROOT/target/bench-bio"
mkdir -p "$LOG_DIR"
cleanup() {
  trap - INT TERM EXIT
  stop_started
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo; warn "interrupted: stopping what this benchmark started"; exit 130' INT TERM

# ---------------------------------------------------------------- services

DB_PORT="$(free_port)"
say "Starting a throw-away MongoDB wire server on 127.0.0.1:$DB_PORT (data in $WORK/db)"
mkdir -p "$WORK/db"
start_database "$DB_PORT" "$WORK/db"
export MONGODB_URI="mongodb://127.0.0.1:$DB_PORT/?retryWrites=false"
export MONGODB_DB="bench_bio"

MAIL_PORT="$(free_port)"
MAIL_DIR="$WORK/mail"
mkdir -p "$MAIL_DIR"
"$SINK_BIN" --port "$MAIL_PORT" --dir "$MAIL_DIR" >"$LOG_DIR/mail-sink.log" 2>&1 &
SINK_PID=$!
wait_for_port 127.0.0.1 "$MAIL_PORT" 15 || { cat "$LOG_DIR/mail-sink.log" >&2; die "the mail sink did not start"; }

say "Loading the plans (config/plans.json)"
RUST_LOG=warn "$SERVER_BIN" plans load "$ROOT/config/plans.json" >/dev/null || die "could not load the plans"

if [[ -f "$ROOT/dist/index.html" ]]; then
  DIST="$ROOT/dist"
else
  DIST="$WORK/no-dist" # the server runs without a built client; only /health is benched then
  mkdir -p "$DIST"
fi
PORT="$(free_port)"
BASE="http://127.0.0.1:$PORT"
say "Starting the release server on $BASE (log: target/bench-bio/server.log)"
HOST=127.0.0.1 PORT="$PORT" PUBLIC_URL="$BASE" DIST_DIR="$DIST" RUST_LOG="${RUST_LOG:-warn}" \
  SMTP_URL="smtp://127.0.0.1:$MAIL_PORT" \
  JWT_SECRET="$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')" \
  "$SERVER_BIN" >"$LOG_DIR/server.log" 2>&1 &
SERVER_PID=$!
if ! wait_for_port 127.0.0.1 "$PORT" 30 || ! kill -0 "$SERVER_PID" 2>/dev/null; then
  tail -40 "$LOG_DIR/server.log" >&2
  die "the server did not start"
fi
for _ in $(seq 1 100); do
  curl -fsS "$BASE/ready" >/dev/null 2>&1 && break
  sleep 0.2
done

# ---------------------------------------------------------------- data, like a user

HANDLE="bench_$(python3 -c 'import secrets,string; print("".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(8)))')"
say "Creating the data over HTTP: sign up, confirm, sign in, workspace, bio page /$HANDLE, draft, publish"
BASE="$BASE" MAIL_DIR="$MAIL_DIR" HANDLE="$HANDLE" python3 - <<'PY' || die "creating the benchmark's data failed (server log: target/bench-bio/server.log)"
import email, email.policy, glob, json, os, re, sys, time
import urllib.error, urllib.parse, urllib.request

BASE, MAIL_DIR, HANDLE = os.environ["BASE"], os.environ["MAIL_DIR"], os.environ["HANDLE"]
EMAIL, PASSWORD = f"{HANDLE}@example.com", "juniper canal whistle 77"
cookies = {}

def call(fn, **form):
    """POSTs a server fn form-encoded, as the client does (no Origin header), with the cookies."""
    req = urllib.request.Request(f"{BASE}/api/{fn}", data=urllib.parse.urlencode(form).encode(), method="POST")
    req.add_header("Content-Type", "application/x-www-form-urlencoded")
    if cookies:
        req.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            for c in res.headers.get_all("Set-Cookie") or []:
                name, _, value = c.split(";", 1)[0].partition("=")
                cookies[name.strip()] = value.strip()
            body = res.read()
    except urllib.error.HTTPError as e:
        sys.exit(f"{fn}: HTTP {e.code}: {e.read().decode(errors='replace')[:500]}")
    return json.loads(body) if body.strip() else None

def verification_token(timeout=20):
    end = time.time() + timeout
    while time.time() < end:
        for path in sorted(glob.glob(os.path.join(MAIL_DIR, "*.eml"))):
            with open(path, "rb") as f:
                raw = f.read()
            if EMAIL.encode() not in raw.lower():
                continue
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            if EMAIL not in str(msg.get("To", "")).lower() and EMAIL not in open(path, errors="replace").read().lower():
                continue
            for part in msg.walk():
                if part.is_multipart():
                    continue
                text = (part.get_payload(decode=True) or b"").decode(errors="replace")
                m = re.search(r'https?://[^\s"<>]*/verify-email\?token=([^\s"<>&]+)', text)
                if m:
                    return urllib.parse.unquote(m.group(1))
        time.sleep(0.2)
    sys.exit(f"no verification e-mail to {EMAIL} arrived within {timeout} s")

out = call("sign_up", name="Bench Person", email=EMAIL, password=PASSWORD)
if not out.get("email_configured"):
    sys.exit(f"sign_up says e-mail is not configured: {out}")
call("verify_email", token=verification_token())
out = call("sign_in", email=EMAIL, password=PASSWORD)
if "SignedIn" not in json.dumps(out):
    sys.exit(f"sign_in did not sign in: {out}")
ws = call("create_workspace", name="Bench Studio", kind="creator")["id"]
page = call("create_bio_page", workspace=ws, handle=HANDLE)

links = [
    ("Latest video: 10 minute studio tour", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
    ("Shop my presets", "https://shop.example.com/presets"),
    ("Book a 1:1 coaching call", "https://cal.example.com/bench/coaching"),
    ("Free guide: lighting on a budget", "https://example.com/guides/lighting"),
    ("My camera gear list", "https://example.com/gear"),
    ("Podcast: Making Things, episode 42", "https://podcast.example.com/episodes/42"),
    ("Newsletter archive", "https://news.example.com/archive"),
    ("Support the channel", "https://example.com/support"),
]
blocks = [{"id": "hdr", "type": "header", "text": "Sam Rivera: photographer and teacher"}]
blocks += [{"id": f"link{i}", "type": "link", "title": t, "url": u, "enabled": True} for i, (t, u) in enumerate(links, 1)]
blocks += [
    {"id": "about", "type": "text", "text": "I teach **photography** to people who *just started*.\n\n"
        "New lessons every Tuesday. Questions? Read the [FAQ](https://example.com/faq) first.\nThank you for being here!"},
    {"id": "social", "type": "social", "links": [
        {"network": "instagram", "url": "https://instagram.com/bench"},
        {"network": "youtube", "url": "https://youtube.com/@bench"},
        {"network": "tiktok", "url": "https://tiktok.com/@bench"},
        {"network": "github", "url": "https://github.com/bench"},
    ]},
    {"id": "div", "type": "divider"},
    {"id": "signup", "type": "email_capture", "heading": "Get the weekly photo tip", "button": "Subscribe",
        "consent": "I agree to receive e-mails from Sam Rivera and can unsubscribe at any time."},
]
content = {"blocks": blocks, "seo": {"title": "Sam Rivera", "description": "Photography lessons, presets and gear."}}
page = call("save_bio_draft", workspace=ws, page=page["id"], content=json.dumps(content), version=page["version"])
page = call("publish_bio_page", workspace=ws, page=page["id"], version=page["version"])
if not page.get("published"):
    sys.exit(f"publish_bio_page did not publish: {page}")
print(f"    page /{HANDLE}: {len(blocks)} blocks published")
PY

# ---------------------------------------------------------------- sizes

BIO_URL="$BASE/$HANDLE"
status="$(curl -s -o "$WORK/page.html" -w '%{http_code}' "$BIO_URL")"
[[ "$status" == 200 ]] || die "GET /$HANDLE answered $status"
grep -q "Book a 1:1 coaching call" "$WORK/page.html" || die "the published page does not show its links"
# Body bytes on the wire: curl without --compressed neither asks for nor decodes compression.
size_of() { # URL [Accept-Encoding] -> "bytes encoding"
  local enc="${2:-}" args=(-s -o /dev/null -D "$WORK/headers" -w '%{size_download}')
  [[ -n "$enc" ]] && args+=(-H "Accept-Encoding: $enc")
  local n; n="$(curl "${args[@]}" "$1")"
  local ce; ce="$(grep -i '^content-encoding:' "$WORK/headers" | tr -d '\r' | awk '{print $2}' || true)"
  echo "$n ${ce:-identity}"
}
read -r RAW_BYTES _ <<<"$(size_of "$BIO_URL")"
read -r BR_BYTES BR_ENC <<<"$(size_of "$BIO_URL" br)"
read -r GZ_BYTES GZ_ENC <<<"$(size_of "$BIO_URL" gzip)"
HEALTH_BYTES="$(curl -s -o /dev/null -w '%{size_download}' "$BASE/health")"

STATIC_FILE=""
if [[ -f "$DIST/offline.html" ]]; then
  STATIC_FILE="/offline.html"
  [[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE$STATIC_FILE")" == 200 ]] || STATIC_FILE=""
fi

# ---------------------------------------------------------------- wrk

cat >"$WORK/report.lua" <<'LUA'
-- One machine-readable line after wrk's own report.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH requests=%d duration_us=%d bytes=%d connect=%d read=%d write=%d status=%d timeout=%d p50_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
LUA

CORES="$(nproc)"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
BUILDS_BEFORE="$(pgrep -c -x rustc || true)"
BUSY_MAX="$BUILDS_BEFORE"

declare -A RPS P50 P99 ERRS BPR
run_wrk() { # label url [header]
  local label="$1" url="$2" out="$WORK/wrk-$1.txt"
  local args=(-t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$WORK/report.lua")
  [[ -n "${3:-}" ]] && args+=(-H "$3")
  say "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency ${3:+-H '$3' }$url"
  wrk "${args[@]}" "$url" >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed"; }
  grep -E '^(Running|  [0-9]+ requests|Requests/sec|Transfer/sec)' "$out" | sed 's/^ */    /'
  local line; line="$(grep '^BENCH ' "$out")" || die "no summary from wrk (see $out)"
  local -A v
  for kv in ${line#BENCH }; do v[${kv%%=*}]="${kv#*=}"; done
  RPS[$label]="$(awk -v r="${v[requests]}" -v d="${v[duration_us]}" 'BEGIN{printf "%.0f", r/(d/1e6)}')"
  P50[$label]="$(awk -v u="${v[p50_us]}" 'BEGIN{printf "%.2f", u/1000}')"
  P99[$label]="$(awk -v u="${v[p99_us]}" 'BEGIN{printf "%.2f", u/1000}')"
  ERRS[$label]=$(( ${v[connect]} + ${v[read]} + ${v[write]} + ${v[status]} + ${v[timeout]} ))
  BPR[$label]="$(awk -v b="${v[bytes]}" -v r="${v[requests]}" 'BEGIN{printf "%.0f", (r ? b/r : 0)}')"
  local busy; busy="$(pgrep -c -x rustc || true)"
  (( busy > BUSY_MAX )) && BUSY_MAX=$busy
  return 0
}

curl -s -o /dev/null "$BIO_URL" # the page is rendered once and then served from memory
run_wrk bio "$BIO_URL"
run_wrk bio-br "$BIO_URL" "Accept-Encoding: br"
run_wrk static "$BASE/health"
[[ -n "$STATIC_FILE" ]] && run_wrk file "$BASE$STATIC_FILE"

RSS_PEAK_KB="$(awk '/^VmHWM:/ {print $2}' "/proc/$SERVER_PID/status")"
RSS_NOW_KB="$(awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status")"
kill -0 "$SERVER_PID" 2>/dev/null || die "the server died during the benchmark (see target/bench-bio/server.log)"
RATIO="$(awk -v a="${RPS[bio]}" -v b="${RPS[static]}" 'BEGIN{printf "%.2f", (b ? a/b : 0)}')"

# ---------------------------------------------------------------- summary

mkdir -p "$ROOT/bench/results"
RESULT="$ROOT/bench/results/bio-$(date +%Y-%m-%d-%H%M%S).txt"
{
  echo "Mewayz public bio page benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$( [[ -n "$(git status --porcelain 2>/dev/null | head -1)" ]] && echo ' (+ uncommitted changes)')"
  echo "release build of $BUILT_AT${SKIP_BUILD:+ (SKIP_BUILD: not rebuilt for this run)}; wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency; server, database and wrk share this machine"
  echo "machine: $CORES cores; load average before: $LOAD_BEFORE; rustc processes running: $BUILDS_BEFORE before, up to $BUSY_MAX during"
  if (( BUSY_MAX > 0 )); then
    echo "NOTE: other cargo builds were running on the same cores, so these figures are lower than on an idle machine."
  fi
  echo
  printf '%-24s %10s %9s %9s %8s %12s\n' "target" "req/s" "p50 ms" "p99 ms" "errors" "bytes/resp*"
  row() { printf '%-24s %10s %9s %9s %8s %12s\n' "$1" "${RPS[$2]}" "${P50[$2]}" "${P99[$2]}" "${ERRS[$2]}" "${BPR[$2]}"; }
  row "bio /$HANDLE" bio
  row "bio, Accept-Enc: br" bio-br
  row "static /health" static
  [[ -n "$STATIC_FILE" ]] && row "static $STATIC_FILE" file
  echo "* bytes/resp: what wrk read per response, headers included."
  echo "errors: socket errors (connect, read, write, timeout) plus responses with status >= 400."
  echo
  echo "bio page body: $RAW_BYTES bytes uncompressed, $BR_BYTES with Accept-Encoding: br ($BR_ENC), $GZ_BYTES with gzip ($GZ_ENC); /health body: $HEALTH_BYTES bytes"
  echo "bio / static (/health) throughput: $RATIO"
  echo "server peak RSS (VmHWM): $(awk -v k="$RSS_PEAK_KB" 'BEGIN{printf "%.1f", k/1024}') MB (now $(awk -v k="$RSS_NOW_KB" 'BEGIN{printf "%.1f", k/1024}') MB)"
  if [[ -n "$STATIC_FILE" ]]; then
    echo "static routes: /health (tiny JSON, no database) and $STATIC_FILE (a file from dist/)"
  else
    echo "static route: /health (tiny JSON, no database); dist/ is not built, so no static file was measured"
  fi
} | tee "$WORK/summary.txt"
cp "$WORK/summary.txt" "$RESULT"
echo
say "Saved to ${RESULT#"$ROOT"/}"
