#!/bin/sh
# SWITCHBOARD_BROWSER for the end-to-end tests: plays the person's browser for the URL the app
# opens. Sign-ins returning over loopback are approved as $APPROVE_LOGIN (default ana); those
# returning by deep link get a hostile error answer (see deliver-error.mjs).
here="$(dirname "$0")"
case "$1" in
  *redirect_uri=switchboard*) exec node "$here/deliver-error.mjs" "$1" >>"${APPROVE_LOG:-/dev/null}" 2>&1 ;;
  *) exec node "$here/approve.mjs" "$1" "${APPROVE_LOGIN:-ana}" >>"${APPROVE_LOG:-/dev/null}" 2>&1 ;;
esac
