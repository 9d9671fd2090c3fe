# Sourced by the ingest benches (ingest.sh, ingest-profile.sh): CPU time from /proc, in ticks.
# utime+stime of the processes given.
cpu_ticks() { local t=0; for p in "$@"; do t=$((t + $(awk '{print $14+$15}' "/proc/$p/stat"))); done; echo $t; }
# The collector's writer thread (named whb-writer: SQLite, WAL, fsync) apart from the rest (event
# loops: TCP, TLS, HTTP, decoding): which half a change moved. comm is field 2, in parentheses.
writer_ticks() {
    local t=0 f
    for f in /proc/"$1"/task/*/stat; do
        t=$((t + $(awk '/\(whb-writer\)/ {print $14+$15; exit} {print 0}' "$f" 2>/dev/null || echo 0)))
    done
    echo $t
}
