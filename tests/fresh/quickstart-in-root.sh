#!/bin/bash
# The README's first command on a fresh machine: a Debian 12 minbase root with git (root.sh),
# made anew in memory (enter.sh --new), this tree's HEAD cloned into it (a clean clone, as CI
# has), installer/quickstart.sh run there on a free port, then its console answering (the page
# and /v1/status from this host, curl as the newcomer's browser), `whb status` inside, and
# `quickstart.sh stop` ending the demo.
# FRESH_USER=1: as a user with passwordless sudo (sudo installed first) rather than as root.
# FRESH_SOURCES=line|deb822: how the root's apt sources are written (root.sh).
# Usage: tests/fresh/quickstart-in-root.sh [WORK_DIR]   (default build/fresh; the minbase
# tarball and apt's downloads are cached there; the root's /tmp, with the demo's logs, is
# WORK_DIR/quickstart-tmp, kept after a failure). Exit 77 when this machine cannot make a root
# (root and mmdebstrap needed).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
work=$(realpath -m "${1:-$top/build/fresh}")
. "$here/root.sh"
[ "$(id -u)" -eq 0 ] || { echo "fresh: a chroot needs root"; exit 77; }
command -v mmdebstrap >/dev/null || { echo "fresh: mmdebstrap missing (tests/deps.sh installs it)"; exit 77; }

as=root
[ "${FRESH_USER:-0}" = 1 ] && as=newcomer
dir=$work/quickstart-root
share=$work/quickstart-tmp
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
inside=""
finish() {
    [ -n "$inside" ] && kill "$inside" 2>/dev/null
    fresh_root_cleanup "$dir"
}
trap finish EXIT
trap 'exit 1' INT TERM
t0=$SECONDS
fresh_root_tar "$work" || exit 1
fresh_root_cleanup "$dir"
rm -rf "$share"
mkdir -p "$share"
chmod 1777 "$share"
git -C "$top" bundle create "$share/tree.bundle" HEAD 2>/dev/null ||
    { echo "fresh: cannot bundle HEAD"; exit 1; }
home=/root
if [ "$as" != root ]; then
    home=/home/$as
fi

# The newcomer: clone, quickstart, `whb status`; wait (bounded) for this host's checks, then stop.
# whb through the collector's control socket, as the quickstart says (loopback is no identity).
export_demo="WHB_SOCKET=/tmp/whb-demo/control.sock"
cat >"$share/newcomer.sh" <<EOF
set -u
cd $home
git -c advice.detachedHead=false clone -q /tmp/tree.bundle wsus-heartbeat && cd wsus-heartbeat || exit 1
echo "+ installer/quickstart.sh (WHB_LISTEN=127.0.0.1:$port)"
WHB_LISTEN=127.0.0.1:$port installer/quickstart.sh || { echo "quickstart failed: \$?"; exit 1; }
echo "+ whb status"
$export_demo build/bin/whb status || exit 1
touch /tmp/ready
for _ in \$(seq 300); do [ -e /tmp/checked ] && break; sleep 1; done
echo "+ installer/quickstart.sh stop"
installer/quickstart.sh stop
for _ in \$(seq 50); do
    $export_demo build/bin/whb status >/dev/null 2>&1 || { touch /tmp/stopped; exit 0; }
    sleep 0.2
done
echo "the collector still answers after quickstart.sh stop"; exit 1
EOF
# The machine's side: for a user, sudo is installed and lets them in without a password.
cat >"$share/session.sh" <<EOF
set -e
if [ $as != root ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sudo >/dev/null
    useradd -m -s /bin/bash $as
    echo '$as ALL=(ALL) NOPASSWD: ALL' >/etc/sudoers.d/$as
    exec runuser -u $as -- /bin/bash /tmp/newcomer.sh
fi
exec /bin/bash /tmp/newcomer.sh
EOF
log=$work/quickstart.log
echo "fresh: quickstart as $as in a fresh root (${FRESH_SOURCES:-line} sources), console on port $port; log $log"
t1=$SECONDS
FRESH_TMP=$share timeout "${FRESH_TIMEOUT:-1800}" "$here/enter.sh" --new "$work" "$dir" \
    /bin/bash /tmp/session.sh >"$log" 2>&1 &
inside=$!
while kill -0 "$inside" 2>/dev/null && [ ! -e "$share/ready" ]; do sleep 1; done
t_quick=$((SECONDS - t1))
fail=0
if [ -e "$share/ready" ]; then
    # The console URL as the quickstart printed it, from this host.
    url=$(sed -n 's/^Web console: *\(https:[^ ]*\).*/\1/p' "$log" | head -1)
    ca=$share/whb-demo/certs/ca.crt
    if [ -z "$url" ]; then
        echo "fresh: the quickstart printed no console URL"; fail=1
    elif ! curl -sS --max-time 10 --cacert "$ca" "$url" | grep -q '<title>wsus-heartbeat console'; then
        echo "fresh: the console at $url does not answer with its page"; fail=1
    else
        # The API from this host, as the newcomer's scripts would: with the demo's admin token.
        known=$(curl -sS --max-time 10 --cacert "$ca" \
            -H "Authorization: Bearer $(cat "$share/whb-demo/admin.token")" "${url%/}/v1/status" | jq -r .known)
        echo "fresh: console $url answers; /v1/status: $known machines known"
        [ "${known:-0}" -ge 2 ] 2>/dev/null || { echo "fresh: the demo's machines are not known"; fail=1; }
    fi
    touch "$share/checked"
fi
wait "$inside"
rc=$?
inside=""
if [ $rc -ne 0 ] || [ ! -e "$share/stopped" ] || [ $fail -ne 0 ]; then
    tail -40 "$log"
    [ $rc -eq 124 ] && echo "fresh: timed out after ${FRESH_TIMEOUT:-1800} s"
    echo "fresh: the quickstart on a fresh machine FAILED (as $as; its /tmp is kept in $share)"
    exit 1
fi
sed -n '/^+ whb status/,/^+ installer\/quickstart.sh stop/p' "$log" | sed '$d'
rm -rf "$share"
echo "fresh: quickstart as $as on a fresh Debian 12 minbase: ok (quickstart ${t_quick} s, total $((SECONDS - t0)) s)"
