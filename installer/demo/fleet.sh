#!/bin/bash
# A realistic demo fleet of replay agents (client/platform/replay/replay.c; format in docs/demo.md):
# three switches (a port shut, a cable pulled, three ports lost at once), laptops hibernating
# and asleep, Wi-Fi failing 802.1X, a machine turned off, an agent that crashes, WSUS answering
# 503 for a while, a switch whose LLDP name carries markup, and a WSUS computer list to import.
#   fleet.sh start DIR BIN_DIR COLLECTOR_URL ENROLL_TOKEN [CA_FILE]
#   fleet.sh stop DIR
# Silences show once the collector's grace (interval x grace) has passed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cmd=${1:?usage: fleet.sh start|stop DIR ...}
dir=${2:?usage: fleet.sh start|stop DIR ...}/fleet

stop() {
    [ -d "$dir" ] || return 0
    for f in "$dir"/*.pid; do
        [ -f "$f" ] || continue
        kill "$(cat "$f")" 2>/dev/null || true
        rm -f "$f"
    done
}
if [ "$cmd" = stop ]; then stop; exit 0; fi
bin=${3:?BIN_DIR}
url=${4:?COLLECTOR_URL}
token=${5:?ENROLL_TOKEN}
ca=${6:-}
stop
mkdir -p "$dir"
wsus_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 "$here/wsus-stub.py" "$wsus_port" "${WHB_DEMO_WSUS_OUTAGE:-600}" >"$dir/wsus.log" 2>&1 &
echo $! > "$dir/wsus-stub.pid"

n=0
# machine NAME SWITCH_NAME CHASSIS PORT [event lines...]: a wired desktop behind a switch.
wired() {
    local name=$1 sw=$2 chassis=$3 port=$4
    shift 4
    n=$((n + 1))
    {
        echo "identity machine_id=demo-$name fqdn=$name.corp.example"
        echo "0 adapter eth0 type=ethernet mac=52:54:00:00:$(printf %02x $((n / 256))):$(printf %02x $((n % 256))) speed=1000 addr=10.20.$((16#${chassis##*:})).$((n + 10))/24 gw=10.20.$((16#${chassis##*:})).1"
        echo "0 lldp eth0 chassis=$chassis port=$port sysname=$sw portdesc=desk-$n"
        for l in "$@"; do echo "$l"; done
    } > "$dir/$name.scn"
}
wireless() {
    local name=$1 ssid=$2 bssid=$3
    shift 3
    n=$((n + 1))
    {
        echo "identity machine_id=demo-$name fqdn=$name.corp.example"
        echo "0 adapter wlan0 type=wireless mac=52:54:00:01:00:$(printf %02x $n) addr=10.30.0.$((n + 10))/24 gw=10.30.0.1"
        echo "0 wifi wlan0 ssid=$ssid bssid=$bssid signal=-58 associated=1"
        for l in "$@"; do echo "$l"; done
    } > "$dir/$name.scn"
}

sw1="sw-access-1 02:00:5e:10:00:01"
sw2="sw-access-2 02:00:5e:10:00:02"
sw3="sw-floor-3 02:00:5e:10:00:03"
for i in 1 2 4 5 6; do wired pc-10$i $sw1 Gi1/0/$i; done
# The network team shut the port of pc-103. With its link goes its way to the collector: nothing
# more arrives (its agent spools the carrier loss for when it is back), so it simply stops.
wired pc-103 $sw1 Gi1/0/3 "4000 end"
for i in 1 2 3 5 6; do wired pc-20$i $sw2 Gi1/0/$i; done
# Someone pulled pc-204's cable.
wired pc-204 $sw2 Gi1/0/4 "4000 end"
# Laptops docked on sw-floor-2: one hibernates, one goes to sleep. (Machines that leave with a
# last gasp are kept off the switches above: the engine counts them as silent neighbours.)
sw4="sw-floor-2 02:00:5e:10:00:04"
wired lt-hib $sw4 Gi2/0/10 "4000 power hibernate" "4200 end"
wired lt-sleep $sw4 Gi2/0/11 "4000 power suspend" "4200 end"
for i in 1 2 3; do wired pc-40$i $sw4 Gi2/0/$i; done
# sw-floor-3 loses three ports at once (a line card, a VLAN change).
for i in 1 5 6 7 8; do wired pc-30$i $sw3 swp$i; done
for i in 2 3 4; do wired pc-30$i $sw3 swp$i "4000 end"; done
# Turned off properly: the shutdown's last gasp arrives.
wired pc-off $sw1 Gi1/0/12 "4000 power shutdown" "4200 end"
# This agent crashes (killed 12 s in, once it reports at the interval the collector asked for):
# no last gasp at all.
wired pc-crash $sw2 Gi1/0/13
# A switch whose LLDP name and port carry markup and bidi characters: the console must show
# them as text.
wired pc-lab $'<img/src=x/onerror=alert(1)>\xe2\x80\xaelab-sw' 02:00:5e:10:00:09 $'<b>p1</b>\xe2\x80\xae'
wireless lt-wifi-1 Corp-WLAN a0:b1:c2:00:00:01
wireless lt-wifi-2 Corp-WLAN a0:b1:c2:00:00:02
# 802.1X fails (reason 23, IEEE 802.1X authentication failed) and the laptop stays off the air.
wireless lt-wifi-8021x Corp-WLAN a0:b1:c2:00:00:01 "4000 wlan wlan0 failed 23" \
    "4000 wifi wlan0 ssid=Corp-WLAN bssid=a0:b1:c2:00:00:01 signal=-60 associated=0" "4300 end"

plain=()
case "$url" in http:*) plain=(--allow-plain-http 1) ;; esac
for scn in "$dir"/*.scn; do
    name=$(basename "$scn" .scn)
    wsus=()
    case $name in pc-101 | pc-102 | pc-201 | pc-202) wsus=(--wsus-url "http://127.0.0.1:$wsus_port/selfupdate/wuident.cab" --wsus-interval 5) ;; esac
    "$bin/whb-agent" --platform replay --replay-file "$scn" --state-dir "$dir/$name.state" \
        --collector-url "$url/v1/report" ${ca:+--ca-file "$ca"} "${plain[@]}" \
        --enrollment-token "$token" "${wsus[@]}" >"$dir/$name.log" 2>&1 &
    echo $! > "$dir/$name.pid"
done
( sleep 12; kill -9 "$(cat "$dir/pc-crash.pid")" 2>/dev/null; rm -f "$dir/pc-crash.pid" ) &

# What WSUS says: every demo machine, the silent ones not reported for weeks, and two
# computers that never had an agent.
{
    printf '#TYPE Selected.Microsoft.UpdateServices.Internal.BaseApi.ComputerTarget\r\n'
    printf '"FullDomainName","IPAddress","LastReportedStatusTime","LastSyncTime"\r\n'
    for scn in "$dir"/*.scn; do
        name=$(basename "$scn" .scn)
        case $name in
        pc-103 | pc-204 | pc-302 | pc-303 | pc-304 | lt-hib | lt-sleep | pc-off | pc-crash | lt-wifi-8021x)
            printf '"%s.corp.example","","10/2/2026 3:04:05 PM","10/2/2026 3:04:05 PM"\r\n' "$name" ;;
        *) printf '"%s.corp.example","","%s","%s"\r\n' "$name" "$(date -u +'%-m/%-d/%Y %-I:%M:%S %p')" "$(date -u +'%-m/%-d/%Y %-I:%M:%S %p')" ;;
        esac
    done
    printf '"srv-legacy-1.corp.example","10.20.9.9","1/1/0001 12:00:00 AM","3/4/2025 8:00:00 AM"\r\n'
    printf '"pc-999.corp.example","10.20.9.99","2025-01-05T08:00:00","2025-01-05T08:00:00"\r\n'
} > "$dir/wsus-computers.csv"
echo "fleet: $(ls "$dir"/*.scn | wc -l) replay agents; WSUS list: $dir/wsus-computers.csv"
