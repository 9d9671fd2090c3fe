#!/bin/bash
# Accuracy benchmark: TIMELINES (default 10,000) generated timelines with ground truth through
# simulated agents, the collector's real ingest and the real explanation engine; prints the
# confusion matrices, the figures against the goals and replayable examples of each failure.
# Replay one: build-bench/bin/whb-accuracy --seed S --only N --verbose
set -euo pipefail
cd "$(dirname "$0")/../.."
timelines=${TIMELINES:-10000}
seed=${SEED:-7}
[ -n "${SKIP_DEPS:-}" ] || tests/deps.sh all
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-bench -j2 --target whb-accuracy >/dev/null
# The goals are printed; missing them is the finding, not a failure of the script.
build-bench/bin/whb-accuracy --seed "$seed" --timelines "$timelines" --examples "${EXAMPLES:-8}" ||
    echo "(goals missed: see above)"
