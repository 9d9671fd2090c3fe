#!/bin/bash
# Agent footprint: whb-agent (reporting to a collector on loopback), zabbix_agentd and collectd
# (Debian's packages, loopback only), side by side, idle for IDLE seconds (default 60). Prints
# each one's private memory and PSS (all its processes, from /proc/PID/smaps_rollup) and the CPU
# ticks it used while idle. Goal: whb-agent private <= 512 KiB and below both, <= 1 tick/min.
set -euo pipefail
cd "$(dirname "$0")/../.."
idle=${IDLE:-60}
tests/deps.sh bench
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-bench -j "$(nproc)" --target whb-agent whb-collector >/dev/null
bin=$PWD/build-bench/bin
work=$(mktemp -d /tmp/whb-footprint-XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo tok > "$work/token"
cport=$(port)
"$bin/whb-collector" --plain-http --listen 127.0.0.1:$cport --db "$work/c.db" \
    --enrollment-token-file "$work/token" --log-level warn 2>/dev/null &
pids+=($!)
sleep 0.5
"$bin/whb-agent" --collector-url http://127.0.0.1:$cport/v1/report --allow-plain-http 1 \
    --state-dir "$work/agent" --enrollment-token tok --interval 60 --log-level warn 2>/dev/null &
whb=$!
pids+=($whb)

# zabbix_agentd accepts ListenPort 1024..32767 only: below the ephemeral range.
zport=$(python3 -c '
import socket
for p in range(20050, 32000):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); print(p); break
    except OSError:
        pass')
cat > "$work/zabbix_agentd.conf" <<CONF
LogType=console
AllowRoot=1
PidFile=$work/zabbix_agentd.pid
Server=127.0.0.1
ServerActive=127.0.0.1:$(port)
ListenIP=127.0.0.1
ListenPort=$zport
Hostname=bench
RefreshActiveChecks=60
CONF
zabbix_agentd -f -c "$work/zabbix_agentd.conf" >"$work/zabbix.log" 2>&1 &
zbx=$!
pids+=($zbx)

cat > "$work/collectd.conf" <<CONF
Interval 60
BaseDir "$work"
PIDFile "$work/collectd.pid"
PluginDir "/usr/lib/collectd"
TypesDB "/usr/share/collectd/types.db"
LoadPlugin interface
LoadPlugin network
<Plugin network>
  Server "127.0.0.1" "$(port)"
</Plugin>
CONF
collectd -f -C "$work/collectd.conf" >/dev/null 2>&1 &
cld=$!
pids+=($cld)

sleep 5 # start-up done, first reports sent
for n in whb zbx cld; do
    kill -0 "${!n}" 2>/dev/null || { echo "$n exited at start-up:"; tail -5 "$work/zabbix.log"; exit 1; }
done

tree() { # pid and its descendants
    local p=$1
    echo "$p"
    for c in $(pgrep -P "$p" || true); do tree "$c"; done
}
ticks() { local t=0 p; for p in $(tree "$1"); do t=$((t + $(awk '{print $14 + $15}' /proc/$p/stat 2>/dev/null || echo 0))); done; echo $t; }
mem() { # private KiB, PSS KiB
    local priv=0 pss=0 p
    for p in $(tree "$1"); do
        read -r a b < <(awk '/^Private_(Clean|Dirty):/ {pr += $2} /^Pss:/ {ps += $2} END {print pr, ps}' /proc/$p/smaps_rollup 2>/dev/null || echo "0 0")
        priv=$((priv + a)); pss=$((pss + b))
    done
    echo "$priv $pss"
}

declare -A t0
for n in whb zbx cld; do t0[$n]=$(ticks "${!n}"); done
echo "idle for $idle s ..."
sleep "$idle"
printf '%-14s %6s %14s %10s %22s\n' agent procs "private KiB" "PSS KiB" "CPU ticks (idle ${idle}s)"
for n in whb zbx cld; do
    pid=${!n}
    name=$(case $n in whb) echo whb-agent ;; zbx) echo zabbix_agentd ;; cld) echo collectd ;; esac)
    read -r priv pss < <(mem "$pid")
    printf '%-14s %6s %14s %10s %22s\n' "$name" "$(tree "$pid" | wc -l)" "$priv" "$pss" "$(( $(ticks "$pid") - ${t0[$n]} ))"
done
echo "(CLK_TCK=$(getconf CLK_TCK); whb-agent interval 60 s, reporting to a collector on loopback)"
