#!/usr/bin/env bash
# Runs Mewayz locally: installs what is missing, starts the local MongoDB wire server
# (unless MONGODB_URI is set), builds the client and the server, and serves on
# http://127.0.0.1:${PORT:-3000}. Ctrl-C stops everything this script started.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

say "Mewayz: preparing to run the app"
ensure_build_tools
build_client
build_server

cleanup() {
  trap - INT TERM EXIT
  echo
  say "Stopping"
  stop_started
}
trap cleanup INT TERM EXIT

if [[ -z "${MONGODB_URI:-}" ]]; then
  DB_PORT="${MEWAYZ_DB_PORT:-27117}"
  mkdir -p "$ROOT/.data/db"
  if (exec 3<>"/dev/tcp/127.0.0.1/$DB_PORT") 2>/dev/null; then
    die "port $DB_PORT is already in use (another local database?). Stop it, or set MEWAYZ_DB_PORT or MONGODB_URI."
  fi
  say "Starting the local MongoDB wire server on 127.0.0.1:$DB_PORT (data in .data/db, durable writes)"
  start_database "$DB_PORT" "$ROOT/.data/db" --sync-on-commit
  export MONGODB_URI="mongodb://127.0.0.1:$DB_PORT/?retryWrites=false"
else
  say "Using the database at MONGODB_URI"
fi

if [[ -z "${SMTP_URL:-}" ]]; then
  MAIL_PORT="${MEWAYZ_MAIL_PORT:-2525}"
  say "Starting the local mail sink on 127.0.0.1:$MAIL_PORT: every e-mail is printed below and saved in .data/mail/"
  mkdir -p "$ROOT/.data/mail"
  # Each message is printed (with its links) alongside the server log.
  "$ROOT/target/debug/mail-sink" --port "$MAIL_PORT" --dir "$ROOT/.data/mail" > >(sed -u 's/^/[mail] /') 2>&1 &
  SINK_PID=$!
  wait_for_port 127.0.0.1 "$MAIL_PORT" 15 || die "the mail sink did not start on port $MAIL_PORT (set MEWAYZ_MAIL_PORT)"
  export SMTP_URL="smtp://127.0.0.1:$MAIL_PORT"
fi

# A session key kept between runs, so sign-ins survive a restart. Never committed.
if [[ -z "${JWT_SECRET:-}" ]]; then
  mkdir -p "$ROOT/.data"
  [[ -s "$ROOT/.data/jwt_secret" ]] || python3 -c 'import secrets; print(secrets.token_urlsafe(48))' > "$ROOT/.data/jwt_secret"
  JWT_SECRET="$(cat "$ROOT/.data/jwt_secret")"
  export JWT_SECRET
fi

# The plans (prices and limits) come from config/plans.json unless some are already stored.
if [[ -z "${MEWAYZ_SKIP_PLANS:-}" ]]; then
  if "$ROOT/target/debug/mewayz-server" plans list 2>/dev/null | grep -q "^No plans are stored"; then
    say "Loading the plans from config/plans.json (mewayz-server plans load)"
    "$ROOT/target/debug/mewayz-server" plans load "$ROOT/config/plans.json" || die "could not load the plans"
  fi
fi

export PORT="${PORT:-3000}"
export DIST_DIR="${DIST_DIR:-$ROOT/dist}"
say "Starting the server"
"$ROOT/target/debug/mewayz-server" &
SERVER_PID=$!
if ! wait_for_port 127.0.0.1 "$PORT" 30 || ! kill -0 "$SERVER_PID" 2>/dev/null; then
  die "the server did not start (see the log above)"
fi
say "Mewayz is running: open http://127.0.0.1:$PORT  (Ctrl-C to stop)"
wait "$SERVER_PID"
