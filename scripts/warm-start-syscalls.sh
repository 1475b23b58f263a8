#!/usr/bin/env bash
# A service (examples/service-example) on VaultTokenStore started 5 times against the example
# token endpoint: the flock, rename and fsync calls of each start (strace -f), whether the vault
# and keyring files changed, and the token requests made. Then a start with no keyring.
# Needs a debug build (swift build) and strace.
set -euo pipefail
cd "$(dirname "$0")/.." && bin="$(swift build --show-bin-path)"
work=$(mktemp -d); cd "$work"
export DEMO_CLIENT_SECRET=s3cret-$RANDOM$RANDOM
"$bin/token-server" --port 0 --client-id demo-client --client-secret-env DEMO_CLIENT_SECRET >server.out 2>server.log &
pid=$!; trap 'kill $pid; rm -rf "$work"' EXIT
for _ in $(seq 100); do grep -q '^listening on ' server.out && break; sleep 0.1; done
base=$(sed -n 's/^listening on //p' server.out)
export TOKENVAULT_VAULT=$work/tokens.vault TOKENVAULT_KEYRING=$work/vault.keys
"$bin/vaultcli" init >/dev/null
for i in 1 2 3 4 5; do
  before=$(sha256sum tokens.vault vault.keys | awk '{print $1}' | tr '\n' ' ')
  TOKEN_URL=$base/v1/oauth2/token API_URL=$base/v1/protected CLIENT_ID=demo-client CLIENT_SECRET=$DEMO_CLIENT_SECRET ENTRY=demo \
    strace -f -qq -o trace.$i -e trace=flock,rename,renameat,renameat2,fsync,fdatasync "$bin/service-example" >out.$i
  after=$(sha256sum tokens.vault vault.keys | awk '{print $1}' | tr '\n' ' ')
  printf 'start %d: %s | flock %d rename %d fsync %d | files %s\n' "$i" "$(cat out.$i)" \
    "$(grep -c 'flock(' trace.$i || true)" "$(grep -cE 'rename(at2?)?\(' trace.$i || true)" "$(grep -cE 'f(data)?sync\(' trace.$i || true)" \
    "$([ "$before" = "$after" ] && echo unchanged || echo rewritten)"
done
echo "token requests: $(grep -c 'POST /v1/oauth2/token' server.log)"
echo "--- no keyring:"
TOKENVAULT_KEYRING=$work/missing.keys TOKEN_URL=$base/v1/oauth2/token API_URL=$base/v1/protected CLIENT_ID=demo-client CLIENT_SECRET=$DEMO_CLIENT_SECRET ENTRY=demo \
  "$bin/service-example" 2>&1 | tail -2 || true
