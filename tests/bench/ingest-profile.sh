#!/bin/bash
# Where the collector's CPU per report goes over TLS (issue 26 item 3): the ingest bench's load
# (whb-loadgen, enrolled machines' heartbeats) against one collector (1 event loop), with
# `perf record --call-graph dwarf` on it during one measured run after a warm-up run. Prints
# the CPU per report (from /proc, as ingest.sh) and, per thread, what the main parts take
# (inclusive: a part's callees are in it), in µs per report. nginx's whole request over TLS
# 1.3 is ingest.sh's figure to hold these against: the loop's TLS + socket part is what nginx
# pays too. Env: MACHINES (100000), CONNECTIONS (128), SECONDS_RUN (8), COLLECTOR (another
# whb-collector binary), KEEP (a directory to keep perf.data in).
set -euo pipefail
cd "$(dirname "$0")/../.."
machines=${MACHINES:-100000}
conns=${CONNECTIONS:-128}
seconds=${SECONDS_RUN:-8}
build=${BUILD_DIR:-build-bench}
command -v perf >/dev/null || { echo "ingest-profile: needs perf (linux-perf)" >&2; exit 2; }
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j 2 --target whb-collector whb-loadgen >/dev/null
bin=$PWD/$build/bin
collector=${COLLECTOR:-$bin/whb-collector}
hz=$(getconf CLK_TCK)
work=$(mktemp -d /tmp/whb-profile-XXXXXX)
pid=
cleanup() { [ -z "$pid" ] || kill "$pid" 2>/dev/null || true; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
sh tests/integration/make-certs.sh "$work/certs" >/dev/null 2>&1
echo bench-token > "$work/token"
chmod 600 "$work/token"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$collector" --cert "$work/certs/server.crt" --key "$work/certs/server.key" --loops 1 \
    --listen "127.0.0.1:$port" --db "$work/p.db" --enrollment-token-file "$work/token" \
    --enroll-per-minute 0 --log-level warn &
pid=$!
sleep 1
url=https://127.0.0.1:$port/v1/report
gen() { "$bin/whb-loadgen" --url "$url" --machines "$machines" --connections "$conns" \
    --ca "$work/certs/ca.crt" "$@"; }
echo "enrolled: $(gen --storm --events 0 --token bench-token)"
echo "warm-up:  $(gen --seconds "$seconds" --seq-base 100)"

. tests/bench/ticks.sh
c0=$(cpu_ticks "$pid"); w0=$(writer_ticks "$pid")
perf record -q -F 999 --call-graph dwarf,16384 -p "$pid" -o "$work/perf.data" -- \
    sleep "$seconds" 2>/dev/null &
perf_pid=$!
out=$(gen --seconds "$seconds" --seq-base 200) || true # failures are in its line
wait $perf_pid || true
c1=$(cpu_ticks "$pid"); w1=$(writer_ticks "$pid")
echo "measured: $out"
ok=$(echo "$out" | sed -n 's/.*ok=\([0-9]*\).*/\1/p')
read -r total loops writer < <(awk -v ok="$ok" -v d=$((c1 - c0)) -v w=$((w1 - w0)) -v hz="$hz" \
    'BEGIN{printf "%.1f %.1f %.1f\n", d*1e6/hz/ok, (d-w)*1e6/hz/ok, w*1e6/hz/ok}')
echo "CPU per report: $total us (event loop $loops, writer $writer)"

# Inclusive share of each symbol in one thread, as a percentage of that thread's samples.
shares() { # comm
    perf report -i "$work/perf.data" --children --comm "$1" --sort sym -g none \
        --percent-limit 0 2>/dev/null | awk '/^ +[0-9.]+%/ {c=$1; sub("%","",c); c+=0; $1=$2=$3=""; \
        sub(/^ +/,""); sub(/ \(inlined\)$/,""); if (!($0 in s) || c > s[$0]) s[$0]=c} \
        END {for (k in s) print s[k] "\t" k}'
}
# part LABEL SYMBOL...: the largest inclusive share among the symbols (one call path each).
print_parts() { # comm us_of_thread "label|sym sym" ...
    local comm=$1 us=$2; shift 2
    local tbl; tbl=$(shares "$comm")
    local thread; thread=$(perf report -i "$work/perf.data" --no-children --sort comm -g none 2>/dev/null |
        awk -v c="$comm" '$2==c {sub("%","",$1); print $1}')
    printf '  %-58s %7s\n' "thread $comm (all of it)" "$us"
    for p in "$@"; do
        local label=${p%%|*} syms=${p#*|} v=0 s
        for s in $syms; do
            v=$(echo "$tbl" | awk -F'\t' -v s="$s" -v v="$v" '$2==s && $1>v {v=$1} END {print v}')
        done
        printf '  %-58s %7.1f\n' "$label" "$(awk -v v="$v" -v t="${thread:-100}" -v us="$us" \
            'BEGIN{print (t>0 ? v/t*us : 0)}')"
    done
}
echo "where the time goes, us per report (inclusive; parts may overlap their parents):"
print_parts "$(cat "/proc/$pid/comm")" "$loops" \
    "TLS record + socket read (SSL_read; nginx pays it)|SSL_read" \
    "TLS record + socket write of the answer (SSL_write; nginx too)|SSL_write" \
    "waiting for events (epoll_wait)|epoll_wait" \
    "HTTP parsing (http-parser feed)|whb_report_http_feed" \
    "head rules (head_rules.c)|whb_http_head_check_part" \
    "sender: key hash and key set (or store)|whb_report_sender" \
    "  of it: a store read for an unknown key|whb_sqlite_key_known" \
    "decoding (prescan, protobuf-c, validation)|whb_report_decode" \
    "hand-off to the writer|whb_ingest_submit" \
    "the answer once committed (ack, counters)|whb_report_serve_committed" \
    "malloc + free (all callers)|malloc free cfree"
print_parts whb-writer "$writer" \
    "store put, all of it|whb_store_put" \
    "  the machine's row read (bind_machine)|bind_machine" \
    "  the row written (write_machine)|write_machine" \
    "    of it: addresses noted (note_ips)|whb_sqlite_note_ips" \
    "    of it: the snapshot packed again|whb_wire_snapshot_pack" \
    "  the report's view (attachment, WU)|whb_store_report_view" \
    "  events inserted|insert_events" \
    "commit (WAL frames, fsync, checkpoint)|sqlite_commit" \
    "  of it: fdatasync|fdatasync __GI_fdatasync" \
    "  of it: WAL checkpoint|sqlite3_wal_checkpoint_v2" \
    "batch sort by machine id|sort_items" \
    "waiting and hand-back (locks, wake-ups)|pthread_cond_timedwait pthread_cond_wait ___pthread_cond_timedwait64"
[ -z "${KEEP:-}" ] || cp "$work/perf.data" "$KEEP/"
