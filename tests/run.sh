#!/bin/bash
# The one test command: installs what is missing, builds, and runs every suite.
#   unit + integration (ctest), the same under ASan+UBSan, valgrind on the unit tests,
#   bounded libFuzzer runs, the end-to-end scenarios and the fault soak (root + namespaces),
#   and the quickstart on a fresh Debian 12 minbase root (tests/fresh/).
# Env: FUZZ_SECONDS (default 20 per target), JOBS (default nproc), SKIP_E2E=1 (skips the
# soak too), SOAK_SECONDS (default 110; 900 for the benchmark run). CI=true: a step that
# cannot run here (exit 77, SKIP_E2E) fails the run instead of counting as skipped.
set -u
cd "$(dirname "$0")/.."
top=$PWD
jobs=${JOBS:-$(nproc)}
fuzz_seconds=${FUZZ_SECONDS:-20}
passed=0
failed=0
skipped=0
failures=()

step() { echo; echo "=== $* (at $((SECONDS / 60)) min $((SECONDS % 60)) s)"; }
ok() { passed=$((passed + 1)); echo "--- ok: $1"; }
bad() { failed=$((failed + 1)); failures+=("$1"); echo "--- FAILED: $1"; }
run() { # name command...
    local name=$1; shift
    if "$@"; then ok "$name"; else bad "$name"; fi
}
# A step that cannot run here: skipped, said loudly; under CI=true it fails the run (CI must
# have everything, and a skipped step there would hide what a newcomer then meets).
notrun() { # name why
    if [ "${CI:-}" = true ]; then
        bad "$1 (NOT RUN under CI=true: $2)"
    else
        echo "!!! $1 NOT RUN: $2"
        skipped=$((skipped + 1))
    fi
}

# ctest counts a test that exits 77 (test_agent_lldp without root) as skipped, not failed.
ctest_run() { # name ctest-args...
    local name=$1 log rc; shift
    log=$(mktemp)
    ctest "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    if [ "$rc" -ne 0 ]; then
        bad "$name"
    elif [ "${CI:-}" = true ] && grep -q "tests did not run" "$log"; then
        bad "$name (a test did not run, under CI=true)"
    else
        ok "$name"
    fi
    rm -f "$log"
}

step "dependencies"
tests/deps.sh all || { echo "cannot install dependencies"; exit 1; }

build() { # dir cmake-args...
    local dir=$1; shift
    cmake -S "$top" -B "$dir" -DCMAKE_BUILD_TYPE=Debug -DWHB_TESTS=ON "$@" >"$dir.configure.log" 2>&1 &&
        cmake --build "$dir" -j "$jobs" >"$dir.build.log" 2>&1 ||
        { tail -40 "$dir.configure.log" "$dir.build.log" 2>/dev/null; return 1; }
}

step "build (gcc, -Werror)"
mkdir -p build
run "build" build build
# Everything ctest knows but the suites that have steps of their own below (`ctest -L <label>`
# runs any of them alone: e2e, soak, browser, packages, windows, postgresql, fresh).
step "unit and integration tests (the whb CLI and the collector's tools included), layout"
ctest_run "ctest" --test-dir build --output-on-failure -j "$jobs" \
    -LE 'postgresql|e2e|soak|browser|packages|windows|fresh'

# The store and collector tests again on a throwaway PostgreSQL server each (with-pg.sh), and
# every end-to-end scenario on a PostgreSQL store, with two collectors on one database and one
# killed mid-traffic (root: network namespaces).
step "PostgreSQL backend"
ctest_run "ctest postgresql" --test-dir build --output-on-failure -L postgresql -LE e2e
if [ "${SKIP_E2E:-0}" != 1 ]; then
    WHB_NS_PREFIX=wpg- WHB_STORE_BACKEND=postgresql tests/e2e/run.sh "$top/build"
    case $? in
    0) ok "e2e on PostgreSQL (two collectors, one database, too)" ;;
    77) notrun "e2e on PostgreSQL" "network namespaces need root" ;;
    *) bad "e2e on PostgreSQL" ;;
    esac
fi

step "the web console in a real browser (chromium + playwright-core)"
tests/web/run.sh build
case $? in
0) ok "web console" ;;
77) notrun "web console" "chromium, node or playwright-core unavailable (tests/deps.sh installs them)" ;;
*) bad "web console" ;;
esac

step "Debian packages and Group Policy templates"
run "packages" tests/integration/test_packages.sh build
run "policy templates" tests/integration/test_policy.sh build

# The README's first command on a fresh Debian 12 minbase (mmdebstrap, cached in build/fresh):
# a clean clone of HEAD, the quickstart on a free port, its console answering. Once as root with
# a one-line sources.list (as the Debian installer leaves it), once as a user with sudo and
# deb822 sources (as cloud images have them).
step "a fresh machine: the quickstart in a Debian 12 minbase root"
for as in root user; do
    name="quickstart on a fresh machine (as $as)"
    if [ $as = root ]; then
        FRESH_USER=0 FRESH_SOURCES=line tests/fresh/quickstart-in-root.sh "$top/build/fresh"
    else
        FRESH_USER=1 FRESH_SOURCES=deb822 tests/fresh/quickstart-in-root.sh "$top/build/fresh"
    fi
    case $? in
    0) ok "$name" ;;
    77) notrun "$name" "a chroot needs root and mmdebstrap" ;;
    *) bad "$name" ;;
    esac
done

# The other agent build too: without logind and with the shared OpenSSL (the main build is
# the one the Debian package ships: logind, OpenSSL linked in).
step "sanitizer build (ASan+UBSan; agent without logind, shared OpenSSL) and tests"
mkdir -p build-asan
if build build-asan -DWHB_SANITIZE=ON -DWHB_AGENT_LOGIND=OFF -DWHB_AGENT_STATIC_OPENSSL=OFF; then
    ok "build-asan"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
        ctest_run "ctest-asan" --test-dir build-asan --output-on-failure -j "$jobs" \
        -LE 'e2e|soak|browser|packages|windows|fresh'
else
    bad "build-asan"
fi

step "valgrind (unit tests)"
for t in build/bin/test_wire build/bin/test_store build/bin/test_identity build/bin/test_session \
    build/bin/test_event_log build/bin/test_ingest build/bin/test_answer build/bin/test_summaries \
    build/bin/test_config build/bin/test_metrics \
    $(ls build/bin/test_agent_* 2>/dev/null) \
    $(ls build/bin/test_switch_* build/bin/test_explain_switch 2>/dev/null); do
    [ -x "$t" ] || continue
    log=build/valgrind-$(basename "$t").log
    if valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
        --error-exitcode=99 --log-file="$log" "$t" >/dev/null 2>&1; then
        ok "valgrind $(basename "$t")"
    else
        cat "$log"
        bad "valgrind $(basename "$t")"
    fi
done

step "fuzzing (${fuzz_seconds}s per target)"
mkdir -p build-fuzz
if CC=clang build build-fuzz -DWHB_FUZZ=ON -DWHB_COLLECTOR=OFF \
    -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link,address,undefined"; then
    ok "build-fuzz"
    for f in build-fuzz/bin/fuzz_*; do
        name=$(basename "$f")
        corpus=build-fuzz/corpus/$name
        mkdir -p "$corpus"
        build/bin/make_seeds "$corpus" 2>/dev/null || true
        # The recorded real inputs (LLDP frame, netlink and nl80211 messages) as seeds too.
        # WSUS computer lists as Windows writes them, for the CSV reader.
        [ "$name" = fuzz_wsus_csv ] && for c in tests/data/wsus-*.csv; do printf '\0' | cat - "$c" > "$corpus/$(basename "$c")"; done
        for h in tests/data/*.hex; do
            python3 -c 'import sys; open(sys.argv[2], "wb").write(bytes.fromhex(open(sys.argv[1]).read().strip()))' \
                "$h" "$corpus/$(basename "$h" .hex).bin"
        done
        # The switches' recorded syslog lines (one per vendor table row).
        awk -F'\t' -v dir="$corpus" '!/^#/ && NF >= 8 { f = dir "/switch-syslog-" NR; printf "%s", $8 > f; close(f) }' \
            tests/data/switch-syslog.tsv
        if "$f" -max_total_time="$fuzz_seconds" -timeout=5 -rss_limit_mb=2048 \
            -print_final_stats=1 "$corpus" >"build-fuzz/$name.log" 2>&1; then
            ok "$name ($(grep -o 'stat::number_of_executed_units: *[0-9]*' "build-fuzz/$name.log" | grep -o '[0-9]*$') runs)"
        else
            tail -30 "build-fuzz/$name.log"
            bad "$name"
        fi
    done
else
    bad "build-fuzz"
fi

step "Windows: the agent's core cross-built with mingw-w64, its tests under wine"
installer/windows/test.sh "$top/build-win" "$top/build"
case $? in
0) ok "windows core under wine" ;;
77) notrun "windows core under wine" "toolchain, wine or source packages unavailable here" ;;
*) bad "windows core under wine" ;;
esac

if [ "${SKIP_E2E:-0}" = 1 ]; then
    notrun "e2e scenarios and fault soak" "SKIP_E2E=1"
else
    step "end-to-end scenarios (network namespaces)"
    tests/e2e/run.sh "$top/build"
    case $? in
    0) ok "e2e" ;;
    77) notrun "e2e" "this machine cannot create network namespaces (root needed)" ;;
    *) bad "e2e" ;;
    esac
    # Bounded to 3 minutes: 110 s of faults (each type at least once), 25 s to drain.
    step "fault soak: every event an agent creates reaches the collector once (SOAK_SECONDS=${SOAK_SECONDS:-110})"
    SOAK_SECONDS=${SOAK_SECONDS:-110} SOAK_DRAIN=${SOAK_DRAIN:-25} tests/soak/run.sh "$top/build"
    case $? in
    0) ok "soak" ;;
    77) notrun "soak" "this machine cannot create network namespaces (root needed)" ;;
    *) bad "soak" ;;
    esac
fi

echo
if [ ${#failures[@]} -gt 0 ]; then
    printf 'failed: %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
