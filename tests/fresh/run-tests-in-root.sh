#!/bin/bash
# The test command on a fresh machine: tests/run.sh (or CMD) as root in a new Debian 12 minbase
# root with git (root.sh), on a clean clone of this tree's HEAD, so that every package it needs
# comes from tests/deps.sh and the suites' own set-up. The root has its own mount and PID
# namespaces (enter.sh): its network namespaces (/run/netns), nginx and PostgreSQL are its own,
# and all of it ends with the run. It shares this machine's network (apt, npm, free ports).
# Passed into the root: CI, JOBS, FUZZ_SECONDS, SOAK_SECONDS, SOAK_DRAIN, SKIP_E2E.
# Usage: tests/fresh/run-tests-in-root.sh [WORK_DIR [CMD...]]   (default build/fresh and
# tests/run.sh; CMD runs in the clone). The log is WORK_DIR/tests.log; the root is kept after a
# failure (WORK_DIR/tests-root) and removed after a success unless FRESH_KEEP=1.
# FRESH_TMPFS=1: the root in memory instead (enter.sh --new; several GiB once every suite's
# packages are in; its /tmp stays on disk in WORK_DIR/tests-tmp): nothing to delete afterwards.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
work=$(realpath -m "${1:-$top/build/fresh}")
shift $(($# > 0 ? 1 : 0))
[ $# -gt 0 ] || set -- tests/run.sh
. "$here/root.sh"
[ "$(id -u)" -eq 0 ] || { echo "fresh: a chroot needs root"; exit 77; }
command -v mmdebstrap >/dev/null || { echo "fresh: mmdebstrap missing (tests/deps.sh installs it)"; exit 77; }

dir=$work/tests-root
log=$work/tests.log
trap 'fresh_root_cleanup "$dir"' EXIT
trap 'exit 1' INT TERM
t0=$SECONDS
fresh_root_tar "$work" || exit 1
enter=("$here/enter.sh")
if [ "${FRESH_TMPFS:-0}" = 1 ]; then
    fresh_root_cleanup "$dir"
    rm -rf "$dir" "$work/tests-tmp"
    mkdir -p "$work/tests-tmp"
    chmod 1777 "$work/tests-tmp"
    tmp=$work/tests-tmp
    export FRESH_TMP=$tmp
    enter=("$here/enter.sh" --new)
else
    fresh_root_unpack "$work" "$dir" || exit 1
    tmp=$dir/tmp
fi
git -C "$top" bundle create "$tmp/tree.bundle" HEAD 2>/dev/null ||
    { echo "fresh: cannot bundle HEAD"; exit 1; }
env=()
for v in CI JOBS FUZZ_SECONDS SOAK_SECONDS SOAK_DRAIN SKIP_E2E; do
    [ -n "${!v+x}" ] && env+=("$v=${!v}")
done
echo "fresh: $* in a fresh Debian 12 minbase root ($dir); log $log"
"${enter[@]}" "$work" "$dir" /usr/bin/env "${env[@]}" /bin/bash -c '
    cd /root && git -c advice.detachedHead=false clone -q /tmp/tree.bundle wsus-heartbeat &&
        cd wsus-heartbeat && "$@"' fresh "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
echo "fresh: $* in a fresh root: exit $rc after $((SECONDS - t0)) s"
fresh_root_cleanup "$dir"
[ $rc -ne 0 ] || [ "${FRESH_KEEP:-0}" = 1 ] || rm -rf "$dir" "$work/tests-tmp"
exit $rc
