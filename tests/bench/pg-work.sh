# Sourced by the PostgreSQL benches (pg.sh, pg-storm.sh): pg_work_start PREFIX makes a scratch
# directory $work with a durable PostgreSQL server in it (tests/support/pg.sh), sets $conninfo,
# PGHOST and PGUSER, and at exit kills every process in $pids, stops the server and removes it.
pg_work_cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    tests/support/pg.sh stop "$work/pg"
    rm -rf "$work"
}

pg_work_start() {
    work=$(mktemp -d "/tmp/$1-XXXXXX")
    chmod 755 "$work"
    pids=()
    trap pg_work_cleanup EXIT
    conninfo=$(tests/support/pg.sh start "$work/pg")
    export PGHOST=$work/pg PGUSER=postgres
}
