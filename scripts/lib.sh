# Shared by scripts/dev.sh and scripts/test.sh. Every step installs only what is missing
# or at the wrong version, and says what it is doing.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
export PATH="$TOOLS/node/node_modules/.bin:$HOME/.cargo/bin:$PATH"

TRUNK_VERSION="0.21.14"
WASM_BINDGEN_VERSION="0.2.130"
BINARYEN_VERSION="132.0.0"
WASM_SPLIT_VERSION="0.2.4"
SECANTUSDB_VERSION="0.7.0b3"
SECANTUSD="$TOOLS/venv/bin/secantusd-py"
export SECANTUSD

say() { printf '\033[1;36m==>\033[0m %s\n' "$*"; }
warn() { printf '\033[1;33m==> note:\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m==> error:\033[0m %s\n' "$*" >&2; exit 1; }

need_cmd() { command -v "$1" >/dev/null 2>&1 || die "$1 is required but not installed. $2"; }

ensure_rust() {
  need_cmd cargo "Install Rust with rustup first."
  # (Output is captured first: with pipefail, grep -q closing the pipe early would fail the check.)
  if [[ "$(rustup target list --installed 2>/dev/null)" != *wasm32-unknown-unknown* ]]; then
    say "Adding the wasm32-unknown-unknown Rust target"
    rustup target add wasm32-unknown-unknown
  fi
  local installed
  installed="$(rustup component list --installed 2>/dev/null)"
  for component in rustfmt clippy; do
    if [[ "$installed" != *"$component"* ]]; then
      say "Adding the Rust component $component (for the lint step)"
      rustup component add "$component"
    fi
  done
}

ensure_trunk() {
  if [[ "$(trunk --version 2>/dev/null)" == "trunk $TRUNK_VERSION" ]]; then return; fi
  warn "Trunk $TRUNK_VERSION is missing. Building it once from source: this takes about 9 minutes on 2 cores."
  cargo install trunk --version "$TRUNK_VERSION" --locked
}

ensure_wasm_bindgen() {
  if [[ "$(wasm-bindgen --version 2>/dev/null)" == "wasm-bindgen $WASM_BINDGEN_VERSION" ]]; then return; fi
  warn "wasm-bindgen-cli $WASM_BINDGEN_VERSION is missing. Building it once from source: about 2 minutes."
  # Without --locked: its lockfile names a crate version the registry does not hold.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
}

ensure_wasm_split() {
  # The tool that splits the client by route (scripts/client-wasm.sh); cargo-leptos uses the
  # same crate. 0.2.4 is the first that understands wasm-bindgen 0.2.130's descriptors.
  # (It has no --version; cargo's list of installed tools says which one is there.)
  if command -v wasm-split-cli >/dev/null 2>&1 &&
     [[ "$(cargo install --list 2>/dev/null)" == *"wasm_split_cli_support v$WASM_SPLIT_VERSION:"* ]]; then return; fi
  warn "wasm-split-cli $WASM_SPLIT_VERSION is missing. Building it once from source: about 2 minutes."
  cargo install wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary --locked
}

ensure_binaryen() {
  # Debian's binaryen is too old (it emits modules that crash in the browser); use npm's.
  if [[ "$("$TOOLS/node/node_modules/.bin/wasm-opt" --version 2>/dev/null)" == *"version ${BINARYEN_VERSION%%.*}"* ]]; then return; fi
  need_cmd npm "Install Node.js and npm."
  say "Installing binaryen $BINARYEN_VERSION (wasm-opt) into .tools/node"
  mkdir -p "$TOOLS/node"
  [[ -f "$TOOLS/node/package.json" ]] || echo '{"name":"mewayz-tools","private":true}' > "$TOOLS/node/package.json"
  npm install --prefix "$TOOLS/node" --no-audit --no-fund --loglevel=error "binaryen@$BINARYEN_VERSION"
}

ensure_database_server() {
  if [[ -x "$SECANTUSD" ]] && [[ "$("$TOOLS/venv/bin/pip" show secantusdb 2>/dev/null)" == *"Version: $SECANTUSDB_VERSION"* ]]; then return; fi
  need_cmd python3 "Install Python 3.10 or newer."
  say "Installing the local MongoDB wire server (secantusdb $SECANTUSDB_VERSION) into .tools/venv"
  python3 -m venv "$TOOLS/venv"
  "$TOOLS/venv/bin/pip" install --quiet --disable-pip-version-check "secantusdb==$SECANTUSDB_VERSION"
}

ensure_chromium() {
  if [[ -x /usr/bin/chromium ]]; then return; fi
  say "Installing Debian's Chromium for the browser tests"
  if [[ $EUID -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
}

ensure_playwright() {
  local want
  want="$(node -p "require('$ROOT/end2end/package.json').devDependencies['playwright-core']")"
  if [[ -f "$ROOT/end2end/node_modules/playwright-core/package.json" ]] &&
     [[ "$(node -p "require('$ROOT/end2end/node_modules/playwright-core/package.json').version")" == "$want" ]]; then
    return
  fi
  say "Installing playwright-core $want for the browser tests (it drives Debian's Chromium; no browser download)"
  (cd "$ROOT/end2end" && npm install --no-audit --no-fund --loglevel=error)
}

ensure_build_tools() {
  ensure_rust
  ensure_trunk
  ensure_wasm_bindgen
  ensure_wasm_split
  ensure_binaryen
  ensure_database_server
}

# Builds the WASM client into dist/ (Trunk runs cargo offline, so fetch first).
client_is_fresh() {
  [[ -f "$ROOT/dist/index.html" ]] || return 1
  [[ -z "$(find "$ROOT/app" "$ROOT/frontend" "$ROOT/style" "$ROOT/public" "$ROOT/Cargo.lock" \
    "$ROOT/Trunk.toml" "$ROOT/manifest.webmanifest" "$ROOT/scripts/pwa-build.py" "$ROOT/scripts/client-wasm.sh" -newer "$ROOT/dist/index.html" -print -quit 2>/dev/null)" ]]
}

build_client() {
  if client_is_fresh; then
    say "The client in dist/ is up to date"
    return
  fi
  say "Fetching Rust dependencies"
  (cd "$ROOT" && cargo fetch --quiet)
  say "Building the client with Trunk into dist/ (release WebAssembly split by route, wasm-opt -Oz; 5-10 minutes the first time)"
  mkdir -p "$ROOT/target"
  (cd "$ROOT" && trunk build --release >"$ROOT/target/trunk.log" 2>&1) || { tail -40 "$ROOT/target/trunk.log" >&2; die "the client build failed (log above)"; }
  grep -h "pwa-build:" "$ROOT/target/trunk.log" | tail -2 | sed "s/^.*pwa-build: /    /" || true
}

build_server() {
  say "Building the server"
  (cd "$ROOT" && cargo build --quiet -p server --bin mewayz-server -p devtools --bin mail-sink --bin fake-stripe)
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_for_port() { # host port seconds
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    if (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

# start_database PORT STORAGE [extra args...]: starts secantusd in the background.
# Sets DB_PID. The caller stops it with stop_pid "$DB_PID".
start_database() {
  local port="$1" storage="$2"; shift 2
  mkdir -p "$ROOT/target"
  "$SECANTUSD" --host 127.0.0.1 --port "$port" --storage-path "$storage" "$@" >"$ROOT/target/secantusd-$port.log" 2>&1 &
  DB_PID=$!
  if ! wait_for_port 127.0.0.1 "$port" 30; then
    cat "$ROOT/target/secantusd-$port.log" >&2
    die "the local MongoDB wire server did not start on port $port"
  fi
}

# What the scripts start; stop_started stops whichever of them is running.
DB_PID=""
SERVER_PID=""
SINK_PID=""
STRIPE_PID=""
stop_started() {
  stop_pid "$SERVER_PID"
  stop_pid "$SINK_PID"
  stop_pid "$STRIPE_PID"
  stop_pid "$DB_PID"
}

stop_pid() {
  local pid="$1"
  [[ -n "$pid" ]] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 80); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
}

# start_fake_stripe PORT WEBHOOK_URL SECRET: the test-only fake Stripe API and Checkout page
# (devtools/src/fake_stripe.rs), delivering signed webhooks to WEBHOOK_URL. Sets STRIPE_PID.
start_fake_stripe() {
  FAKE_STRIPE_PORT="$1" FAKE_STRIPE_WEBHOOK_URL="$2" STRIPE_WEBHOOK_SECRET="$3" \
    "$ROOT/target/debug/fake-stripe" >"$ROOT/target/fake-stripe-$1.log" 2>&1 &
  STRIPE_PID=$!
  wait_for_port 127.0.0.1 "$1" 15 || { cat "$ROOT/target/fake-stripe-$1.log" >&2; die "the fake Stripe did not start on port $1"; }
}

# start_mail_sink PORT DIR: the local SMTP sink that captures all outgoing mail
# (devtools/src/smtp_sink.rs).
# Sets SINK_PID.
start_mail_sink() {
  mkdir -p "$2"
  "$ROOT/target/debug/mail-sink" --port "$1" --dir "$2" >"$ROOT/target/mail-sink-$1.log" 2>&1 &
  SINK_PID=$!
  wait_for_port 127.0.0.1 "$1" 15 || { cat "$ROOT/target/mail-sink-$1.log" >&2; die "the mail sink did not start on port $1"; }
}
