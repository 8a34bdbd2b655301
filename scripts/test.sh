#!/usr/bin/env bash
# Runs every Mewayz test: cargo unit and integration tests against a throw-away MongoDB
# wire server (each test uses its own database name), then the browser tests in end2end/
# (playwright-core driving Debian's Chromium) against the real built client and server.
# Installs whatever is missing first. Ends with one line: "Summary: N passed, N failed".
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

say "Mewayz: running every test (unit, integration, browser end-to-end)"
ensure_build_tools
ensure_chromium
ensure_playwright
build_client
build_server

trap stop_started EXIT
trap 'exit 130' INT TERM

# Lints first: formatting, then clippy with warnings as errors, for the server build (ssr)
# and for the WASM client (csr). Each counts as one test in the summary.
LINT_PASSED=0
LINT_FAILED=0
lint() { # name command...
  local name="$1"; shift
  say "Lint: $name"
  if "$@" >"$ROOT/target/lint-$name.log" 2>&1; then
    LINT_PASSED=$((LINT_PASSED + 1))
  else
    tail -60 "$ROOT/target/lint-$name.log"
    warn "lint $name failed (full output in target/lint-$name.log)"
    LINT_FAILED=$((LINT_FAILED + 1))
  fi
}
lint fmt cargo fmt --all --check
lint clippy-server cargo clippy --quiet -p app -p server -p devtools --tests --bins -- -D warnings
lint clippy-client cargo clippy --quiet -p frontend --target wasm32-unknown-unknown -- -D warnings

DB_PORT="$(free_port)"
say "Starting a throw-away MongoDB wire server on 127.0.0.1:$DB_PORT (in memory)"
start_database "$DB_PORT" ":memory:"
export MEWAYZ_TEST_MONGODB_URI="mongodb://127.0.0.1:$DB_PORT/?retryWrites=false"

say "Running the cargo unit and integration tests"
cargo test -p app -p server -p devtools --no-fail-fast 2>&1 | tee "$ROOT/target/cargo-test.log"
CARGO_RC=${PIPESTATUS[0]}
RUST_PASSED=$(grep -Eo 'test result: [A-Za-z]+\. [0-9]+ passed' "$ROOT/target/cargo-test.log" | awk '{s+=$4} END {print s+0}')
RUST_FAILED=$(grep -Eo '[0-9]+ failed;' "$ROOT/target/cargo-test.log" | awk '{s+=$1} END {print s+0}')
if [[ $CARGO_RC -ne 0 && $RUST_FAILED -eq 0 ]]; then RUST_FAILED=1; fi # a build failure counts

E2E_PORT="$(free_port)"
MAIL_PORT="$(free_port)"
export MAIL_DIR="$ROOT/target/e2e-mail"
rm -rf "$MAIL_DIR"
say "Starting a mail sink for the browser tests on 127.0.0.1:$MAIL_PORT (messages in target/e2e-mail/)"
start_mail_sink "$MAIL_PORT" "$MAIL_DIR"
E2E_DB="e2e_$(date +%s)_$RANDOM"
# Billing in the browser tests goes to a local fake of Stripe (test only), whose Checkout
# page sends signed webhooks back to the server. The plans get fake Stripe price ids.
STRIPE_PORT="$(free_port)"
export STRIPE_WEBHOOK_SECRET="whsec_e2e_test_only"
say "Starting the fake Stripe for the browser tests on 127.0.0.1:$STRIPE_PORT"
start_fake_stripe "$STRIPE_PORT" "http://127.0.0.1:$E2E_PORT/webhooks/stripe" "$STRIPE_WEBHOOK_SECRET"
python3 - "$ROOT/config/plans.json" "$ROOT/target/e2e-plans.json" <<'PY' || die "could not write the browser tests' plan file"
import json, sys
plans = json.load(open(sys.argv[1]))
for p in plans["plans"]:
    if p["monthly_price"] > 0:
        p["stripe_price_monthly"] = "price_e2e_%s_monthly" % p["id"]
        p["stripe_price_yearly"] = "price_e2e_%s_yearly" % p["id"]
json.dump(plans, open(sys.argv[2], "w"), indent=2)
PY
say "Loading the plans (config/plans.json, with fake Stripe price ids) into the browser tests' database"
MONGODB_URI="$MEWAYZ_TEST_MONGODB_URI" MONGODB_DB="$E2E_DB" RUST_LOG=warn \
  "$ROOT/target/debug/mewayz-server" plans load "$ROOT/target/e2e-plans.json" || die "could not load the plans"
# FORMS_MIN_FILL_MS: a second (not the default three) between opening a public form and
# sending it, so the form tests do not wait; the tests check the refusal of a quicker one.
# WEBHOOKS_ALLOW_PRIVATE: the form tests post webhooks to a receiver on 127.0.0.1.
# CLIENT_IP_HEADER: each browser-test file sends its own x-e2e-client value (end2end/lib/
# browser.mjs), so the files do not share one address's rate limits (10 sign-ups an hour).
say "Starting the server for the browser tests on 127.0.0.1:$E2E_PORT"
HOST=127.0.0.1 PORT="$E2E_PORT" MONGODB_URI="$MEWAYZ_TEST_MONGODB_URI" MONGODB_DB="$E2E_DB" \
  DIST_DIR="$ROOT/dist" RUST_LOG="${RUST_LOG:-warn}" SMTP_URL="smtp://127.0.0.1:$MAIL_PORT" PUSH_ALLOWED_HOSTS=127.0.0.1 \
  STRIPE_API_BASE="http://127.0.0.1:$STRIPE_PORT" STRIPE_SECRET_KEY="sk_test_e2e_fake" STRIPE_WEBHOOK_SECRET="$STRIPE_WEBHOOK_SECRET" \
  CLIENT_IP_HEADER=x-e2e-client FORMS_MIN_FILL_MS=1000 WEBHOOKS_ALLOW_PRIVATE=1 \
  "$ROOT/target/debug/mewayz-server" >"$ROOT/target/e2e-server.log" 2>&1 &
SERVER_PID=$!
if ! wait_for_port 127.0.0.1 "$E2E_PORT" 30; then
  cat "$ROOT/target/e2e-server.log" >&2
  die "the server for the browser tests did not start"
fi

say "Running the browser tests (screenshots in end2end/test-results/)"
# A test stuck for 5 minutes fails instead of waiting for the CI's limit, and a file whose
# test left a server open still ends (--test-force-exit) once its tests are done.
(cd "$ROOT/end2end" && BASE_URL="http://127.0.0.1:$E2E_PORT" FAKE_STRIPE_URL="http://127.0.0.1:$STRIPE_PORT" MAIL_DIR="$MAIL_DIR" DIST_DIR="$ROOT/dist" node --test --test-concurrency=1 --test-timeout=300000 --test-force-exit tests/) 2>&1 | tee "$ROOT/target/e2e-test.log"
E2E_RC=${PIPESTATUS[0]}
E2E_PASSED=$(grep -E '^# pass [0-9]+' "$ROOT/target/e2e-test.log" | awk '{print $3}' | tail -1)
E2E_FAILED=$(grep -E '^# fail [0-9]+' "$ROOT/target/e2e-test.log" | awk '{print $3}' | tail -1)
E2E_PASSED=${E2E_PASSED:-0}
E2E_FAILED=${E2E_FAILED:-0}
if [[ $E2E_RC -ne 0 && $E2E_FAILED -eq 0 ]]; then E2E_FAILED=1; fi

PASSED=$((LINT_PASSED + RUST_PASSED + E2E_PASSED))
FAILED=$((LINT_FAILED + RUST_FAILED + E2E_FAILED))
echo
say "lints: $LINT_PASSED passed, $LINT_FAILED failed; cargo tests: $RUST_PASSED passed, $RUST_FAILED failed; browser tests: $E2E_PASSED passed, $E2E_FAILED failed"
echo "Summary: $PASSED passed, $FAILED failed"
[[ $FAILED -eq 0 && $CARGO_RC -eq 0 && $E2E_RC -eq 0 ]]
