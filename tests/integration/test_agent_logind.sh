#!/bin/bash
# The agent built with logind (WHB_AGENT_LOGIND=ON) on a private D-Bus system bus, against
# fake_logind (tests/support) and the real collector: it takes a delay inhibitor at start,
# sends its last gasp on PrepareForSleep / PrepareForShutdown and releases the inhibitor only
# once the gasp is stored; a hibernation is told apart through systemd's job list; the sleep
# hook that follows logind's signal adds nothing; after a resume it holds a new inhibitor; the
# service stop that follows a shutdown adds no "agent stopping".
# Usage: test_agent_logind.sh BUILD_BIN_DIR
set -u
bin=$(cd "${1:?usage: test_agent_logind.sh BUILD_BIN_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
command -v dbus-daemon >/dev/null || { echo "SKIP: dbus-daemon is not installed (tests/deps.sh)"; exit 77; }
. "$here/../support/shell.sh"
whb_test_init logind

cat >"$work/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$work/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF
dbus-daemon --config-file="$work/bus.conf" --nofork --nopidfile 2>"$work/dbus.log" &
pids+=($!)
wait_until 5 "the private bus" test -S "$work/bus" || whb_abort "dbus-daemon did not start" "$work/dbus.log"
export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$work/bus

mkfifo "$work/cmd"
"$bin/fake_logind" "$DBUS_SYSTEM_BUS_ADDRESS" "$work/cmd" >"$work/logind.log" 2>&1 &
pids+=($!)
wait_until 5 "the stand-in logind" grep -q ready "$work/logind.log" ||
    whb_abort "fake_logind did not start" "$work/logind.log"
say() { echo "$1" >"$work/cmd"; }
inhibitors() { grep -c '^inhibit whb-agent sleep:shutdown delay' "$work/logind.log"; }
releases() { grep -c '^released' "$work/logind.log"; }

echo logind-token >"$work/token"
cport=$(free_port)
"$bin/whb-collector" --listen "127.0.0.1:$cport" --plain-http --db "$work/c.db" \
    --enrollment-token-file "$work/token" 2>>"$work/collector.log" &
pids+=($!)
wait_started "${pids[-1]}" "the collector to answer" quietly curl -sf "http://127.0.0.1:$cport/healthz" ||
    whb_abort "the collector did not start" "$work/collector.log"
kind() { sqlite3 "$work/c.db" "select count(*) from events where machine_id='m-logind' and kind=$1"; }
# Whether the last gasp of kind $1 reached the collector before the inhibitor's release $2.
before_release() {
    local got released
    got=$(sqlite3 "$work/c.db" "select max(received_ms) from events where machine_id='m-logind' and kind=$1")
    released=$(grep '^released' "$work/logind.log" | sed -n "${2}p" | awk '{print $2}')
    echo "     last gasp (kind $1) received at $got, inhibitor released at $released"
    [ -n "$got" ] && [ -n "$released" ] && [ "$got" -le "$released" ]
}

"$bin/whb-agent" --state-dir "$work/agent" --collector-url "http://127.0.0.1:$cport/v1/report" \
    --allow-plain-http 1 --enrollment-token logind-token --fqdn m-logind.corp.example \
    --machine-id m-logind --control-socket "$work/agent.ctl" --log-level debug \
    2>"$work/agent.log" &
apid=$!
pids+=($apid)
wait_until 10 "the agent's start in the store" eval '[ "$(kind 1)" = 1 ]' ||
    bad "timed out: the agent's start in the store"
start=$(sqlite3 "$work/c.db" "select detail from events where machine_id='m-logind' and kind=1")
check "the start says power events are watched ('$start')" '[[ "$start" == *"power yes"* ]]'
check "a delay inhibitor for sleep and shutdown is held" '[ "$(inhibitors)" = 1 ] && [ "$(releases)" = 0 ]'

# Sleep: the gasp is stored when the inhibitor goes, not after.
say sleep
wait_until 5 "the inhibitor released after PrepareForSleep" eval '[ "$(releases)" = 1 ]' ||
    bad "timed out: the inhibitor released after PrepareForSleep"
check "the suspend gasp reached the collector before the inhibitor was released" \
    '[ "$(kind 4)" = 1 ] && before_release 4 1'
"$bin/whb-agent" --notify "pre suspend" --control-socket "$work/agent.ctl"
rc=$?
check "the sleep hook after logind is answered (exit $rc) and adds no second gasp" \
    '[ $rc = 0 ] && [ "$(kind 4)" = 1 ]'
say resume
wait_until 5 "a new inhibitor after the resume" eval '[ "$(inhibitors)" = 2 ]' ||
    bad "timed out: a new inhibitor after the resume"
wait_until 5 "the resume stored" eval '[ "$(kind 6)" -ge 1 ]' ||
    bad "timed out: the resume stored"

# Hibernation: logind does not say which sleep it is; systemd's queued job does.
say hibernate
wait_until 5 "the inhibitor released after a hibernation's PrepareForSleep" eval '[ "$(releases)" = 2 ]' ||
    bad "timed out: the inhibitor released after a hibernation's PrepareForSleep"
check "a hibernation is told apart (systemd's job list), its gasp before the release" \
    '[ "$(kind 5)" = 1 ] && [ "$(kind 4)" = 1 ] && before_release 5 2'
say resume
wait_until 5 "a new inhibitor after the second resume" eval '[ "$(inhibitors)" = 3 ]' ||
    bad "timed out: a new inhibitor after the second resume"

# Shutdown: one gasp, then the service's stop ends the agent quietly.
say shutdown
wait_until 5 "the inhibitor released after PrepareForShutdown" eval '[ "$(releases)" = 3 ]' ||
    bad "timed out: the inhibitor released after PrepareForShutdown"
check "the shutdown gasp reached the collector before the inhibitor was released" \
    '[ "$(kind 7)" = 1 ] && before_release 7 3'
"$bin/whb-agent" --notify shutdown --control-socket "$work/agent.ctl"
check "the unit's ExecStop after logind adds no second shutdown gasp" '[ "$(kind 7)" = 1 ]'
kill "$apid"
wait "$apid"
rc=$?
check "the stop that follows ends the agent cleanly (exit $rc)" '[ $rc = 0 ]'
check "... without an 'agent stopping' gasp" '[ "$(kind 2)" = 0 ]'
say quit

[ "$fail" = 0 ] || tail -20 "$work/agent.log" "$work/logind.log"
whb_test_finish
