#!/usr/bin/env bash
# Runs every Rust test binary, going on past a failing one, and writes the failed tests' names
# and panics to target/test-failures.txt, so the Makefile can print them as the last lines of a
# red run (a CI log shows only its end).
set -uo pipefail
cd "$(dirname "$0")/.."
log="target/cargo-test.log"
mkdir -p target && rm -f target/test-failures.txt
# tee through a process substitution, not a pipe: a process a test leaves behind holding the
# output open (a browser driver) must not keep this script waiting once cargo is done.
cargo test --no-fail-fast "$@" > >(tee "$log") 2>&1
status=$?
sleep 1 # let tee write the last lines before they are read below
if [[ $status -ne 0 ]]; then
  {
    echo "==== failed Rust tests ===="
    grep -E "^test .* FAILED$|panicked at|^error: .*test" "$log" | tail -40
  } >target/test-failures.txt
fi
exit "$status"
