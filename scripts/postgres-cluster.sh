#!/usr/bin/env bash
# A private PostgreSQL cluster for the tests: Debian's server binaries, a data folder in a temp
# folder, listening on 127.0.0.1 only (no Unix socket in a shared folder), owned by an
# unprivileged user, password authentication with a random password.
#
#   scripts/postgres-cluster.sh start DIR   initdb DIR/data when needed, start it, and write
#                                           DIR/url (a postgres:// URL with the password, 0600)
#   scripts/postgres-cluster.sh restart DIR stop and start it again (same port, same data)
#   scripts/postgres-cluster.sh stop DIR    stop it (fast shutdown); safe when it is not running
#
# As root, the server runs as the user `postgres` (created by Debian's package); otherwise as the
# current user.
set -euo pipefail

command=${1:?usage: postgres-cluster.sh start|restart|stop DIR}
dir=${2:?usage: postgres-cluster.sh start|restart|stop DIR}

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
[ -n "$bindir" ] && [ -x "$bindir/initdb" ] || { echo "postgres-cluster: PostgreSQL server binaries not found (apt-get install -y postgresql)" >&2; exit 1; }

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

data=$dir/data
log=$dir/server.log

start() {
    if [ ! -f "$data/PG_VERSION" ]; then
        mkdir -p "$dir"
        chmod 0711 "$dir"
        [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
        password=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
        umask 077
        printf '%s\n' "$password" > "$dir/password"
        [ "$(id -u)" -eq 0 ] && chown postgres "$dir/password"
        as_owner "$bindir/initdb" -D "$data" -U tokenvault --auth=scram-sha-256 --pwfile="$dir/password" \
            --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
        rm -f "$dir/password"
        # A random port in 20000-59999 that nothing answers on (bash's /dev/tcp, no other tool).
        for _ in $(seq 50); do
            port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
            (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
        done
        # TLS with a self-signed certificate for 127.0.0.1 (DIR/root.crt, to test verify-full).
        openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=127.0.0.1" \
            -addext "subjectAltName=IP:127.0.0.1" -keyout "$data/server.key" -out "$data/server.crt" >/dev/null 2>&1
        cp "$data/server.crt" "$dir/root.crt"
        chmod 0600 "$data/server.key"
        [ "$(id -u)" -eq 0 ] && chown postgres "$data/server.key" "$data/server.crt"
        cat >> "$data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = ''
max_connections = 100
fsync = on
ssl = on
ssl_cert_file = 'server.crt'
ssl_key_file = 'server.key'
CONF
        printf 'postgres://tokenvault:%s@127.0.0.1:%s/postgres?sslmode=disable\n' "$password" "$port" > "$dir/url"
        chmod 0600 "$dir/url"
    fi
    # The server outlives this script: it must not inherit descriptors of the caller beyond
    # stdin/stdout/stderr (a caller that waits for EOF on one would wait for the server's exit).
    for fd in /proc/$$/fd/*; do
        fd=${fd##*/}
        [ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-" 2>/dev/null || true
    done
    as_owner "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 60 start </dev/null >/dev/null 2>&1 || { cat "$log" >&2; exit 1; }
}

stop() {
    [ -f "$data/postmaster.pid" ] || return 0
    as_owner "$bindir/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null || true
}

case $command in
    start) start ;;
    stop) stop ;;
    restart) stop; start ;;
    *) echo "postgres-cluster: unknown command $command" >&2; exit 2 ;;
esac
