#!/usr/bin/env bash
# The test command (make test, and CI through .ci/run): a private PostgreSQL cluster for the
# fleet-store tests, then `swift test`; the cluster is stopped and its folder removed on every
# exit path the script can see (success, failure, Ctrl-C, TERM). A cluster left by a run that
# was killed with SIGKILL is stopped and removed by the next run.
set -euo pipefail
cd "$(dirname "$0")/.."

# Clusters of earlier runs whose script is gone.
for stale in /tmp/tokenvault-postgres.*; do
    [ -d "$stale" ] || continue
    owner=$(cat "$stale/owner.pid" 2>/dev/null || echo 0)
    if [ "$owner" -gt 0 ] && kill -0 "$owner" 2>/dev/null; then continue; fi
    ./scripts/postgres-cluster.sh stop "$stale" || true
    rm -rf "$stale"
done

cluster=$(mktemp -d /tmp/tokenvault-postgres.XXXXXX)
echo $$ > "$cluster/owner.pid"
tests=0
cleanup() {
    set +e  # every step runs, whatever the one before returned
    if [ "$tests" -gt 0 ] && kill -0 "$tests" 2>/dev/null; then
        pkill -TERM -P "$tests" 2>/dev/null  # the test process swift test started
        kill "$tests" 2>/dev/null
        wait "$tests" 2>/dev/null
    fi
    ./scripts/postgres-cluster.sh stop "$cluster" || true
    rm -rf "$cluster"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

./scripts/postgres-cluster.sh start "$cluster"
export TOKENVAULT_TEST_POSTGRES_DIR=$cluster
# In the background, so that a TERM or INT reaches the trap at once, not after swift test ends.
swift test "$@" &
tests=$!
wait "$tests"
