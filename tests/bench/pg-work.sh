# Sourced by the PostgreSQL benches (pg.sh, pg-storm.sh): pg_work_start PREFIX makes a scratch
# directory $work with a durable PostgreSQL server in it (tests/support/pg.sh), sets $conninfo,
# PGHOST and PGUSER, and at exit kills every process in $pids, stops the server and removes it.
# pg_statements_reset and pg_statements_print N: the server's time per statement over a run,
# per report (N reports stored in it).
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
    # pg_stat_statements: where the server's time goes, statement by statement (a hash lookup
    # per statement run, and the writer runs a few per batch of reports).
    conninfo=$(WHB_PG_CONF_EXTRA="shared_preload_libraries = 'pg_stat_statements'" \
        tests/support/pg.sh start "$work/pg")
    export PGHOST=$work/pg PGUSER=postgres
    psql -XAtq -d postgres -c "CREATE EXTENSION pg_stat_statements" >/dev/null
}

pg_statements_reset() { psql -XAtq -d postgres -c "SELECT pg_stat_statements_reset()" >/dev/null; }

pg_statements_print() {
    psql -Xq -P footer=off -d postgres -v n="$1" <<'SQL' | sed 's/^/    /'
SELECT round((total_exec_time * 1000 / :n)::numeric, 1) AS "server µs/report",
       round(:n::numeric / calls, 1) AS "reports/call",
       round(wal_records::numeric / :n, 2) AS "WAL records/report",
       round(wal_bytes / :n) AS "WAL bytes/report",
       left(regexp_replace(query, '\s+', ' ', 'g'), 56) AS statement
FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%'
ORDER BY total_exec_time DESC LIMIT 6;
SQL
}
