#!/usr/bin/env bash
# Fuzzes the parsers and validators Mewayz wrote (cargo-fuzz, libFuzzer), each for a bounded
# time, and prints a summary. Not part of scripts/test.sh or CI.
#
#   scripts/fuzz.sh                      every target, 60 s each
#   FUZZ_SECONDS=300 scripts/fuzz.sh     longer
#   scripts/fuzz.sh markdown url         only these targets
#
# Targets live in fuzz/fuzz_targets/, seeds in fuzz/corpus/<target>/ (committed). What the
# fuzzer learns is kept in fuzz/target/corpus/<target>/, crashes in fuzz/artifacts/<target>/
# (both ignored by git). Reproduce a crash with:
#   cargo +nightly fuzz run --sanitizer none <target> <artifact>
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
[[ "$FUZZ_SECONDS" =~ ^[1-9][0-9]*$ ]] || die "FUZZ_SECONDS must be a whole number of seconds, not '$FUZZ_SECONDS'."
# The project's code has no unsafe: the sanitizer would only halve the speed. Panics and
# failed assertions (including overflow checks, which these builds enable) are the findings.
SANITIZER=none

need_cmd cargo "Install Rust with rustup first."
[[ "$(rustup toolchain list 2>/dev/null)" == *nightly* ]] || die "cargo-fuzz needs a nightly toolchain: rustup toolchain install nightly"
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  warn "cargo-fuzz is missing. Installing it once from crates.io (about 3 minutes)."
  cargo install cargo-fuzz --locked
fi

cd "$ROOT"
mapfile -t ALL < <(cargo +nightly fuzz list)
TARGETS=("$@")
[[ ${#TARGETS[@]} -gt 0 ]] || TARGETS=("${ALL[@]}")
for t in "${TARGETS[@]}"; do
  [[ " ${ALL[*]} " == *" $t "* ]] || die "No fuzz target '$t'. Targets: ${ALL[*]}"
done

if [[ ! -d fuzz/target ]]; then
  warn "First build: the app crate and all its server dependencies are compiled with nightly and coverage instrumentation. This takes 10 to 20 minutes on 2 cores."
fi
say "Building ${#TARGETS[@]} fuzz target(s)"
if [[ ${#TARGETS[@]} -eq ${#ALL[@]} ]]; then
  cargo +nightly fuzz build --sanitizer "$SANITIZER"
else
  for t in "${TARGETS[@]}"; do cargo +nightly fuzz build --sanitizer "$SANITIZER" "$t"; done
fi

LOGS="$ROOT/fuzz/target/logs"
mkdir -p "$LOGS"
ROWS=()
FAILED=0
for t in "${TARGETS[@]}"; do
  corpus="$ROOT/fuzz/target/corpus/$t"
  mkdir -p "$corpus" "$ROOT/fuzz/artifacts/$t"
  args=(-max_total_time="$FUZZ_SECONDS" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048)
  [[ -f "fuzz/$t.dict" ]] && args+=(-dict="$ROOT/fuzz/$t.dict")
  say "Fuzzing $t for $FUZZ_SECONDS s (log: fuzz/target/logs/$t.log)"
  start=$SECONDS
  # One target at a time, one process, at a lower priority: the machine stays usable.
  # The first corpus directory receives new inputs; the seeds are only read.
  set +e
  nice -n 10 cargo +nightly fuzz run --sanitizer "$SANITIZER" "$t" "$corpus" "$ROOT/fuzz/corpus/$t" -- "${args[@]}" >"$LOGS/$t.log" 2>&1
  status=$?
  set -e
  elapsed=$((SECONDS - start))
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$LOGS/$t.log" | tail -n 1)"
  rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$LOGS/$t.log" | tail -n 1)"
  artifact="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$LOGS/$t.log" | tail -n 1)"
  if [[ $status -eq 0 ]]; then
    result="ok"
  elif [[ -n "$artifact" ]]; then
    result="crash: ${artifact#"$ROOT/"}"
    FAILED=1
  else
    result="failed (exit $status), see fuzz/target/logs/$t.log"
    FAILED=1
  fi
  ROWS+=("$(printf '%-18s %7s %14s %9s  %s' "$t" "$elapsed" "${execs:-?}" "${rate:-?}" "$result")")
done

say "Summary (FUZZ_SECONDS=$FUZZ_SECONDS)"
printf '%-18s %7s %14s %9s  %s\n' target seconds executions exec/s result
printf '%s\n' "${ROWS[@]}"
[[ $FAILED -eq 0 ]] || die "At least one target found a problem: reproduce with cargo +nightly fuzz run --sanitizer none <target> <artifact>"
