#!/usr/bin/env bash
# The test command (make test, and CI through .ci/run): a private PostgreSQL cluster for the
# fleet-store tests, then `swift test`; the cluster is stopped and its folder removed on every
# exit path (success, failure, Ctrl-C, kill).
set -euo pipefail
cd "$(dirname "$0")/.."

cluster=$(mktemp -d /tmp/tokenvault-postgres.XXXXXX)
cleanup() {
    ./scripts/postgres-cluster.sh stop "$cluster" || true
    rm -rf "$cluster"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

./scripts/postgres-cluster.sh start "$cluster"
export TOKENVAULT_TEST_POSTGRES_DIR=$cluster
swift test "$@"
