#!/bin/bash
# Runs CMD as root in the root DIR (tests/fresh/root.sh) in its own mount and PID namespaces:
# /proc, /sys, /dev (with pts and shm), a tmpfs /run, and CACHE/apt-archives as apt's download
# cache. The mounts go with the namespace; when CMD ends, every process started in the root
# ends too (the namespace's first process is this script's shell, killed with unshare).
#   --new: the root is made anew in memory, CACHE/minbase.tar unpacked on a tmpfs mounted on
#          DIR in the namespace only (nothing to delete from the disk afterwards)
#   FRESH_TMP=HOSTDIR: HOSTDIR is the root's /tmp (where this machine's side reads what the
#          root leaves; mode 1777)
# Usage: tests/fresh/enter.sh [--new] CACHE DIR CMD...
set -e
here=$(cd "$(dirname "$0")" && pwd)
new=0
[ "$1" = --new ] && { new=1; shift; }
cache=$1 dir=$2
shift 2
mkdir -p "$cache/apt-archives/partial" "$dir"
exec unshare --mount --propagation private --pid --fork --kill-child -- /bin/bash -c '
    set -e
    here=$1 new=$2 d=$3 cache=$4 tmp=$5
    shift 5
    . "$here/root.sh"
    # The root is a mount point of its own, as / is on a machine: `ip netns exec` makes it a
    # slave mount.
    if [ "$new" = 1 ]; then
        mount -t tmpfs -o mode=755 fresh-root "$d"
        fresh_root_fill "$cache" "$d"
    else
        mount --bind "$d" "$d"
    fi
    mount -t proc proc "$d/proc"
    mount --rbind /sys "$d/sys"
    mount --rbind /dev "$d/dev"
    mount -t tmpfs -o mode=755 tmpfs "$d/run"
    mkdir -p "$d/run/lock"
    mount --bind "$cache/apt-archives" "$d/var/cache/apt/archives"
    [ -z "$tmp" ] || mount --bind "$tmp" "$d/tmp"
    set +e
    chroot "$d" /usr/bin/env -i HOME=/root TERM="${TERM:-dumb}" LANG=C.UTF-8 \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
' enter "$here" "$new" "$dir" "$cache" "${FRESH_TMP:-}" "$@"
