#!/usr/bin/env bash
# Installs what TokenVault needs to build when it is missing: OpenSSL 3's libcrypto headers
# (Debian package libssl-dev) and pkg-config; with --postgres also PostgreSQL's server (Debian
# package postgresql), which the tests run a private cluster of. Safe to run again: it does
# nothing when everything is there.
set -euo pipefail

missing=()
pkg-config --exists libcrypto 2>/dev/null || missing+=(libssl-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
if [ "${1:-}" = --postgres ]; then
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
    command -v openssl >/dev/null 2>&1 || missing+=(openssl)  # the test cluster's certificate
fi
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing ${missing[*]} (needed to build TokenVault)..."
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
if [[ " ${missing[*]} " == *" postgresql "* ]]; then
    # The tests run a private cluster of their own: no system-wide cluster on port 5432.
    $sudo mkdir -p /etc/postgresql-common/createcluster.d
    echo 'create_main_cluster = false' | $sudo tee /etc/postgresql-common/createcluster.d/tokenvault.conf >/dev/null
fi
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
