#!/usr/bin/env bash
# Runs every Rust test binary, going on past a failing one, and writes the failed tests' names
# and panics to target/test-failures.txt, so the Makefile can print them as the last lines of a
# red run (a CI log shows only its end).
set -uo pipefail
cd "$(dirname "$0")/.."
log="target/cargo-test.log"
mkdir -p target && rm -f target/test-failures.txt
cargo test --no-fail-fast "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if [[ $status -ne 0 ]]; then
  {
    echo "==== failed Rust tests ===="
    grep -E "^test .* FAILED$|panicked at|^error: .*test" "$log" | tail -40
  } >target/test-failures.txt
fi
exit "$status"
