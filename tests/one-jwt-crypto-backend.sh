#!/usr/bin/env bash
# SECURITY.md D12: jsonwebtoken must be built with exactly one crypto backend (aws_lc_rs or
# rust_crypto); with both, which one verifies signatures is no longer obvious.
set -euo pipefail
backends=$(cargo tree --workspace -e features -i jsonwebtoken 2>/dev/null \
  | grep -oE 'jsonwebtoken feature "(aws_lc_rs|rust_crypto)"' | sort -u || true)
count=$(grep -c . <<<"$backends" || true)
if [[ "$count" -ne 1 ]]; then
  echo "jsonwebtoken must have exactly one crypto backend, found $count:" >&2
  echo "${backends:-none}" >&2
  exit 1
fi
echo "jsonwebtoken has one crypto backend: ${backends#*feature }"
