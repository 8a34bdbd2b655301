#!/usr/bin/env bash
# Password hashing cost and sign-in latency (release build, local database with durable
# writes). Prints figures; not part of the test command.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
cd "$ROOT"
ensure_database_server
say "Building the release benchmark (first time: several minutes)"
cargo build --quiet --release -p server --example auth_bench
say "Running"
"$ROOT/target/release/examples/auth_bench"
