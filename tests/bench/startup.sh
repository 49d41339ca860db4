#!/usr/bin/env bash
# Start-up time and memory of Switchboard against an empty Tauri window built the same way
# (same Tauri version, same release profile, one cargo invocation so dependencies match).
#   time to first window: launch -> the window is mapped (xdotool --sync), median of RUNS
#   memory: PSS summed over the app and all its descendants (WebKit web and network
#           processes), SETTLE seconds after the window appeared, median of RUNS
# Needs a display and a D-Bus session: run it as `make bench` (tests/session.sh provides both).
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS="${RUNS:-5}"
SETTLE="${SETTLE:-3}"

command -v xdotool >/dev/null || { echo "startup.sh: xdotool is missing (make bench installs it)" >&2; exit 1; }
[[ -n "${DISPLAY:-}" ]] || { echo "startup.sh: no DISPLAY; run it through tests/session.sh" >&2; exit 1; }

cargo build --release -q -p switchboard -p empty-window

descendants() {
  local pid=$1
  echo "$pid"
  for child in $(pgrep -P "$pid" || true); do descendants "$child"; done
}

pss_kib() {
  local total=0 pid kib
  for pid in $(descendants "$1"); do
    kib=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)
    total=$((total + ${kib:-0}))
  done
  echo "$total"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# measure BINARY TITLE -> "median_ms median_pss_mib"
measure() {
  local binary=$1 title=$2 times=() memories=()
  for _ in $(seq 1 "$RUNS"); do
    local data; data=$(mktemp -d)
    local start; start=$(date +%s%N)
    SWITCHBOARD_DATA_DIR="$data" SWITCHBOARD_LOG=warn "$binary" >/dev/null 2>&1 &
    local pid=$!
    timeout 60 xdotool search --sync --onlyvisible --name "^${title}\$" >/dev/null
    local shown; shown=$(date +%s%N)
    sleep "$SETTLE"
    times+=($(( (shown - start) / 1000000 )))
    memories+=("$(pss_kib "$pid")")
    kill "$pid"; wait "$pid" 2>/dev/null || true
    rm -rf "$data"
  done
  local ms mib
  ms=$(printf '%s\n' "${times[@]}" | median)
  mib=$(printf '%s\n' "${memories[@]}" | median | awk '{printf "%.1f", $1/1024}')
  echo "$ms $mib"
}

read -r app_ms app_mib < <(measure target/release/switchboard "Switchboard")
read -r empty_ms empty_mib < <(measure target/release/empty-window "Empty window")
size_mib=$(stat -c %s target/release/switchboard | awk '{printf "%.1f", $1/1048576}')

printf '%-14s %18s %14s\n' "" "first window (ms)" "memory (MiB)"
printf '%-14s %18s %14s\n' "Switchboard" "$app_ms" "$app_mib"
printf '%-14s %18s %14s\n' "empty window" "$empty_ms" "$empty_mib"
printf '%-14s %18s %14s\n' "ratio" "$(awk -v a="$app_ms" -v b="$empty_ms" 'BEGIN {printf "%.2f", a/b}')" \
  "$(awk -v a="$app_mib" -v b="$empty_mib" 'BEGIN {printf "%.2f", a/b}')"
echo "stripped release binary: ${size_mib} MiB (target/release/switchboard); medians of $RUNS runs, PSS after ${SETTLE}s"
