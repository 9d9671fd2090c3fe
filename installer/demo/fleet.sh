#!/bin/bash
# A realistic demo fleet of replay agents (client/platform/replay/replay.c; format in docs/demo.md),
# each with a story of its own: a faulty network adapter, a cable pulled and plugged back, three
# ports of one switch shut and re-enabled, laptops hibernating and asleep (one wakes up), Wi-Fi
# failing 802.1X, a machine turned off, an agent that crashes and is restarted, WSUS answering
# 503 for a while, a switch whose LLDP name carries markup, Windows machines whose own Windows
# Update client does not report (cloned identity, failing scans, a disabled service, a client
# told to use Windows Update or an old server, a GPO lost by three at once), and the WSUS computer
# list to import.
#   fleet.sh start DIR BIN_DIR COLLECTOR_URL ENROLL_TOKEN [CA_FILE]
#   fleet.sh wsus-list DIR      (re)writes DIR/fleet/wsus-computers.csv as WSUS exports it now
#   fleet.sh stop DIR
# Silences show once the collector's grace (interval x grace) has passed. WHB_DEMO_RETURN
# (seconds, default 120; 0: never) is when the cut paths come back, the sleeping laptop wakes up
# and the crashed agent is restarted; WHB_DEMO_WSUS_OUTAGE (seconds, default 600) how long WSUS
# answers 503.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
usage="usage: fleet.sh start|wsus-list|stop DIR ..."
cmd=${1:?$usage}
dir=${2:?$usage}/fleet

stop() {
    [ -d "$dir" ] || return 0
    for f in "$dir"/*.pid; do
        [ -f "$f" ] || continue
        kill "$(cat "$f")" 2>/dev/null || true
        rm -f "$f"
    done
}

# Machines that WSUS has not heard from for weeks (the silent ones of the demo, and the Windows
# machines whose own update client does not report).
stale_in_wsus=" pc-103 pc-204 pc-302 pc-303 pc-304 lt-hib lt-sleep pc-off pc-crash lt-wifi-8021x "
stale_in_wsus+="pc-clone-1 pc-scan-408 pc-proxy pc-wu-off pc-restart pc-clock pc-nogpo pc-dualscan "
stale_in_wsus+="pc-intune pc-oldwsus pc-503-1 pc-503-2 pc-503-3 pc-gpo-4 pc-gpo-5 pc-gpo-6 "

# What WSUS says, exported as docs/cli.md shows (dates with .ToString('o'): the same in every
# culture, so the list imports on any day of the month): every demo machine, the silent ones
# not reported for weeks, and two computers that never had an agent; the Windows machines with
# their Id (ComputerTargetId, which is their SusClientId): the clones are one computer to WSUS.
wsus_list() {
    local now stale name when id
    now=$(date -u +%Y-%m-%dT%H:%M:%S.0000000Z)
    stale=$(date -u -d '-40 days' +%Y-%m-%dT%H:%M:%S.0000000Z)
    {
        printf '#TYPE Selected.Microsoft.UpdateServices.Internal.BaseApi.ComputerTarget\r\n'
        printf '"FullDomainName","IPAddress","LastReportedStatusTime","LastSyncTime","Id"\r\n'
        for scn in "$dir"/*.scn; do
            name=$(basename "$scn" .scn)
            [ "$name" = pc-clone-2 ] && continue
            id=$(sed -n 's/.* wu id sus=\([0-9a-f-]*\).*/\1/p' "$scn" | head -1)
            when=$now
            case $stale_in_wsus in *" $name "*) when=$stale ;; esac
            printf '"%s.corp.example","","%s","%s","%s"\r\n' "$name" "$when" "$when" "$id"
        done
        printf '"srv-legacy-1.corp.example","10.20.9.9","0001-01-01T00:00:00.0000000","2025-03-04T08:00:00.0000000Z",""\r\n'
        printf '"pc-999.corp.example","10.20.9.99","2025-01-05T08:00:00.0000000Z","2025-01-05T08:00:00.0000000Z",""\r\n'
    } > "$dir/wsus-computers.csv.tmp"
    mv "$dir/wsus-computers.csv.tmp" "$dir/wsus-computers.csv"
}

case $cmd in
stop) stop; exit 0 ;;
wsus-list) wsus_list; echo "WSUS list: $dir/wsus-computers.csv"; exit 0 ;;
start) ;;
*) echo "$usage" >&2; exit 2 ;;
esac
bin=${3:?BIN_DIR}
url=${4:?COLLECTOR_URL}
token=${5:?ENROLL_TOKEN}
ca=${6:-}
back=${WHB_DEMO_RETURN:-120}
case $back in '' | *[!0-9]*) back=-1 ;; esac
if [ "$back" -ne 0 ] && [ "$back" -lt 30 ]; then
    echo "fleet.sh: WHB_DEMO_RETURN: expected 0 (never) or 30 seconds or more, got '${WHB_DEMO_RETURN:-}'" >&2
    exit 2
fi
stop
mkdir -p "$dir"
rm -f "$dir"/*.scn
wsus_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 "$here/wsus-stub.py" "$wsus_port" "${WHB_DEMO_WSUS_OUTAGE:-600}" >"$dir/wsus.log" 2>&1 &
echo $! > "$dir/wsus-stub.pid"

n=0
# wired NAME SWITCH_NAME CHASSIS PORT [event lines...]: a wired desktop behind a switch. An event
# line "MS @lldp" is the switch's LLDP heard again, as it is once a link is back.
wired() {
    local name=$1 sw=$2 chassis=$3 port=$4 l
    shift 4
    n=$((n + 1))
    local lldp="lldp eth0 chassis=$chassis port=$port sysname=$sw portdesc=desk-$n"
    {
        echo "identity machine_id=demo-$name fqdn=$name.corp.example"
        echo "0 adapter eth0 type=ethernet mac=52:54:00:00:$(printf %02x $((n / 256))):$(printf %02x $((n % 256))) speed=1000 addr=10.20.$((16#${chassis##*:})).$((n + 10))/24 gw=10.20.$((16#${chassis##*:})).1"
        echo "0 $lldp"
        for l in "$@"; do
            [ "${l#* }" = @lldp ] && l="${l%% *} $lldp"
            echo "$l"
        done
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

# The stories begin 15 s in, once every machine has reported a few times (a silence is judged
# against the neighbours as they were when it began). A link that drops takes the machine's path
# to the collector with it (cut.py's relay is cut just before), so nothing more arrives: the
# agent spools the carrier loss. At WHB_DEMO_RETURN the path comes back, then the link, and the
# spooled events explain the silence.
ms=$((back * 1000))
down=("15000 adapter eth0 carrier=0")
[ "$back" -gt 0 ] && down+=("$((ms + 300)) adapter eth0 carrier=1" "$((ms + 300)) @lldp")

sw1="sw-access-1 02:00:5e:10:00:01"
sw2="sw-access-2 02:00:5e:10:00:02"
sw3="sw-floor-3 02:00:5e:10:00:03"
sw4="sw-floor-2 02:00:5e:10:00:04"
for i in 1 2 4 5 6; do wired pc-10$i $sw1 Gi1/0/$i; done
# pc-103's network adapter is failing: its link drops three times within seconds, counting CRC
# errors each time it comes back, then stays down for good (its path never comes back).
wired pc-103 $sw1 Gi1/0/3 \
    "12000 adapter eth0 carrier=0" "12400 adapter eth0 carrier=1 rx_errors=41 crc=41" "12400 @lldp" \
    "13000 adapter eth0 carrier=0" "13400 adapter eth0 carrier=1 rx_errors=97 crc=97" "13400 @lldp" \
    "14000 adapter eth0 carrier=0" "14400 adapter eth0 carrier=1 rx_errors=160 crc=160" "14400 @lldp" \
    "18000 adapter eth0 carrier=0"
# Turned off properly: the shutdown's last gasp arrives. (A silence with a last gasp has its own
# cause: the engine does not count it as a silent neighbour of pc-103.)
wired pc-off $sw1 Gi1/0/12 "15000 power shutdown" "15200 end"
for i in 1 2 3 5 6; do wired pc-20$i $sw2 Gi1/0/$i; done
# Someone pulled pc-204's cable, and plugs it back at WHB_DEMO_RETURN. Nothing else on its
# switch goes silent: from the machine alone, a pulled cable.
wired pc-204 $sw2 Gi1/0/4 "${down[@]}"
# sw-floor-3 loses three ports at once (a line card, a VLAN change), and gets them back.
for i in 1 5 6 7 8; do wired pc-30$i $sw3 swp$i; done
for i in 2 3 4; do wired pc-30$i $sw3 swp$i "${down[@]}"; done
# Laptops docked on sw-floor-2: one hibernates, one goes to sleep and wakes up at
# WHB_DEMO_RETURN (asleep: its agent does not run meanwhile, as on a real suspend).
wired lt-hib $sw4 Gi2/0/10 "15000 power hibernate" "15200 end"
if [ "$back" -gt 0 ]; then
    wired lt-sleep $sw4 Gi2/0/11 "15000 power suspend" "15200 asleep $((ms - 15200))"
else
    wired lt-sleep $sw4 Gi2/0/11 "15000 power suspend" "15200 end"
fi
for i in 1 2 3; do wired pc-40$i $sw4 Gi2/0/$i; done
# This agent crashes (killed 15 s in, once it reports at the interval the collector asked for):
# no last gasp at all. The service manager starts it again at WHB_DEMO_RETURN.
wired pc-crash $sw4 Gi2/0/13
# A switch whose LLDP name and port carry markup and bidi characters: the console must show
# them as text.
wired pc-lab $'<img/src=x/onerror=alert(1)>\xe2\x80\xaelab-sw' 02:00:5e:10:00:09 $'<b>p1</b>\xe2\x80\xae'
wireless lt-wifi-1 Corp-WLAN a0:b1:c2:00:00:01
wireless lt-wifi-2 Corp-WLAN a0:b1:c2:00:00:02
# 802.1X fails: the access point sends it away (IEEE 802.11 reason 23, IEEE 802.1X
# authentication failed) and the laptop stays off the air.
wireless lt-wifi-8021x Corp-WLAN a0:b1:c2:00:00:01 "15000 wlan wlan0 disconnected 23" \
    "15000 wifi wlan0 ssid=Corp-WLAN bssid=a0:b1:c2:00:00:01 signal=-60 associated=0" "15300 end"

# Windows machines on and online whose own Windows Update client does not report (issue 25),
# as the Windows agent reads it (replay "wu" lines): on sw-floor-5 and sw-floor-6.
sw5="sw-floor-5 02:00:5e:10:00:05"
sw6="sw-floor-6 02:00:5e:10:00:06"
wsus="server=http://wsus01.corp.example:8530 status=http://wsus01.corp.example:8530 use_wu_server=1"
svc=("0 wu service wuauserv manual" "0 wu service BITS manual" "0 wu service UsoSvc manual" "0 wu service CryptSvc auto running=1")
wu_pc() { # name switch port sus-id [more lines]
    local name=$1 sw=$2 chassis=$3 port=$4 id=$5
    shift 5
    wired "$name" "$sw" "$chassis" "$port" "0 wu policy $wsus" "0 wu id sus=$id" "${svc[@]}" \
        "0 wu log 26 ago=7200000 service=wsus detail=3" "$@"
}
wu_pc pc-501 $sw5 Gi5/0/1 5a0c9e41-7d2b-4c6e-9f30-11a2b3c4d501
wu_pc pc-502 $sw5 Gi5/0/2 5a0c9e41-7d2b-4c6e-9f30-11a2b3c4d502
# Cloned from one image that was not sysprepped: one SusClientId, WSUS shows one of them.
wu_pc pc-clone-1 $sw5 Gi5/0/3 c10ec10e-0001-4c6e-9f30-11a2b3c4d5e6
wu_pc pc-clone-2 $sw5 Gi5/0/4 c10ec10e-0001-4c6e-9f30-11a2b3c4d5e6
# Scans that fail: a time-out (0x8024401C) and proxy authentication (0x8024401B, event 33).
wu_pc pc-scan-408 $sw5 Gi5/0/5 5a0c9e41-7d2b-4c6e-9f30-11a2b3c4d505 \
    "0 wu log 26 ago=1209600000 service=wsus" "0 wu log 25 ago=3600000 error=0x8024401C service=wsus"
wu_pc pc-proxy $sw5 Gi5/0/6 5a0c9e41-7d2b-4c6e-9f30-11a2b3c4d506 \
    "0 wu log 26 ago=1209600000 service=wsus" "0 wu log 25 ago=5400000 error=0x8024401B service=wsus" \
    "0 wu log 33 ago=5400000 detail=proxy.corp.example:8080"
# Windows Update disabled by a script; a restart pending for a day; a clock two hours ahead.
wu_pc pc-wu-off $sw5 Gi5/0/7 5a0c9e41-7d2b-4c6e-9f30-11a2b3c4d507 "0 wu service wuauserv disabled" \
    "0 wu log 25 ago=1800000 error=0x80070422 service=wsus"
wu_pc pc-restart $sw5 Gi5/0/8 5a0c9e41-7d2b-4c6e-9f30-11a2b3c4d508 "0 wu log 21 ago=86400000"
wu_pc pc-clock $sw5 Gi5/0/9 5a0c9e41-7d2b-4c6e-9f30-11a2b3c4d509 "0 clock offset=7200000"
# Told to use another server, or Microsoft's: no WSUS policy at all, dual scan (deferrals with
# WSUS on Windows 10), MDM (Intune) settings left behind, and an old WSUS server's name.
wired pc-nogpo $sw5 Gi5/0/10 "0 wu policy" "0 wu id sus=5a0c9e41-7d2b-4c6e-9f30-11a2b3c4d510" \
    "${svc[@]}" "0 wu log 26 ago=3600000 service=wu"
wu_pc pc-dualscan $sw5 Gi5/0/11 5a0c9e41-7d2b-4c6e-9f30-11a2b3c4d511 \
    "0 wu policy $wsus deferral=1" "0 wu applied dual_scan=1 deferral=1" "0 wu log 26 ago=3600000 service=wu"
wu_pc pc-intune $sw5 Gi5/0/12 5a0c9e41-7d2b-4c6e-9f30-11a2b3c4d512 \
    "0 wu mdm settings=6 source=wu,wu,wu,wu" "0 wu log 26 ago=3600000 service=wu"
wired pc-oldwsus $sw5 Gi5/0/13 \
    "0 wu policy server=http://wsus-old.corp.example:8530 status=http://wsus-old.corp.example:8530 use_wu_server=1" \
    "0 wu id sus=5a0c9e41-7d2b-4c6e-9f30-11a2b3c4d513" "${svc[@]}"
# WSUS's application pool answers 503: three clients' scans fail with 0x80244022 within the hour.
for i in 1 2 3; do
    wu_pc pc-503-$i $sw6 Gi6/0/$i 5a0c9e41-7d2b-4c6e-9f30-11a2b3c4d60$i \
        "0 wu log 25 ago=$((i * 600000)) error=0x80244022 service=wsus"
done
# Their GPO stops applying to three machines of sw-floor-6 at once, 20 s in.
for i in 4 5 6; do
    wu_pc pc-gpo-$i $sw6 Gi6/0/$i 5a0c9e41-7d2b-4c6e-9f30-11a2b3c4d60$i "20000 wu policy"
done

# The paths that are cut: pc-103's for good at its last drop, the others' until WHB_DEMO_RETURN.
hostport=${url#*://}
hostport=${hostport%%/*}
start=$(date +%s.%N)
rm -f "$dir/cut.ports"
python3 "$here/cut.py" "$dir/cut.ports" "$hostport" "$start" 17.9:0 "14.9:$back" >"$dir/cut.log" 2>&1 &
echo $! > "$dir/cut.pid"
for _ in $(seq 100); do [ -s "$dir/cut.ports" ] && break; sleep 0.05; done
[ -s "$dir/cut.ports" ] || { echo "fleet.sh: the demo's network paths did not start: $(cat "$dir/cut.log")" >&2; exit 1; }
via() { echo "${url%%://*}://127.0.0.1:$(sed -n "${1}p" "$dir/cut.ports")"; }
plain=()
case "$url" in http:*) plain=(--allow-plain-http 1) ;; esac

launch() { # NAME
    local name=$1 to=$url
    local wsus=()
    case $name in pc-101 | pc-102 | pc-201 | pc-202) wsus=(--wsus-url "http://127.0.0.1:$wsus_port/selfupdate/wuident.cab" --wsus-interval 5) ;; esac
    case $name in pc-103) to=$(via 1) ;; pc-204 | pc-302 | pc-303 | pc-304) to=$(via 2) ;; esac
    "$bin/whb-agent" --platform replay --replay-file "$dir/$name.scn" --state-dir "$dir/$name.state" \
        --collector-url "$to/v1/report" ${ca:+--ca-file "$ca"} "${plain[@]}" \
        --enrollment-token "$token" "${wsus[@]}" >>"$dir/$name.log" 2>&1 &
    echo $! > "$dir/$name.pid"
}
# The machines behind cut paths first: their scenario clocks then start closest to the paths'.
for name in pc-103 pc-204 pc-302 pc-303 pc-304; do launch $name; done
for scn in "$dir"/*.scn; do
    case $(basename "$scn" .scn) in pc-103 | pc-204 | pc-302 | pc-303 | pc-304) continue ;; esac
    launch "$(basename "$scn" .scn)"
done
(
    sleep 15
    kill -9 "$(cat "$dir/pc-crash.pid" 2>/dev/null)" 2>/dev/null || true
    rm -f "$dir/pc-crash.pid"
    [ "$back" -gt 0 ] || exit 0
    sleep $((back - 15))
    launch pc-crash
) &
echo $! > "$dir/crash-and-restart.pid"

# The demo's admin reviews its fleet once every machine enrolled (whb accept --all, through
# WHB_SOCKET or WHB_TOKEN_FILE when the caller gives one): only reviewed machines move their
# neighbours' answers, and these all enroll from this host's one address, as fake ones would.
if [ -n "${WHB_SOCKET:-}${WHB_TOKEN_FILE:-}" ]; then
    want=$(ls "$dir"/*.scn | wc -l)
    for _ in $(seq 150); do
        got=$("$bin/whb" enrollments --json 2>/dev/null |
            python3 -c 'import json, sys; print(json.load(sys.stdin)["count"])' 2>/dev/null || echo 0)
        [ "$got" -ge "$want" ] && break
        sleep 0.2
    done
    "$bin/whb" accept --all >/dev/null && echo "fleet: every machine accepted (whb accept --all)"
fi

wsus_list
echo "fleet: $(ls "$dir"/*.scn | wc -l) replay agents; WSUS list: $dir/wsus-computers.csv"
