#!/bin/bash
# Explain benchmark: a real SQLite store with MACHINES (default 1,000,000) machines filled
# through the collector's ingest code, then `why` p50/p99 over QUERIES random hosts and the time
# to list every silent machine. Goals: why p99 <= 2 ms, silent list <= 0.5 s at 1M machines.
# The filled database is kept in $BENCH_DIR (default /tmp/whb-bench-explain) for reruns.
set -euo pipefail
cd "$(dirname "$0")/../.."
machines=${MACHINES:-1000000}
queries=${QUERIES:-5000}
dir=${BENCH_DIR:-/tmp/whb-bench-explain}
tests/deps.sh build
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-bench -j "$(nproc)" --target whb-explain-bench >/dev/null
mkdir -p "$dir"
build-bench/bin/whb-explain-bench "$dir/explain-$machines.db" "$machines" 5 "$queries"
echo "database: $(du -h "$dir/explain-$machines.db" | cut -f1) ($dir/explain-$machines.db)"
