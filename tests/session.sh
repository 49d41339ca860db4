#!/usr/bin/env bash
# Runs a command inside a private desktop session, as a fresh user would have it: new HOME and
# XDG directories, a private D-Bus session bus with an unlocked gnome-keyring, and an Xvfb
# display (unless SWITCHBOARD_USE_DISPLAY=1 keeps the current one).
# usage: tests/session.sh COMMAND [ARGS...]
set -euo pipefail

if [[ -z "${SWITCHBOARD_SESSION_ROOT:-}" ]]; then
  # Keep the toolchains reachable once HOME moves.
  export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
  export npm_config_cache="${npm_config_cache:-$HOME/.npm}"
  SWITCHBOARD_SESSION_ROOT="$(mktemp -d "${TMPDIR:-/tmp}/switchboard-session.XXXXXX")"
  export SWITCHBOARD_SESSION_ROOT
  export HOME="$SWITCHBOARD_SESSION_ROOT/home"
  export XDG_DATA_HOME="$HOME/.local/share" XDG_CONFIG_HOME="$HOME/.config" XDG_CACHE_HOME="$HOME/.cache"
  export XDG_RUNTIME_DIR="$SWITCHBOARD_SESSION_ROOT/run"
  mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"
  mkdir -m 700 -p "$XDG_RUNTIME_DIR"
  unset DBUS_SESSION_BUS_ADDRESS GNOME_KEYRING_CONTROL SSH_AUTH_SOCK
  # A session bus that can start gnome-keyring (and dconf) but not the desktop portals or the
  # accessibility bus: nothing under Xvfb serves those, and their start-up failures would
  # bury the test output.
  services="$SWITCHBOARD_SESSION_ROOT/dbus-services"
  mkdir -p "$services"
  for service in /usr/share/dbus-1/services/{org.freedesktop.secrets,org.gnome.keyring*,ca.desrt.dconf}.service; do
    [[ -e "$service" ]] && ln -s "$service" "$services/"
  done
  cat >"$SWITCHBOARD_SESSION_ROOT/session-bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <keep_umask/>
  <listen>unix:tmpdir=$SWITCHBOARD_SESSION_ROOT</listen>
  <auth>EXTERNAL</auth>
  <servicedir>$services</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF
  export NO_AT_BRIDGE=1
  exec dbus-run-session --config-file="$SWITCHBOARD_SESSION_ROOT/session-bus.conf" -- "$0" "$@"
fi

# Inside the private bus: unlock a fresh login keyring with a throwaway password.
echo -n "switchboard-test" | gnome-keyring-daemon --unlock --components=secrets >/dev/null

xvfb_pid=""
cleanup() {
  [[ -n "$xvfb_pid" ]] && kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$SWITCHBOARD_SESSION_ROOT" 2>/dev/null || true
}
trap cleanup EXIT

if [[ "${SWITCHBOARD_USE_DISPLAY:-}" != "1" ]]; then
  exec 3<> "$SWITCHBOARD_SESSION_ROOT/display"
  Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp >"$SWITCHBOARD_SESSION_ROOT/xvfb.log" 2>&1 &
  xvfb_pid=$!
  for _ in $(seq 1 100); do
    display="$(head -n1 "$SWITCHBOARD_SESSION_ROOT/display" 2>/dev/null || true)"
    [[ -n "$display" ]] && break
    sleep 0.1
  done
  [[ -n "${display:-}" ]] || { echo "session.sh: Xvfb did not start:" >&2; cat "$SWITCHBOARD_SESSION_ROOT/xvfb.log" >&2; exit 1; }
  export DISPLAY=":$display"
fi

"$@"
