#!/bin/sh
# A throwaway PostgreSQL server for tests: Debian's postgresql binaries, initdb into DIR as an
# unprivileged user (tests run as root), listening on a Unix socket in DIR only (no TCP).
#   tests/support/pg.sh start DIR   prints the libpq conninfo (database whb, role whb)
#   tests/support/pg.sh stop DIR    stops the server and removes DIR
# Waits are bounded; on failure the server's log is printed. WHB_PG_CONF_EXTRA: lines added to
# postgresql.conf (the benchmarks load pg_stat_statements).
set -eu
cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
bin=${WHB_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[ -x "$bin/initdb" ] || { echo "pg.sh: no PostgreSQL server (apt-get install postgresql)" >&2; exit 3; }
user=${WHB_PG_USER:-nobody}

as_user() {
    if [ "$(id -u)" -eq 0 ]; then
        # runuser keeps no controlling terminal and needs no password.
        runuser -u "$user" -- "$@"
    else
        "$@"
    fi
}

case "$cmd" in
start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    [ "$(id -u)" -eq 0 ] && chown "$user" "$dir"
    chmod 0700 "$dir"
    # Locale C: byte order for names, as the SQLite store; no password auth on the socket.
    as_user "$bin/initdb" -D "$dir/data" -U postgres --locale=C -E UTF8 -A trust >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
    cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$dir'
max_connections = 100
shared_buffers = 128MB
fsync = on
synchronous_commit = on
${WHB_PG_CONF_EXTRA:-}
CONF
    as_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start >/dev/null ||
        { cat "$dir/server.log" >&2; exit 1; }
    i=0
    until as_user "$bin/pg_isready" -q -h "$dir" -d postgres -U postgres; do
        i=$((i + 1))
        [ $i -lt 60 ] || { echo "pg.sh: server did not become ready" >&2; cat "$dir/server.log" >&2; exit 1; }
        sleep 0.5
    done
    # A role and database as a DBA would make them: the collector owns its database only.
    as_user "$bin/psql" -q -h "$dir" -U postgres -d postgres -v ON_ERROR_STOP=1 \
        -c "CREATE ROLE whb LOGIN" -c "CREATE DATABASE whb OWNER whb" >/dev/null
    echo "host=$dir dbname=whb user=whb"
    ;;
stop)
    [ -d "$dir" ] || exit 0
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_user "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
