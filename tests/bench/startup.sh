#!/usr/bin/env bash
# Start-up time and memory of Switchboard against an empty Tauri window built the same way
# (same Tauri version, same release profile, one cargo invocation so dependencies match).
#   time to first window: launch -> the window is mapped (xdotool --sync), median of RUNS
#   memory: PSS summed over the app and all its descendants (WebKit web and network
#           processes), SETTLE seconds after the window appeared, median of RUNS; then the same
#           PSS per process: the app's own (Rust) process, the WebKit web process and the WebKit
#           network process (each a median of RUNS on its own, so the parts need not add up to
#           the median total exactly; any other descendant counts in the total only)
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

pss_of() { awk '/^Pss:/ {print $2}' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0; }

# pss_split PID -> "main web network total" in KiB: PID itself, its WebKitWebProcess and
# WebKitNetworkProcess descendants (told apart by the executable in their command line, since
# /proc/PID/comm cuts names to 15 characters), and the sum over PID and every descendant.
pss_split() {
  local main=0 web=0 network=0 total=0 pid kib exe
  for pid in $(descendants "$1"); do
    kib=$(pss_of "$pid"); kib=${kib:-0}
    total=$((total + kib))
    exe=$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | head -n1 || true)
    if [[ "$pid" == "$1" ]]; then main=$((main + kib))
    elif [[ "${exe##*/}" == WebKitWebProcess ]]; then web=$((web + kib))
    elif [[ "${exe##*/}" == WebKitNetworkProcess ]]; then network=$((network + kib))
    fi
  done
  echo "$main $web $network $total"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
median_mib() { printf '%s\n' "$@" | median | awk '{printf "%.1f", $1/1024}'; }

# measure BINARY TITLE -> "median_ms median_pss_mib main_mib web_mib network_mib"
measure() {
  local binary=$1 title=$2 times=() memories=() mains=() webs=() networks=()
  for _ in $(seq 1 "$RUNS"); do
    local data; data=$(mktemp -d)
    local start; start=$(date +%s%N)
    SWITCHBOARD_DATA_DIR="$data" SWITCHBOARD_LOG=warn "$binary" >/dev/null 2>&1 &
    local pid=$!
    timeout 60 xdotool search --sync --onlyvisible --name "^${title}\$" >/dev/null
    local shown; shown=$(date +%s%N)
    sleep "$SETTLE"
    times+=($(( (shown - start) / 1000000 )))
    local main web network total
    read -r main web network total < <(pss_split "$pid")
    memories+=("$total"); mains+=("$main"); webs+=("$web"); networks+=("$network")
    kill "$pid"; wait "$pid" 2>/dev/null || true
    rm -rf "$data"
  done
  echo "$(printf '%s\n' "${times[@]}" | median)" "$(median_mib "${memories[@]}")" "$(median_mib "${mains[@]}")" \
    "$(median_mib "${webs[@]}")" "$(median_mib "${networks[@]}")"
}

read -r app_ms app_mib app_main app_web app_network < <(measure target/release/switchboard "Switchboard")
read -r empty_ms empty_mib empty_main empty_web empty_network < <(measure target/release/empty-window "Empty window")
size_mib=$(stat -c %s target/release/switchboard | awk '{printf "%.1f", $1/1048576}')

printf '%-14s %18s %14s\n' "" "first window (ms)" "memory (MiB)"
printf '%-14s %18s %14s\n' "Switchboard" "$app_ms" "$app_mib"
printf '%-14s %18s %14s\n' "empty window" "$empty_ms" "$empty_mib"
printf '%-14s %18s %14s\n' "ratio" "$(awk -v a="$app_ms" -v b="$empty_ms" 'BEGIN {printf "%.2f", a/b}')" \
  "$(awk -v a="$app_mib" -v b="$empty_mib" 'BEGIN {printf "%.2f", a/b}')"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }
echo
printf '%-14s %12s %12s %12s %12s\n' "memory (MiB)" "main (Rust)" "web" "network" "total"
printf '%-14s %12s %12s %12s %12s\n' "Switchboard" "$app_main" "$app_web" "$app_network" "$app_mib"
printf '%-14s %12s %12s %12s %12s\n' "empty window" "$empty_main" "$empty_web" "$empty_network" "$empty_mib"
printf '%-14s %12s %12s %12s %12s\n' "ratio" "$(ratio "$app_main" "$empty_main")" "$(ratio "$app_web" "$empty_web")" \
  "$(ratio "$app_network" "$empty_network")" "$(ratio "$app_mib" "$empty_mib")"
printf '%-14s %12s %12s %12s %12s\n' "difference" "$(awk -v a="$app_main" -v b="$empty_main" 'BEGIN {printf "%+.1f", a-b}')" \
  "$(awk -v a="$app_web" -v b="$empty_web" 'BEGIN {printf "%+.1f", a-b}')" \
  "$(awk -v a="$app_network" -v b="$empty_network" 'BEGIN {printf "%+.1f", a-b}')" \
  "$(awk -v a="$app_mib" -v b="$empty_mib" 'BEGIN {printf "%+.1f", a-b}')"
echo "stripped release binary: ${size_mib} MiB (target/release/switchboard); medians of $RUNS runs, PSS after ${SETTLE}s"
