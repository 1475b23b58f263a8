#!/usr/bin/env bash
# make reliability: builds vaultcli, the reliability harness and the libFuzzer targets, then runs
# every check (real vaultcli processes, the fuzzers, the test suite under ASan and TSan) and
# prints one summary table (exit 1 when any check failed).
#   QUICK=1        the short run (a few minutes once built; the sanitized test suites are left out)
#   CONFIG=release use release builds of vaultcli and the harness
#   other arguments go to the harness, e.g. --only crash,hostile,fuzz --keep-work
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
CONFIG=${CONFIG:-debug}
./scripts/ensure-deps.sh --postgres  # the sanitized test suites start a private PostgreSQL cluster
"$SWIFT" build -c "$CONFIG" --product vaultcli
"$SWIFT" build -c "$CONFIG" --product reliability
BIN=$("$SWIFT" build -c "$CONFIG" --show-bin-path)
# libFuzzer needs coverage instrumentation in the Swift code (-Xswiftc -sanitize=fuzzer) as well
# as its runtime at link (--sanitize=fuzzer); FUZZING swaps the corpus replayer's main for
# libFuzzer's entry point. Its own build folder: the instrumentation differs from every other build.
FUZZ_FLAGS=(--scratch-path .build-fuzz --sanitize=fuzzer --sanitize=address
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -DFUZZING)
"$SWIFT" build "${FUZZ_FLAGS[@]}" --product fuzz
FUZZ_BIN=$("$SWIFT" build "${FUZZ_FLAGS[@]}" --show-bin-path)
ARGS=()
if [ "${QUICK:-0}" = 1 ]; then ARGS+=(--quick); fi
exec "$BIN/reliability" --vaultcli "$BIN/vaultcli" --fuzzer "$FUZZ_BIN/fuzz" --corpus "$PWD/Reliability/corpus" \
    --test-script "$PWD/scripts/test.sh" ${ARGS[@]+"${ARGS[@]}"} "$@"
