#!/bin/sh
# SWITCHBOARD_BROWSER for the end-to-end tests: plays the person's browser for the URL the app
# opens, signing in to oidc-provider as $APPROVE_LOGIN (default ana) and approving.
exec node "$(dirname "$0")/approve.mjs" "$1" "${APPROVE_LOGIN:-ana}" >>"${APPROVE_LOG:-/dev/null}" 2>&1
