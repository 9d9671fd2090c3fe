#!/bin/bash
# A Linux switch's link changes in a vendor's words: runs in the switch's namespace (and its
# own UTS namespace, so the host name is the switch's), follows the kernel's link messages
# (ip monitor) for ports PATTERN and sends each change as Cisco IOS writes it, through logger
# to the switch's rsyslog (UDP 127.0.0.1:10514), which forwards it to the collector:
#   admin down (IFF_UP clear)      %LINK-5-CHANGED: Interface X, changed state to administratively down
#   carrier lost with the port up  %LINK-3-UPDOWN: Interface X, changed state to down
#   carrier back                   %LINK-3-UPDOWN: Interface X, changed state to up
# Usage: link_words.sh PATTERN (a shell pattern, e.g. 'swp*')
pattern=${1:?usage: link_words.sh PATTERN}
fifo=$(mktemp -u /tmp/whb-link-words-XXXXXX)
mkfifo "$fifo"
ip -o monitor link >"$fifo" &
mon=$!
trap 'kill $mon 2>/dev/null; rm -f "$fifo"; exit 0' TERM INT EXIT
declare -A last
say() { logger --rfc3164 -n 127.0.0.1 -P 10514 -d -p local7.notice "$1"; }
while read -r _ name flags _; do
    name=${name%:}
    name=${name%%@*}
    # shellcheck disable=SC2254
    case $name in $pattern) ;; *) continue ;; esac
    flags=",${flags//[<>]/},"
    if [[ $flags != *,UP,* ]]; then
        state=admin_down
    elif [[ $flags == *,NO-CARRIER,* ]]; then
        state=down
    elif [[ $flags == *,LOWER_UP,* ]]; then
        state=up
    else
        continue
    fi
    [ "${last[$name]:-}" = "$state" ] && continue
    last[$name]=$state
    case $state in
    admin_down) say "%LINK-5-CHANGED: Interface $name, changed state to administratively down" ;;
    down) say "%LINK-3-UPDOWN: Interface $name, changed state to down" ;;
    up) say "%LINK-3-UPDOWN: Interface $name, changed state to up" ;;
    esac
done <"$fifo"
