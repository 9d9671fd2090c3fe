#!/bin/sh
# Runs CMD as root in the root DIR (tests/fresh/root.sh made it) in its own mount and PID
# namespaces: /proc, /sys, /dev (with pts and shm), a tmpfs /run, and CACHE/apt-archives as
# apt's download cache. The mounts go with the namespace; when CMD ends, every process started
# in the root ends too (the namespace's first process is this shell).
# Usage: tests/fresh/enter.sh CACHE DIR CMD...
set -e
cache=$1 dir=$2
shift 2
mkdir -p "$cache/apt-archives/partial"
exec unshare --mount --propagation private --pid --fork -- /bin/sh -c '
    set -e
    d=$1 a=$2
    shift 2
    # The root a mount point of its own, as / is on a machine: `ip netns exec` makes it a slave.
    mount --bind "$d" "$d"
    mount -t proc proc "$d/proc"
    mount --rbind /sys "$d/sys"
    mount --rbind /dev "$d/dev"
    mount -t tmpfs -o mode=755 tmpfs "$d/run"
    mkdir -p "$d/run/lock"
    mount --bind "$a" "$d/var/cache/apt/archives"
    set +e
    chroot "$d" /usr/bin/env -i HOME=/root TERM="${TERM:-dumb}" LANG=C.UTF-8 \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
' enter "$dir" "$cache/apt-archives" "$@"
