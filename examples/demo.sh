#!/usr/bin/env bash
# The whole job, end to end, on this machine: a local PayPal-shaped token endpoint, a keyring and
# a vault, a token fetched and sealed, used against a protected endpoint, and a key rotation.
# Run it with `make demo` (which installs libssl-dev first when it is missing).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
say() { printf '    %s\n' "$*"; }

step "Building (swift build)"
swift build 2>&1 | tail -n 1
bin="$(swift build --show-bin-path)"

work="$(mktemp -d "${TMPDIR:-/tmp}/tokenvault-demo.XXXXXX")"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# A fresh demo client secret, passed through the environment only (never argv).
export DEMO_CLIENT_SECRET="$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export TOKENVAULT_VAULT="$work/tokens.vault" TOKENVAULT_KEYRING="$work/vault.keys"

step "Starting the example token endpoint (examples/token-server) on 127.0.0.1"
"$bin/token-server" --port 0 --client-id demo-client --client-secret-env DEMO_CLIENT_SECRET \
  >"$work/server.out" 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 1 100); do
  grep -q '^listening on ' "$work/server.out" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.1
done
base="$(sed -n 's/^listening on //p' "$work/server.out")"
[ -n "$base" ] || { echo "token-server did not start" >&2; exit 1; }
say "token endpoint: $base/v1/oauth2/token"
credentials=(--token-url "$base/v1/oauth2/token" --client-id demo-client --client-secret-env DEMO_CLIENT_SECRET)

step "vaultcli init: a keyring with one primary key, and an empty vault (both mode 0600)"
"$bin/vaultcli" init | sed 's/^/    /'

step "vaultcli fetch: client-credentials grant, token sealed with XAES-256-GCM (AES-256-GCM, a key derived for every write)"
"$bin/vaultcli" fetch --name demo "${credentials[@]}" | sed 's/^/    /'

step "vaultcli status (never prints a token)"
"$bin/vaultcli" status | sed 's/^/    /'

step "vaultcli token: the stored access token"
token="$("$bin/vaultcli" token --name demo)"
say "${token:0:12}... (${#token} characters)"

step "A service (examples/service-example) calls the protected endpoint with the token from the vault"
TOKEN_URL="$base/v1/oauth2/token" API_URL="$base/v1/protected" CLIENT_ID=demo-client \
  CLIENT_SECRET="$DEMO_CLIENT_SECRET" ENTRY=demo "$bin/service-example" | sed 's/^/    /'

step "vaultcli rotate --retire-old: new primary key, vault re-sealed, old key removed"
"$bin/vaultcli" rotate --retire-old | sed 's/^/    /'
"$bin/vaultcli" key list | sed 's/^/    /'

step "vaultcli token again: the same token, now sealed with the new key"
again="$("$bin/vaultcli" token --name demo)"
[ "$again" = "$token" ] || { echo "the token changed across the rotation" >&2; exit 1; }
"$bin/vaultcli" status | sed 's/^/    /'
say "same token: yes"

requests="$(grep -c 'POST /v1/oauth2/token' "$work/server.log" || true)"
step "Done: the token endpoint served $requests token request(s); the service reused the sealed token"
kill -TERM "$server_pid"
wait "$server_pid" || true
server_pid=""
