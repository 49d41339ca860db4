#!/usr/bin/env bash
# Proves switchboard-core does not depend on tauri in any way (normal, build or dev).
set -euo pipefail
if output=$(cargo tree -p switchboard-core -i tauri -e normal,build,dev 2>&1); then
  echo "switchboard-core must not depend on tauri, but it does:" >&2
  echo "$output" >&2
  exit 1
fi
if ! grep -q "did not match any packages" <<<"$output"; then
  echo "could not check switchboard-core's dependencies:" >&2
  echo "$output" >&2
  exit 1
fi
echo "switchboard-core is free of tauri"
