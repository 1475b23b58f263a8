#!/usr/bin/env bash
# make reliability: builds vaultcli and the reliability harness, then runs every check against
# real vaultcli processes and prints one summary table (exit 1 when any check failed).
#   QUICK=1        the short run (under 5 minutes once built)
#   CONFIG=release use release builds (the first release build of the dependencies is long)
#   other arguments go to the harness, e.g. --only crash,hostile --keep-work
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
CONFIG=${CONFIG:-debug}
"$SWIFT" build -c "$CONFIG" --product vaultcli
"$SWIFT" build -c "$CONFIG" --product reliability
BIN=$("$SWIFT" build -c "$CONFIG" --show-bin-path)
ARGS=()
if [ "${QUICK:-0}" = 1 ]; then ARGS+=(--quick); fi
exec "$BIN/reliability" --vaultcli "$BIN/vaultcli" ${ARGS[@]+"${ARGS[@]}"} "$@"
