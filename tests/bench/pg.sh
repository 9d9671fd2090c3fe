#!/bin/bash
# PostgreSQL beside SQLite, in the same run on the same box: ingest (whb-loadgen against a
# collector on each store, plain HTTP: reports/s, and CPU per report of the collector and of
# the PostgreSQL server), then `why` p50/p99 and the silent list at MACHINES (1,000,000)
# machines. The big store is filled once on SQLite through the collector's ingest code and
# copied to PostgreSQL with `whb-collector migrate`, so both answer over the same fleet.
# PostgreSQL runs durable (fsync on, synchronous_commit on), from tests/support/pg.sh.
# Then (issue 26) a collector freshly started on that PostgreSQL store, every machine silent (its
# reports a year old): /healthz and `why` within 10 s of start and during the summaries
# worker's start-up pass, intake beside them, and the PostgreSQL server's CPU meanwhile.
# Env: MACHINES (1000000), QUERIES (2000), INGEST_MACHINES (20000), CONNECTIONS (64),
# SECONDS_RUN (10), BENCH_DIR (/tmp/whb-bench-pg: the filled SQLite store is kept for reruns),
# STARTUP_LIMIT (900 s), BIN (another build's bin directory, for before/after: its collector and
# whb-explain-bench, with a BENCH_DIR of its own), PARTS ("ingest lists startup": which parts run).
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$PWD
machines=${MACHINES:-1000000}
queries=${QUERIES:-2000}
ingest_machines=${INGEST_MACHINES:-20000}
conns=${CONNECTIONS:-64}
seconds=${SECONDS_RUN:-10}
dir=${BENCH_DIR:-/tmp/whb-bench-pg}
parts=" ${PARTS:-ingest lists startup} "
[ -n "${SKIP_DEPS:-}" ] || tests/deps.sh all
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-bench -j 2 --target whb-collector whb-loadgen whb-explain-bench >/dev/null
bin=${BIN:-$top/build-bench/bin}
loadgen=$top/build-bench/bin/whb-loadgen
mkdir -p "$dir"
. tests/bench/pg-work.sh
pg_work_start whb-bench-pg
echo bench-token > "$work/token"
echo bench-admin-token > "$work/admin"
export WHB_BENCH_TOKEN=bench-admin-token # the read API wants a token from loopback too
# Every simulated machine enrolls from loopback: no per-source enrollment limit (issue 22).
nolimit=()
if "$bin/whb-collector" --help 2>&1 | grep -- --enroll-per-minute >/dev/null; then nolimit=(--enroll-per-minute 0); fi
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# CPU seconds (user + system) of some processes, from /proc.
cpu_of() { local t=0 p; for p in "$@"; do
        [ -r /proc/$p/stat ] && t=$((t + $(awk '{print $14 + $15}' /proc/$p/stat))); done
    awk -v t=$t -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.3f", t/hz}'; }
pg_pids() { local pm; pm=$(head -1 "$work/pg/data/postmaster.pid"); echo "$pm $(pgrep -P "$pm" | tr '\n' ' ')"; }
rate() { sed -n 's/.*rate=\([0-9]*\).*/\1/p'; }
sent() { sed -n 's/.*ok=\([0-9]*\).*/\1/p'; }

echo "collector: $bin/whb-collector; load before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ $parts == *" ingest "* ]]; then
echo "== ingest: $ingest_machines machines, $conns connections, ${seconds} s, plain HTTP, cores=$(nproc)"
printf '%-11s %10s %16s %16s %16s\n' store reports/s "collector us/rep" "postgres us/rep" "total us/rep"
where=
for store in sqlite postgresql; do
    p=$(port)
    flags=(--db "$work/ingest.db")
    [ $store = postgresql ] && flags=(--store-backend postgresql --store-conninfo "$conninfo")
    "$bin/whb-collector" --plain-http --listen 127.0.0.1:$p "${flags[@]}" \
        --enrollment-token-file "$work/token" --log-level warn "${nolimit[@]}" &
    cpid=$!
    pids+=($cpid)
    sleep 1
    url=http://127.0.0.1:$p/v1/report
    # Enroll every simulated machine first (bounded): the measured run is steady heartbeats.
    for _ in $(seq 1 30); do
        "$loadgen" --url "$url" --machines "$ingest_machines" --connections "$conns" \
            --seconds 5 --token bench-token >/dev/null
        if [ $store = postgresql ]; then n=$(psql -XAtq -U whb -d whb -c "select count(*) from machines")
        else n=$(sqlite3 "$work/ingest.db" "select count(*) from machines"); fi
        [ "$n" -ge "$ingest_machines" ] && break
    done
    [ $store = postgresql ] && pg_statements_reset
    c0=$(cpu_of $cpid); g0=$(cpu_of $(pg_pids))
    out=$("$loadgen" --url "$url" --machines "$ingest_machines" --connections "$conns" \
        --seconds "$seconds" --token bench-token)
    c1=$(cpu_of $cpid); g1=$(cpu_of $(pg_pids))
    echo "  $store: $out" >&2
    ok=$(echo "$out" | sent)
    [ $store = postgresql ] && where=$(pg_statements_print "$ok")
    [ $store = sqlite ] && { g0=0; g1=0; }
    awk -v s=$store -v r="$(echo "$out" | rate)" -v ok="$ok" -v c="$(awk -v a=$c0 -v b=$c1 'BEGIN{print b-a}')" \
        -v g="$(awk -v a=$g0 -v b=$g1 'BEGIN{print b-a}')" \
        'BEGIN{printf "%-11s %10d %16.1f %16.1f %16.1f\n", s, r, c*1e6/ok, g*1e6/ok, (c+g)*1e6/ok}'
    kill $cpid; wait $cpid 2>/dev/null || true
done
echo "  where the PostgreSQL server's time goes (pg_stat_statements, the measured run):"
echo "$where"
fi

if [[ $parts == *" lists "* || $parts == *" startup "* ]]; then
echo "== why and the silent list at $machines machines ($queries random hosts)"
db=$dir/explain-$machines.db
"$bin/whb-explain-bench" "$db" "$machines" 5 0 | sed 's/^/  sqlite fill: /'
psql -XAtq -d postgres -c "CREATE DATABASE big OWNER whb"
t0=$(date +%s)
"$bin/whb-collector" migrate --from "sqlite:$db" --to "host=$work/pg dbname=big user=whb" | sed 's/^/  /'
echo "  migrate to PostgreSQL: $(( $(date +%s) - t0 )) s"
psql -XAtq -U postgres -d big -c "VACUUM ANALYZE" # as the owner of the catalogs too
for store in sqlite postgresql; do
    target=$db
    [ $store = postgresql ] && target="postgresql:host=$work/pg dbname=big user=whb"
    "$bin/whb-explain-bench" "$target" "$machines" 5 "$queries" | grep -E "^(why|silent)" |
        sed "s/^/  $store: /"
done
echo "  database sizes: sqlite $(du -h "$db" | cut -f1), postgresql $(psql -XAtq -U whb -d big -c "SELECT pg_size_pretty(pg_database_size('big'))")"
fi

[[ $parts == *" startup "* ]] || exit 0

echo "== every machine silent, a collector just started on the PostgreSQL store (load $(cut -d' ' -f1-3 /proc/loadavg))"
p=$(port)
log=$work/startup.log
: > "$log"
g0=$(cpu_of $(pg_pids))
started=$(date +%s.%N)
"$bin/whb-collector" --plain-http --listen 127.0.0.1:$p --store-backend postgresql \
    --store-conninfo "host=$work/pg dbname=big user=whb" --enrollment-token-file "$work/token" \
    --admin-token-file "$work/admin" "${nolimit[@]}" 2>>"$log" &
cpid=$!
pids+=($cpid)
python3 tests/bench/http_read.py startup "$p" "$cpid" "$machines" "$started" "${STARTUP_LIMIT:-900}" \
    "$log" 0 "$loadgen" bench-token
g1=$(cpu_of $(pg_pids))
echo "  PostgreSQL server over the run: $(awk -v a=$g0 -v b=$g1 'BEGIN{printf "%.1f", b-a}') s of CPU"
kill $cpid; wait $cpid 2>/dev/null || true
