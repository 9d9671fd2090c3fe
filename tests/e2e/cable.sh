#!/bin/bash
# A patch cable as a namespace: c0 faces the PC, c1 the switch port, and tc moves every frame
# from one to the other (LLDP too). What a real cable also carries is the light: when the
# switch port stops giving a link (shut, or gone), the PC loses its carrier. This follows c1's
# carrier onto c0 while c1 itself is up; pulling the cable (c0 and c1 set down here) is left
# alone. Runs in the cable's namespace. Usage: cable.sh
fifo=$(mktemp -u /tmp/whb-cable-XXXXXX)
mkfifo "$fifo"
ip -o monitor link >"$fifo" &
mon=$!
trap 'kill $mon 2>/dev/null; rm -f "$fifo"; exit 0' TERM INT EXIT
while read -r _ name flags _; do
    name=${name%:}
    name=${name%%@*}
    [ "$name" = c1 ] || continue
    flags=",${flags//[<>]/},"
    [[ $flags == *,UP,* ]] || continue
    if [[ $flags == *,NO-CARRIER,* ]]; then
        ip link set c0 down
    elif [[ $flags == *,LOWER_UP,* ]]; then
        ip link set c0 up
    fi
done <"$fifo"
