#!/usr/bin/env bash
# Load benchmark of the release server (issue 8). Figures, not a test: not part of scripts/test.sh.
#
# Builds the release server (first time: 15-20 minutes on 2 cores), starts its own database
# server (durable storage in a temp dir, --sync-on-commit), mail sink and release server on free
# ports, creates its data through the real HTTP API (sign up, confirm from the captured e-mail,
# Pro by an administrator's complimentary plan, workspace, published bio page, short link), then
# drives each target with wrk, one after the other, with the same settings:
#   bio        GET  /{handle}               the published page (rendered once, then from memory)
#   biobr      GET  /{handle}               the same with Accept-Encoding: br, as every browser asks
#   short      GET  /s/{slug}               the short-link redirect (302 is the expected answer)
#   form       GET  /f/{slug}               a published form's first step (one find, then rendered)
#   read fn    POST /api/list_short_links   signed in, a workspace read
#   write fn   POST /api/update_profile     signed in, a write of the user's profile
#   file       GET  /offline.html           a small file of the client, from dist/ (if built)
#   file br    GET  /main-*.css             the stylesheet, Accept-Encoding: br (if built)
#   static     GET  /health                 tiny JSON, no database
# and the ceilings, from a separate bare axum process on the same database (devtools'
# bench-ceiling):
#   hello      GET  /hello                  a bare axum route, no middleware at all
#   find       GET  /find                   exactly one find_one by _id, nothing else
#   update     POST /update                 exactly one update_one by _id
# The goals (issue 14) are printed at the end: a signed-in read at least 0.5x the one-find
# ceiling, a signed-in write at least 0.4x the one-update ceiling, the bio page at least
# 0.5x the bare hello route, and the server's peak RSS under 100 MB.
# Every response's status is counted: "errors" are socket errors plus answers other than the
# expected status (200, or 302 for the redirect). Peak RSS is the server's VmRSS sampled during
# each target, and its VmHWM at the end. Prints one table and saves it in bench/results/.
#
# wrk waits up to 10 s for an answer (its default, 2 s, would count slow answers as errors).
#   DURATION=10s     per target (10 or 10s);  CONNECTIONS=32  wrk -c;  THREADS=2  wrk -t
#   SKIP_BUILD=1     use the release binaries already in target/release (the table says when
#                    they were built)
#   SERVER_BIN=path  benchmark that server binary instead (implies SKIP_BUILD), e.g. a copy
#                    kept from before a change
# Uses the release client in dist/ when it is there (scripts/dev.sh builds it); it never runs Trunk.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
cd "$ROOT"

DURATION="${DURATION:-10s}"
[[ "$DURATION" =~ ^[0-9]+$ ]] && DURATION="${DURATION}s"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"

if ! command -v wrk >/dev/null 2>&1; then
  say "wrk is missing: installing Debian's wrk with apt-get"
  if [[ $EUID -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
fi
need_cmd curl "Install curl."
need_cmd python3 "Install Python 3."
ensure_database_server

SINK_BIN="$ROOT/target/release/mail-sink"
CEILING_BIN="$ROOT/target/release/bench-ceiling"
if [[ -n "${SERVER_BIN:-}" ]]; then
  # Another build of the server (e.g. a copy from before a change), for a before/after comparison.
  [[ -x "$SERVER_BIN" && -x "$SINK_BIN" && -x "$CEILING_BIN" ]] || die "SERVER_BIN=$SERVER_BIN is not an executable, or target/release has no mail-sink or bench-ceiling"
  SKIP_BUILD=1
  warn "SERVER_BIN: benchmarking $SERVER_BIN, built $(date -r "$SERVER_BIN" '+%Y-%m-%d %H:%M')"
fi
SERVER_BIN="${SERVER_BIN:-$ROOT/target/release/mewayz-server}"
if [[ -n "${SKIP_BUILD:-}" ]]; then
  [[ -x "$SERVER_BIN" && -x "$SINK_BIN" && -x "$CEILING_BIN" ]] || die "SKIP_BUILD is set but target/release has no mewayz-server, mail-sink and bench-ceiling"
  warn "SKIP_BUILD: using the release binaries built $(date -r "$SERVER_BIN" '+%Y-%m-%d %H:%M')"
else
  say "Building the release server, mail sink and ceilings (cargo build --release -p server --bins -p devtools --bin mail-sink --bin bench-ceiling; the first time takes 15-20 minutes on 2 cores)"
  cargo build --quiet --release -p server --bins -p devtools --bin mail-sink --bin bench-ceiling
fi
BUILT_AT="$(date -r "$SERVER_BIN" '+%Y-%m-%d %H:%M')"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/mewayz-bench.XXXXXX")"
LOG_DIR="$ROOT/target/bench"
mkdir -p "$LOG_DIR"
SAMPLER_PID=""
cleanup() {
  trap - INT TERM EXIT
  stop_pid "$SAMPLER_PID"
  stop_pid "${CEILING_PID:-}"
  stop_started
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo; warn "interrupted: stopping what this benchmark started"; exit 130' INT TERM

# ---------------------------------------------------------------- services

DB_PORT="$(free_port)"
say "Starting a throw-away MongoDB wire server on 127.0.0.1:$DB_PORT (durable writes, data in $WORK/db)"
mkdir -p "$WORK/db"
start_database "$DB_PORT" "$WORK/db" --sync-on-commit
export MONGODB_URI="mongodb://127.0.0.1:$DB_PORT/?retryWrites=false"
export MONGODB_DB="bench"

MAIL_PORT="$(free_port)"
MAIL_DIR="$WORK/mail"
mkdir -p "$MAIL_DIR"
"$SINK_BIN" --port "$MAIL_PORT" --dir "$MAIL_DIR" >"$LOG_DIR/mail-sink.log" 2>&1 &
SINK_PID=$!
wait_for_port 127.0.0.1 "$MAIL_PORT" 15 || { cat "$LOG_DIR/mail-sink.log" >&2; die "the mail sink did not start"; }

CEILING_PORT="$(free_port)"
CEILING="http://127.0.0.1:$CEILING_PORT"
"$CEILING_BIN" --port "$CEILING_PORT" --uri "$MONGODB_URI" --db "$MONGODB_DB" >"$LOG_DIR/bench-ceiling.log" 2>&1 &
CEILING_PID=$!
wait_for_port 127.0.0.1 "$CEILING_PORT" 15 || { cat "$LOG_DIR/bench-ceiling.log" >&2; die "the ceiling server did not start"; }

say "Loading the plans (config/plans.json)"
RUST_LOG=warn "$SERVER_BIN" plans load "$ROOT/config/plans.json" >/dev/null || die "could not load the plans"

if [[ -f "$ROOT/dist/index.html" ]]; then
  DIST="$ROOT/dist"
else
  DIST="$WORK/no-dist" # no built client: the file targets are left out
  mkdir -p "$DIST"
  warn "dist/ has no built client (scripts/dev.sh builds it): the static file targets are left out"
fi
PORT="$(free_port)"
BASE="http://127.0.0.1:$PORT"
say "Starting the release server on $BASE (RUST_LOG=warn; log: target/bench/server.log)"
# Access tokens live a day here, so the signed-in targets never run into a refresh.
HOST=127.0.0.1 PORT="$PORT" PUBLIC_URL="$BASE" DIST_DIR="$DIST" RUST_LOG=warn \
  SMTP_URL="smtp://127.0.0.1:$MAIL_PORT" ACCESS_TOKEN_TTL_SECS=86400 \
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
say "Creating the data over HTTP: account, Pro workspace, bio page /$HANDLE, short link"
BASE="$BASE" MAIL_DIR="$MAIL_DIR" HANDLE="$HANDLE" SERVER_BIN="$SERVER_BIN" OUT="$WORK/data.env" \
  python3 "$ROOT/bench/make-data.py" || die "creating the benchmark's data failed (server log: target/bench/server.log)"
# shellcheck disable=SC1091
source "$WORK/data.env"

# ---------------------------------------------------------------- targets, checked once by hand

READ_BODY="workspace=$WS"
WRITE_BODY="name=Bench+Person&locale=en&time_zone=Europe%2FParis"
post() { # fn body -> status
  curl -s -o "$WORK/post.out" -w '%{http_code}' -X POST "$BASE/api/$1" -H "Origin: $BASE" -H "Cookie: $COOKIE" \
    -H 'Content-Type: application/x-www-form-urlencoded' --data "$2"
}
status="$(curl -s -o "$WORK/page.html" -w '%{http_code}' "$BASE/$HANDLE")"
[[ "$status" == 200 ]] || die "GET /$HANDLE answered $status"
grep -q "Book a 1:1 coaching call" "$WORK/page.html" || die "the published page does not show its links"
status="$(curl -s -o "$WORK/form.html" -w '%{http_code}' "$BASE/f/$FORM_SLUG")"
[[ "$status" == 200 ]] && grep -q "Coaching enquiry" "$WORK/form.html" || die "GET /f/$FORM_SLUG answered $status"
location="$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$BASE/s/$SLUG")"
[[ "$location" == "302 https://example.com/spring-sale?utm_source=bench" ]] || die "GET /s/$SLUG answered: $location"
[[ "$(post list_short_links "$READ_BODY")" == 200 ]] && grep -q "\"$SLUG\"" "$WORK/post.out" || die "list_short_links failed: $(cat "$WORK/post.out")"
[[ "$(post update_profile "$WRITE_BODY")" == 200 ]] && grep -q "Europe/Paris" "$WORK/post.out" || die "update_profile failed: $(cat "$WORK/post.out")"

STATIC_FILE="" CSS_FILE=""
if [[ -f "$DIST/offline.html" ]]; then STATIC_FILE="/offline.html"; fi
CSS_FILE="$(cd "$DIST" && find . -maxdepth 1 -name 'main-*.css' -printf '/%P\n' | head -1)"

# ---------------------------------------------------------------- wrk

# Counts every response's status per wrk thread and prints one machine-readable line at the end.
cat >"$WORK/count.lua" <<'LUA'
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  local all, text = {}, ""
  for _, t in ipairs(threads) do
    for code, n in pairs(t:get("statuses")) do all[code] = (all[code] or 0) + n end
  end
  for code, n in pairs(all) do text = text .. code .. ":" .. n .. "," end
  local e = summary.errors
  io.write(string.format("BENCH requests=%d duration_us=%d bytes=%d socket=%d status_errors=%d p50_us=%d p99_us=%d statuses=%s\n",
    summary.requests, summary.duration, summary.bytes, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), text))
end
LUA
post_lua() { # file body
  cat "$WORK/count.lua" >"$1"
  cat >>"$1" <<LUA
wrk.method = "POST"
wrk.body = "$2"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Origin"] = "$BASE"
wrk.headers["Cookie"] = "$COOKIE"
LUA
}
post_lua "$WORK/read.lua" "$READ_BODY"
{ cat "$WORK/count.lua"; echo 'wrk.method = "POST"'; } >"$WORK/update.lua"
[[ "$(curl -s -o /dev/null -w '%{http_code}' "$CEILING/find")" == 200 ]] || die "the ceiling's /find does not answer 200"
post_lua "$WORK/write.lua" "$WRITE_BODY"

CORES="$(nproc)"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
BUILDS_BEFORE="$(pgrep -c -x rustc || true)"
BUSY_MAX="$BUILDS_BEFORE"
rss_kb() { awk -v f="$1:" '$1 == f {print $2}' "/proc/$SERVER_PID/status"; }

declare -A RPS P50 P99 ERRS STATUSES RSS NAME
ORDER=()
run_wrk() { # key "label" expected-status lua url [header]
  local key="$1" label="$2" want="$3" lua="$4" url="$5" out="$WORK/wrk-$1.txt"
  local args=(-t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 10s --latency -s "$lua")
  [[ -n "${6:-}" ]] && args+=(-H "$6")
  say "$label: wrk -t$THREADS -c$CONNECTIONS -d$DURATION --timeout 10s --latency ${6:+-H '$6' }$url"
  # The server's resident memory, sampled while wrk runs.
  (while sleep 0.2; do rss_kb VmRSS; done >"$WORK/rss-$key.txt" 2>/dev/null) &
  SAMPLER_PID=$!
  wrk "${args[@]}" "$url" >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed"; }
  stop_pid "$SAMPLER_PID"; SAMPLER_PID=""
  kill -0 "$SERVER_PID" 2>/dev/null || die "the server died during '$label' (see target/bench/server.log)"
  local line; line="$(grep '^BENCH ' "$out")" || { cat "$out" >&2; die "no summary from wrk (see above)"; }
  local -A v
  for kv in ${line#BENCH }; do v[${kv%%=*}]="${kv#*=}"; done
  # Errors: socket errors plus every answer that is not the expected status.
  local unexpected=0 code n
  for pair in ${v[statuses]//,/ }; do
    code="${pair%%:*}"; n="${pair#*:}"
    [[ "$code" == "$want" ]] || unexpected=$((unexpected + n))
  done
  NAME[$key]="$label"
  RPS[$key]="$(awk -v r="${v[requests]}" -v d="${v[duration_us]}" 'BEGIN{printf "%.0f", r/(d/1e6)}')"
  P50[$key]="$(awk -v u="${v[p50_us]}" 'BEGIN{printf "%.2f", u/1000}')"
  P99[$key]="$(awk -v u="${v[p99_us]}" 'BEGIN{printf "%.2f", u/1000}')"
  ERRS[$key]=$(( ${v[socket]} + unexpected ))
  STATUSES[$key]="$(tr ',' '\n' <<<"${v[statuses]}" | grep . | sort | sed 's/:/ x/' | paste -sd, - | sed 's/,/, /g')"
  RSS[$key]="$(sort -n "$WORK/rss-$key.txt" | tail -1 | awk '{printf "%.1f", $1/1024}')"
  ORDER+=("$key")
  printf '    %s req/s, p50 %s ms, p99 %s ms, statuses: %s\n' "${RPS[$key]}" "${P50[$key]}" "${P99[$key]}" "${STATUSES[$key]}"
  local busy; busy="$(pgrep -c -x rustc || true)"
  (( busy > BUSY_MAX )) && BUSY_MAX=$busy
  return 0
}

run_wrk bio "GET /{handle} (bio page)" 200 "$WORK/count.lua" "$BASE/$HANDLE"
run_wrk biobr "GET /{handle} (bio page, br, as browsers ask)" 200 "$WORK/count.lua" "$BASE/$HANDLE" "Accept-Encoding: br"
run_wrk short "GET /s/{slug} (redirect)" 302 "$WORK/count.lua" "$BASE/s/$SLUG"
run_wrk form "GET /f/{slug} (public form, first step)" 200 "$WORK/count.lua" "$BASE/f/$FORM_SLUG"
run_wrk read "POST list_short_links (read)" 200 "$WORK/read.lua" "$BASE/api/list_short_links"
run_wrk write "POST update_profile (write)" 200 "$WORK/write.lua" "$BASE/api/update_profile"
[[ -n "$STATIC_FILE" ]] && run_wrk file "GET $STATIC_FILE" 200 "$WORK/count.lua" "$BASE$STATIC_FILE"
[[ -n "$CSS_FILE" ]] && run_wrk css "GET /main-….css (br)" 200 "$WORK/count.lua" "$BASE$CSS_FILE" "Accept-Encoding: br"
run_wrk static "GET /health" 200 "$WORK/count.lua" "$BASE/health"
run_wrk hello "ceiling: bare axum GET /hello" 200 "$WORK/count.lua" "$CEILING/hello"
run_wrk find "ceiling: one find_one" 200 "$WORK/count.lua" "$CEILING/find"
run_wrk update "ceiling: one update_one" 200 "$WORK/update.lua" "$CEILING/update"

# The kernel updates VmHWM lazily, so the peak is the larger of it and the samples.
RSS_PEAK_KB="$( (rss_kb VmHWM; cat "$WORK"/rss-*.txt) | sort -n | tail -1)"
# What the writes and clicks left in the database (the write target's count is its own check).
CLICKS="$(curl -s -X POST "$BASE/api/list_short_links" -H "Origin: $BASE" -H "Cookie: $COOKIE" \
  -H 'Content-Type: application/x-www-form-urlencoded' --data "$READ_BODY" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["clicks"])' 2>/dev/null || echo '?')"

# ---------------------------------------------------------------- summary

mkdir -p "$ROOT/bench/results"
RESULT="$ROOT/bench/results/$(date +%Y-%m-%d-%H%M%S).md"
{
  echo "# Mewayz load benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "server ${SERVER_BIN#"$ROOT"/}; commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$( [[ -n "$(git status --porcelain 2>/dev/null | head -1)" ]] && echo ' (+ uncommitted changes)'); built $BUILT_AT${SKIP_BUILD:+ (SKIP_BUILD: not rebuilt for this run)}"
  echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --timeout 10s --latency per target, one after the other; server, database (--sync-on-commit) and wrk share this machine ($CORES cores)"
  echo "load average before: $LOAD_BEFORE; rustc processes running: $BUILDS_BEFORE before, up to $BUSY_MAX during"
  if (( BUSY_MAX > 0 )); then
    echo "NOTE: other cargo builds were running on the same cores, so these figures are lower than on an idle machine."
  fi
  echo
  echo "| target | req/s | p50 ms | p99 ms | errors | ratio to static | RSS max MB | statuses |"
  echo "|---|---:|---:|---:|---:|---:|---:|---|"
  for key in "${ORDER[@]}"; do
    ratio="$(awk -v a="${RPS[$key]}" -v b="${RPS[static]}" 'BEGIN{printf "%.2f", (b ? a/b : 0)}')"
    echo "| ${NAME[$key]} | ${RPS[$key]} | ${P50[$key]} | ${P99[$key]} | ${ERRS[$key]} | $ratio | ${RSS[$key]} | ${STATUSES[$key]} |"
  done
  echo
  echo "server peak RSS (whole run, VmHWM or the largest sample): $(awk -v k="$RSS_PEAK_KB" 'BEGIN{printf "%.1f", k/1024}') MB"
  echo
  echo "| goal | figure | ratio | wanted | met |"
  echo "|---|---|---:|---:|---|"
  goal() { # label a b wanted
    awk -v l="$1" -v a="$2" -v b="$3" -v w="$4" 'BEGIN{r=(b ? a/b : 0); printf "| %s | %s / %s | %.2f | >= %.2f | %s |\n", l, a, b, r, w, (r >= w ? "yes" : "NO")}'
  }
  goal "signed-in read / one find_one" "${RPS[read]}" "${RPS[find]}" 0.5
  goal "signed-in write / one update_one" "${RPS[write]}" "${RPS[update]}" 0.4
  goal "bio page / bare hello" "${RPS[bio]}" "${RPS[hello]}" 0.5
  goal "bio page with br / bare hello" "${RPS[biobr]}" "${RPS[hello]}" 0.5
  awk -v k="$RSS_PEAK_KB" 'BEGIN{m=k/1024; printf "| server peak RSS | %.1f MB | | < 100 MB | %s |\n", m, (m < 100 ? "yes" : "NO")}'
  echo
  echo "errors: socket errors plus answers other than the expected status (302 for the redirect, 200 otherwise)."
  echo "RSS max: the server's VmRSS, sampled every 0.2 s during the target (during the ceilings, the idle server's). Ratio: req/s over GET /health's."
  echo "short link clicks counted in the database afterwards: $CLICKS"
} | tee "$WORK/summary.md"
cp "$WORK/summary.md" "$RESULT"
echo
say "Saved to ${RESULT#"$ROOT"/}"
