#!/bin/bash
# The demo fleet (installer/demo/fleet.sh) tells the whole story through the real collector (TLS):
# each scenario ends in a reason of its own; some machines come back while one watches, and their
# history then shows the silence settled by what they said on return; the WSUS list the demo
# writes imports as it is, whatever the day of the month; the quickstart's "Try:" and the
# README's tour name machines that show something.
# Usage: test_demo.sh BUILD_DIR
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(cd "${1:?usage: test_demo.sh BUILD_DIR}" && pwd)/bin
. "$top/tests/support/shell.sh"
whb_test_init demo
whb_on_exit "$top/installer/demo/fleet.sh" stop "$work"
port=$(free_port)
sh "$top/tests/integration/make-certs.sh" "$work/certs" >/dev/null 2>&1
echo demo-enroll > "$work/enroll.token"
"$bin/whb-collector" --listen 127.0.0.1:$port --cert "$work/certs/server.crt" \
    --key "$work/certs/server.key" --db "$work/c.db" --enrollment-token-file "$work/enroll.token" \
    --control-socket "$work/ctl.sock" --interval 1 --grace 3 2>"$work/collector.log" &
pids+=($!)
# whb on the collector's host: its control socket (loopback is no identity). fleet.sh then
# accepts the demo's machines, as their admin would.
export WHB_URL=https://127.0.0.1:$port WHB_CA=$work/certs/ca.crt WHB_SOCKET=$work/ctl.sock
whb() { "$bin/whb" "$@"; }
wait_started "${pids[-1]}" "the collector to answer" quietly whb status ||
    whb_abort "the collector did not start" "$work/collector.log"
back=50
WHB_DEMO_RETURN=$back "$top/installer/demo/fleet.sh" start "$work" "$bin" "$WHB_URL" demo-enroll \
    "$WHB_CA" >/dev/null || whb_abort "fleet.sh start"
started=$(date +%s)

reason() { whb why "$1" --json 2>/dev/null | jq -r '.reason + " " + .confidence'; }
# Silent and explained: the demo's machines before anyone comes back (pc-crash is killed at 12 s).
want_silent="pc-103 faulty_adapter
pc-204 lost_connectivity
pc-302 port_disabled
pc-303 port_disabled
pc-304 port_disabled
lt-hib hibernation
lt-sleep sleep
pc-off turned_off
pc-crash lost_connectivity
lt-wifi-8021x wireless_association"
silent_now() { whb silent --json 2>/dev/null | jq -r '.machines[] | (.machine | sub("\\..*"; "")) + " " + .reason' | sort; }
wait_until 45 "the demo's silences" eval '[ "$(silent_now)" = "$(sort <<<"$want_silent")" ]'
expect "before the return: each silent machine with its own reason" "$(silent_now)" "$(sort <<<"$want_silent")"
expect "pc-303 while silent: port_disabled, medium (its links may not have gone down)" "$(reason pc-303)" "port_disabled medium"
expect "pc-303 has no past silence yet" "$(whb history pc-303 --json | jq '.gaps | length')" 0

# On and online, and still not reported: each Windows machine's own update client story
# (sw-floor-5 and 6), answered while it reports. pc-gpo-4..6 lose their policy 20 s in.
want_wu="pc-501 reporting
pc-clone-1 duplicate_wsus_identity
pc-clone-2 duplicate_wsus_identity
pc-scan-408 update_scan_failing
pc-proxy update_scan_failing
pc-wu-off update_service_disabled
pc-restart restart_pending
pc-clock clock_off
pc-nogpo update_client_elsewhere
pc-dualscan update_client_elsewhere
pc-intune update_client_elsewhere
pc-oldwsus update_client_elsewhere
pc-503-1 wsus_unavailable
pc-gpo-4 wsus_policy_lost
pc-gpo-6 wsus_policy_lost"
wu_now() { while read -r m _; do echo "$m $(whb why "$m" --json 2>/dev/null | jq -r .reason)"; done <<<"$want_wu"; }
wait_until 30 "the update clients' stories" eval '[ "$(wu_now)" = "$want_wu" ]'
expect "each Windows machine's own update client story" "$(wu_now)" "$want_wu"

# Distinct scenarios: the faulty adapter and the pulled cable replay different events and end in
# different answers.
events() { grep -v -e '^identity' -e '^0 ' "$work/fleet/$1.scn"; }
[ "$(events pc-103)" != "$(events pc-204)" ] && ok "pc-103 and pc-204 replay different events" ||
    bad "pc-103 and pc-204 replay the same events"
expect "pc-103: its flapping link and CRC errors say faulty adapter (medium while silent)" "$(reason pc-103)" "faulty_adapter medium"

# The return: the paths come back, the laptop wakes, the crashed agent is restarted.
wait_back() { [ "$(whb why "$1" --json 2>/dev/null | jq -r .status)" = reporting ]; }
gap() { whb history "$1" --json | jq -r '.gaps[0] | .reason + " " + .confidence'; }
for m in pc-204 pc-302 pc-303 pc-304 lt-sleep pc-crash; do
    wait_until 60 "$m to come back" wait_back $m && ok "$m came back ($(($(date +%s) - started)) s after the start)" || bad "$m did not come back"
done
wait_until 10 "pc-303's settled silence" eval '[ "$(gap pc-303)" = "port_disabled high" ]'
expect "pc-303's past silence, settled on return: port_disabled, high" "$(gap pc-303)" "port_disabled high"
whb history pc-303 --json | jq -r '.gaps[0].summary' | grep -q "^carrier lost on eth0 .* -> regained .*: switch port disabled for" &&
    ok "pc-303: its own carrier loss and return, told on return" ||
    bad "pc-303 summary: $(whb history pc-303 --json | jq -r '.gaps[0].summary')"
expect "pc-204's past silence: cable unplugged (alone on its switch)" "$(gap pc-204)" "cable_unplugged medium"
expect "lt-sleep's past silence: asleep, from its last gasp and its resume" "$(gap lt-sleep)" "sleep high"
whb history lt-sleep --json | jq -r '.gaps[0].summary' | grep -q "^asleep for" &&
    ok "lt-sleep: how long it slept" || bad "lt-sleep summary: $(whb history lt-sleep --json | jq -r '.gaps[0].summary')"
expect "pc-crash's past silence: the agent crashed" "$(gap pc-crash)" "agent_crashed high"
whb history pc-303 | grep -q "^silences$" && ! whb history pc-303 | grep -q "^  none$" &&
    ok "whb history pc-303 shows the silence" || bad "whb history pc-303: $(whb history pc-303 | head -5)"
expect "still silent after the return: those that do not come back" \
    "$(silent_now | cut -d' ' -f1 | tr '\n' ' ')" "lt-hib lt-wifi-8021x pc-103 pc-off "

# The WSUS list as the demo writes it imports on any day, the 1st-12th too.
out=$(whb wsus-import "$work/fleet/wsus-computers.csv" --json) && ok "the demo's WSUS list imports" ||
    bad "the demo's WSUS list: $(whb wsus-import "$work/fleet/wsus-computers.csv" 2>&1)"
if command -v faketime >/dev/null; then
    for day in 2026-03-05 2026-12-01 2027-01-12; do
        faketime "$day 10:00:00" "$top/installer/demo/fleet.sh" wsus-list "$work" >/dev/null
        grep -q "$day" "$work/fleet/wsus-computers.csv" || bad "faketime did not apply to fleet.sh"
        err=$(whb wsus-import "$work/fleet/wsus-computers.csv" 2>&1 >/dev/null)
        expect "the demo's WSUS list written on $day imports" "$err" ""
    done
else
    bad "faketime is missing (tests/deps.sh installs it)"
fi

# What the quickstart and the README tell a newcomer to try shows something: each machine named
# in a `whb why` or `whb history` is a demo machine that has a story (silent now, or a past
# silence).
tried=$( (sed -n '/^Try:/,/^Stop:/p' "$top/installer/quickstart.sh"; sed -n '/^## A tour of the demo/,/^## /p' "$top/README.md") |
    grep -oE 'whb (why|history) [a-z0-9-]+' | sort -u)
[ -n "$tried" ] && ok "the quickstart and README name machines to try: $(echo $tried)" || bad "no machine to try"
while read -r _ cmd m; do
    [ -n "$m" ] || continue
    if [ ! -f "$work/fleet/$m.scn" ]; then
        # A computer only WSUS knows: the no_agent answer, from the list the demo imports.
        grep -q "^\"$m\." "$work/fleet/wsus-computers.csv" &&
            [ "$(whb "$cmd" "$m" --json | jq -r .reason)" = no_agent ] &&
            ok "whb $cmd $m: no agent, as WSUS's list says" || bad "whb $cmd $m: not a demo machine"
        continue
    fi
    case $cmd in
    # Silent, or reporting with a story of its own (its Windows Update client), or a past silence.
    why) [ "$(whb why "$m" --json | jq -r .status)" = not_reporting ] || [ "$(whb why "$m" --json | jq -r .reason)" != reporting ] ||
        [ "$(whb history "$m" --json | jq '.gaps | length')" -gt 0 ] ;;
    history) [ "$(whb history "$m" --json | jq '.gaps | length')" -gt 0 ] ;;
    esac && ok "whb $cmd $m shows something" || bad "whb $cmd $m shows nothing"
done <<<"$tried"
grep -q 'whb why pc-303' <(sed -n '1,/^## /p' "$top/README.md") && ok "the README's first example is a demo machine" ||
    bad "the README's first example is not from the demo"
whb_test_finish
