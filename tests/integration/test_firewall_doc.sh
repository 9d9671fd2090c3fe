#!/bin/bash
# The firewall commands of installer/windows/README.md, as they are written there, on the
# collector's three likely states, each in a network namespace: no ruleset (a fresh Debian 12:
# nftables installed, not enabled), Debian's own /etc/nftables.conf, and a host that drops by
# default. They must run, keep a drop policy, open TCP 8443 from another host and nothing else.
# Needs root and nft: exit 77 otherwise. Namespaces are named ${WHB_NS_PREFIX:-whbfw-}*.
# Usage: test_firewall_doc.sh
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
[ "$(id -u)" = 0 ] && command -v nft >/dev/null && command -v ip >/dev/null ||
    { echo "SKIPPED: needs root, nft and ip"; exit 77; }
. "$top/tests/support/shell.sh"
whb_test_init firewall
pre=${WHB_NS_PREFIX:-whbfw-}
S=${pre}fws C=${pre}fwc
ip netns del "$S" 2>/dev/null
ip netns del "$C" 2>/dev/null
whb_on_exit ip netns del "$S"
whb_on_exit ip netns del "$C"
# The guide's lines, sudo left out.
mapfile -t guide < <(grep -E '^sudo nft add ' "$top/installer/windows/README.md" | sed 's/^sudo //')
[ "${#guide[@]}" = 3 ] && ok "the guide has its three nft lines" || bad "nft lines in the guide: ${#guide[@]}"
run_guide() {
    for l in "${guide[@]}"; do
        eval "ip netns exec $S $l" || return 1
    done
}
ip netns add "$S" && ip netns add "$C" || { bad "cannot make namespaces"; exit 1; }
ip link add "${pre}fw0" netns "$S" type veth peer name "${pre}fw1" netns "$C"
ip -n "$S" addr add 10.77.0.1/24 dev "${pre}fw0"
ip -n "$S" link set "${pre}fw0" up
ip -n "$S" link set lo up
ip -n "$C" addr add 10.77.0.2/24 dev "${pre}fw1"
ip -n "$C" link set "${pre}fw1" up
ip netns exec "$S" python3 -c '
import socket, threading, time
def serve(p):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("10.77.0.1", p)); s.listen(8)
    while True: s.accept()[0].close()
for p in (8443, 8444): threading.Thread(target=serve, args=(p,), daemon=True).start()
time.sleep(120)' &
pids+=($!)
reach() {
    ip netns exec "$C" python3 -c "import socket; socket.create_connection(('10.77.0.1', $1), timeout=1.5)" 2>/dev/null
}
wait_until 5 "the listeners in the namespace" reach 8443 || whb_abort "no listener in $S"

ip netns exec "$S" nft flush ruleset
ip netns exec "$S" nft add rule inet filter input tcp dport 8443 accept 2>/dev/null &&
    bad "the old one-liner worked on no ruleset (the guide's reason is gone)" ||
    ok "on no ruleset, a rule alone fails (no inet filter table)"
run_guide && ok "on no ruleset (a fresh Debian 12), the guide's lines run" || bad "no ruleset: the guide's lines fail"

ip netns exec "$S" nft flush ruleset
if [ -f /etc/nftables.conf ]; then
    ip netns exec "$S" nft -f /etc/nftables.conf &&
        run_guide && ok "on Debian's /etc/nftables.conf, they run" || bad "Debian's nftables.conf: the guide's lines fail"
    sed 's/type filter hook input priority filter;/&\n\t\ttcp dport 8443 accept/' /etc/nftables.conf |
        ip netns exec "$S" nft -c -f - && ok "Debian's nftables.conf with the rule in its input chain loads" ||
        bad "the persistent form does not load"
fi

ip netns exec "$S" nft flush ruleset
printf 'table inet filter {\n chain input {\n  type filter hook input priority filter; policy drop;\n  iif lo accept\n  ct state established,related accept\n  tcp dport 22 accept\n }\n}\n' |
    ip netns exec "$S" nft -f -
reach 8443 && bad "drop by default: 8443 answered before the rule" || ok "drop by default: 8443 closed before"
run_guide && ok "drop by default: the guide's lines run" || bad "drop by default: the guide's lines fail"
ip netns exec "$S" nft list chain inet filter input | grep -q "policy drop" && ok "the drop policy is kept" ||
    bad "the drop policy was changed"
reach 8443 && ok "TCP 8443 answers from another host" || bad "TCP 8443 still closed"
reach 8444 && bad "TCP 8444 answers too" || ok "TCP 8444 still closed"
whb_test_finish
