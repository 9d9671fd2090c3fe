#!/bin/bash
# Agent footprint: whb-agent builds (reporting to a collector on loopback, over TLS and over
# plain HTTP), zabbix_agentd and collectd (Debian's packages, loopback only), side by side in one
# run, idle for IDLE seconds (default 60). Prints, summed over each one's processes from
# /proc/PID/smaps_rollup, Private_Clean, Private_Dirty, private, PSS and RSS (KiB), the shared
# libraries mapped, and the CPU ticks used while idle, then each agent's memory by component
# (its binary, OpenSSL, sd-bus and its libraries, libc, heap, stack, other anonymous memory)
# and its largest private mappings.
# Goal (issue 26): whb-agent's Private_Dirty <= 0.9 x zabbix_agentd's in the same run, TLS 1.3.
# The agents, all at once against one collector: "shipped" (build-bench, the CMake defaults:
# what the Debian package ships) and VARIANTS (default "no-logind shared-openssl"), each built
# in build-bench-NAME with the defaults but:
#   no-logind        -DWHB_AGENT_LOGIND=OFF: sleep by the systemd-sleep hook, shutdown by ExecStop
#   shared-openssl   -DWHB_AGENT_STATIC_OPENSSL=OFF: Debian's libssl3/libcrypto3
#   logind           -DWHB_AGENT_LOGIND=ON
#   static-openssl   -DWHB_AGENT_STATIC_OPENSSL=ON
# Every agent runs with the Environment= of installer/systemd/whb-agent.service, as the service
# does (RAW_ENV=1: without). An agent with logind gets a system bus of its own: a private
# dbus-daemon with tests/support/fake_logind, whose delay inhibitor it holds, as on a real
# machine. PROTOS="tls plain" picks the cases; WHB_AGENT=path adds another whb-agent binary
# (e.g. a baseline build) as "custom". WIN_AGENT=path/whb-agent.exe also measures the Windows
# agent under wine (TLS through Schannel): wine's own DLLs and libraries are in its process,
# so the figures bound the Windows working set from above; the process is split by origin (the
# .exe, wine's DLLs, the Unix side, anonymous memory), Windows' own view (GetProcessMemoryInfo,
# from a helper run in the same wine) is printed beside it, and wineserver is shown apart.
set -euo pipefail
cd "$(dirname "$0")/../.."
idle=${IDLE:-60}
protos=${PROTOS:-tls plain}
variants=${VARIANTS-no-logind shared-openssl}
tests/deps.sh bench
flags_of() {
    case $1 in
    no-logind) echo -DWHB_AGENT_LOGIND=OFF ;;
    logind) echo -DWHB_AGENT_LOGIND=ON ;;
    shared-openssl) echo -DWHB_AGENT_STATIC_OPENSSL=OFF ;;
    static-openssl) echo -DWHB_AGENT_STATIC_OPENSSL=ON ;;
    *) echo "unknown variant $1" >&2; exit 2 ;;
    esac
}
# -U: a build tree made before the defaults changed takes the current ones.
unset_opts=(-U WHB_AGENT_LOGIND -U WHB_AGENT_STATIC_OPENSSL)
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release "${unset_opts[@]}" >/dev/null
cmake --build build-bench -j 2 --target whb-agent whb-collector >/dev/null
bin=$PWD/build-bench/bin
names=(shipped)
agents=("$bin/whb-agent")
for v in $variants; do
    # The defaults, then the variant's own flag.
    cmake -S . -B "build-bench-$v" -DCMAKE_BUILD_TYPE=Release "${unset_opts[@]}" $(flags_of "$v") >/dev/null
    cmake --build "build-bench-$v" -j 2 --target whb-agent >/dev/null
    names+=("$v")
    agents+=("$PWD/build-bench-$v/bin/whb-agent")
done
if [ -n "${WHB_AGENT:-}" ]; then
    names+=(custom)
    agents+=("$WHB_AGENT")
fi
# The stand-in logind, from whichever build has logind.
fake_logind=
for d in build-bench $(for v in $variants; do echo "build-bench-$v"; done); do
    if grep -q '^WHB_AGENT_LOGIND:BOOL=ON' "$d/CMakeCache.txt" 2>/dev/null; then
        cmake --build "$d" -j 2 --target fake_logind >/dev/null && fake_logind=$PWD/$d/bin/fake_logind && break
    fi
done
sync "${agents[@]}" # a freshly linked binary's unwritten page-cache pages count as dirty
work=$(mktemp -d /tmp/whb-footprint-XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
tests/integration/make-certs.sh "$work/pki" >/dev/null
echo tok > "$work/token"
# The service's environment (GLIBC_TUNABLES...), as systemd gives it.
unit_env=()
if [ "${RAW_ENV:-0}" != 1 ]; then
    while read -r kv; do unit_env+=("$kv"); done < <(sed -n 's/^Environment=//p' installer/systemd/whb-agent.service)
fi
# A system bus of the agents' own with a stand-in logind, for the builds with logind.
bus_env=()
if [ -n "$fake_logind" ] && command -v dbus-daemon >/dev/null; then
    cat >"$work/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>system</type><listen>unix:path=$work/bus</listen><auth>EXTERNAL</auth>
<policy context="default"><allow send_destination="*"/><allow receive_sender="*"/><allow own="*"/></policy>
</busconfig>
CONF
    dbus-daemon --config-file="$work/bus.conf" --nofork --nopidfile 2>/dev/null &
    pids+=($!)
    for _ in $(seq 50); do [ -S "$work/bus" ] && break; sleep 0.1; done
    mkfifo "$work/logind.cmd"
    "$fake_logind" "unix:path=$work/bus" "$work/logind.cmd" >"$work/logind.log" 2>&1 &
    pids+=($!)
    bus_env=("DBUS_SYSTEM_BUS_ADDRESS=unix:path=$work/bus")
fi

tree() { # pid and its descendants
    local p=$1
    echo "$p"
    for c in $(pgrep -P "$p" || true); do tree "$c"; done
}
ticks() { local t=0 p; for p in $(tree "$1"); do t=$((t + $(awk '{print $14 + $15}' /proc/$p/stat 2>/dev/null || echo 0))); done; echo $t; }
mem() { # Private_Clean Private_Dirty PSS RSS (KiB, all processes) and distinct shared libraries
    local p
    for p in $(tree "$1"); do cat /proc/$p/smaps_rollup 2>/dev/null || true; done |
        awk '/^Private_Clean:/ {c += $2} /^Private_Dirty:/ {d += $2} /^Pss:/ {p += $2}
             /^Rss:/ {r += $2} END {print c + 0, d + 0, p + 0, r + 0}'
    for p in $(tree "$1"); do awk '$6 ~ /\.so(\.|$)/ {print $6}' /proc/$p/maps 2>/dev/null || true; done |
        sort -u | wc -l
}
start_peers() {
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
}
stop() { kill "$@" 2>/dev/null || true; for p in "$@"; do while kill -0 "$p" 2>/dev/null; do sleep 0.1; done; done; }

for i in "${!names[@]}"; do
    a=${agents[$i]}
    l=$(ldd "$a")
    echo "whb-agent ${names[$i]}: $a ($(grep -c '=>' <<<"$l") shared libraries linked; curl: $(
        [[ $l == *libcurl* ]] && echo "Debian's libcurl" || echo static minimal); OpenSSL: $(
        [[ $l == *libssl* ]] && echo shared || echo static); logind: $(
        [[ $l == *libsystemd* ]] && echo yes || echo no))"
done
echo "unit environment: ${unit_env[*]:-(none)}; idle ${idle}s"
for proto in $protos; do
    cport=$(port)
    if [ "$proto" = tls ]; then
        "$bin/whb-collector" --listen 127.0.0.1:$cport --db "$work/c-$proto.db" \
            --cert "$work/pki/server.crt" --key "$work/pki/server.key" \
            --enrollment-token-file "$work/token" --log-level warn 2>"$work/collector.log" &
        url=https://localhost:$cport/v1/report # a name, as deployed
        aflags=(--ca-file "$work/pki/ca.crt")
    else
        "$bin/whb-collector" --plain-http --listen 127.0.0.1:$cport --db "$work/c-$proto.db" \
            --enrollment-token-file "$work/token" --log-level warn 2>"$work/collector.log" &
        url=http://127.0.0.1:$cport/v1/report
        aflags=(--allow-plain-http 1)
    fi
    col=$!
    pids+=($col)
    sleep 0.5
    if [ "$proto" = tls ]; then
        # What the collector negotiates with an OpenSSL client like the agents' (TLS 1.2 at least).
        echo "  TLS: the collector negotiates $(openssl s_client -connect 127.0.0.1:$cport -brief </dev/null 2>&1 |
            sed -n 's/^Protocol version: //p' | head -1) with an OpenSSL 3 client (the agents: curl, TLS 1.2 minimum)"
    fi
    apids=()
    for i in "${!names[@]}"; do
        env "${unit_env[@]}" "${bus_env[@]}" "${agents[$i]}" --collector-url "$url" "${aflags[@]}" \
            --state-dir "$work/agent-$proto-$i" --control-socket "$work/agent-$proto-$i.ctl" \
            --fqdn "pc-$i.bench.example" --machine-id "bench-$proto-$i" \
            --enrollment-token tok --interval 60 --log-level warn 2>"$work/agent-$i.log" &
        apids+=($!)
        pids+=($!)
    done
    start_peers
    sleep 5 # start-up done, first reports sent
    for n in zbx cld; do
        kill -0 "${!n}" 2>/dev/null || { echo "$n exited at start-up:"; tail -n 5 "$work/zabbix.log"; exit 1; }
    done
    for i in "${!names[@]}"; do
        kill -0 "${apids[$i]}" 2>/dev/null || { echo "whb-agent ${names[$i]} exited at start-up:"; tail -n 5 "$work/agent-$i.log"; exit 1; }
        # The agent must really be reporting: its machine is in the collector's store.
        n=$(sqlite3 "$work/c-$proto.db" "select count(*) from machines where machine_id='bench-$proto-$i'" 2>/dev/null || echo 0)
        [ "$n" = 1 ] || { echo "whb-agent ${names[$i]} ($proto) did not report:"; tail -n 5 "$work/agent-$i.log" "$work/collector.log"; exit 1; }
    done
    declare -A t0
    for i in "${!names[@]}"; do t0[a$i]=$(ticks "${apids[$i]}"); done
    for n in zbx cld; do t0[$n]=$(ticks "${!n}"); done
    sleep "$idle"
    printf '%-26s %5s %5s %10s %10s %10s %8s %8s %6s\n' "($proto)" procs libs Priv_Clean Priv_Dirty \
        private PSS RSS ticks
    row() { # name pid tick-key: one line; sets dirty
        { read -r c d pss rss; read -r libs; } < <(mem "$2")
        dirty=$d
        printf '%-26s %5s %5s %10s %10s %10s %8s %8s %6s\n' "$1" "$(tree "$2" | wc -l)" "$libs" \
            "$c" "$d" $((c + d)) "$pss" "$rss" "$(( $(ticks "$2") - ${t0[$3]} ))"
    }
    row zabbix_agentd "$zbx" zbx
    zdirty=$dirty
    row collectd "$cld" cld
    declare -A adirty
    for i in "${!names[@]}"; do
        row "whb-agent ${names[$i]}" "${apids[$i]}" "a$i"
        adirty[$i]=$dirty
    done
    for i in "${!names[@]}"; do
        awk -v a="${adirty[$i]}" -v z="$zdirty" -v n="${names[$i]}" -v p="$proto" 'BEGIN {
            printf "  goal, %s (%s): dirty %d <= 0.9 x zabbix_agentd %d = %d: %s (ratio %.2f)\n",
                n, p, a, z, 0.9 * z, a <= 0.9 * z ? "met" : "NOT met", a / z }'
    done
    for i in "${!names[@]}"; do
        whb=${apids[$i]}
        # By component. Clean private pages are code and read-only data that no other process
        # maps (the agent's own binary always; a library only while nothing else maps it:
        # OpenSSL shared is shared with the collector here); dirty ones are relocated tables,
        # .data, heap and stacks, the agent's own in any case.
        echo "  whb-agent ${names[$i]} ($proto) by component (KiB private clean/dirty; shared: resident but mapped by others too):"
        awk -v bin="$(readlink -f "${agents[$i]}")" '/^[0-9a-f]+-[0-9a-f]+ / {
                 f = $6
                 if (f == bin) m = "1 agent binary (code, data; OpenSSL if static)"
                 else if (f ~ /lib(ssl|crypto)\.so/) m = "2 OpenSSL (dirty: relocations)"
                 else if (f ~ /lib(systemd|gcrypt|gpg-error|lz4|zstd|lzma|cap)\.so/) m = "3 sd-bus: libsystemd + its 6 libs"
                 else if (f ~ /\.so/) m = "4 libc, ld.so, other libs"
                 else if (f == "[heap]") m = "5 heap (OpenSSL, curl, agent)"
                 else if (f == "[stack]") m = "6 main stack"
                 else if (f == "" ) m = "7 anonymous (.bss, TLS, thread stacks)"
                 else m = "8 other"
             }
             /^Private_Clean:/ {c[m] += $2} /^Private_Dirty:/ {d[m] += $2} /^Shared_(Clean|Dirty):/ {s[m] += $2}
             END {for (k in c) if (c[k] + d[k] + s[k] > 0) printf "%s\t%d\t%d\t%d\n", k, c[k], d[k], s[k]}' \
            /proc/$whb/smaps | sort |
            awk -F'\t' '{printf "    %-46s %5d %5d  shared %5d\n", substr($1, 3), $2, $3, $4}'
        if [ -n "${TOP:-}" ]; then
            echo "  whb-agent ${names[$i]} ($proto), largest private mappings (KiB clean/dirty):"
            awk '/^[0-9a-f]+-[0-9a-f]+ / {m = ($6 == "" ? "[anon]" : $6)}
                 /^Private_Clean:/ {c[m] += $2} /^Private_Dirty:/ {d[m] += $2}
                 END {for (k in c) if (c[k] + d[k] > 0) printf "%d %d %d %s\n", c[k] + d[k], c[k], d[k], k}' \
                /proc/$whb/smaps | sort -rn | head -"$TOP" |
                awk '{n = split($4, a, "/"); printf "    %-28s %5d %5d\n", a[n], $2, $3}'
        fi
    done
    [ -s "$work/logind.log" ] && echo "  stand-in logind: $(grep -c '^inhibit' "$work/logind.log") delay inhibitor(s) taken"
    stop "${apids[@]}" "$zbx" "$cld" "$col"
done
if [ -n "${WIN_AGENT:-}" ]; then
    export WINEPREFIX=$work/wine WINEDEBUG=-all
    cport=$(port)
    "$bin/whb-collector" --listen 127.0.0.1:$cport --db "$work/c-wine.db" \
        --cert "$work/pki/server.crt" --key "$work/pki/server.key" \
        --enrollment-token-file "$work/token" --log-level warn 2>"$work/collector.log" &
    col=$!
    pids+=($col)
    sleep 0.5
    # Schannel in curl 7.88 matches DNS names only: localhost, not 127.0.0.1.
    wine "$WIN_AGENT" --collector-url "https://localhost:$cport/v1/report" \
        --ca-file "Z:$work/pki/ca.crt" --state-dir 'C:\whb-footprint' --fqdn pc-win.corp.example \
        --enrollment-token tok --interval 60 >"$work/wine.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 300); do
        [ "$(sqlite3 "$work/c-wine.db" 'select count(*) from machines' 2>/dev/null)" = 1 ] && break
        sleep 0.1
    done
    [ "$(sqlite3 "$work/c-wine.db" 'select count(*) from machines' 2>/dev/null)" = 1 ] ||
        { echo "whb-agent.exe did not report:"; tail -n 5 "$work/wine.log"; exit 1; }
    sleep "$idle"
    wpid=$(pgrep -f "^$WIN_AGENT" | head -1)
    # This prefix's wineserver (others may run on the machine): its working directory is
    # /tmp/.wine-UID/server-DEV-INODE of the prefix.
    sdir=$(printf 'server-%x-%x' "$(stat -c %d "$WINEPREFIX")" "$(stat -c %i "$WINEPREFIX")")
    wsrv=
    for p in $(pgrep -f '(^|/)wineserver' || true); do
        [ "$(basename "$(readlink /proc/$p/cwd 2>/dev/null)")" = "$sdir" ] && wsrv=$p
    done
    for n in wpid wsrv; do
        [ -n "${!n}" ] || continue
        { read -r c d pss rss; read -r libs; } < <(mem "${!n}")
        printf '%-16s %5s %5s %10s %10s %10s %8s %8s\n' "$([ $n = wpid ] && echo whb-agent.exe || echo wineserver)" 1 \
            "$libs" "$c" "$d" $((c + d)) "$pss" "$rss"
    done
    # What the process holds, by origin: the agent's image, wine's Windows-side DLLs (PE files),
    # the Unix side (wine's .so and the system libraries under it: GnuTLS is Schannel here),
    # and anonymous memory (heaps of both sides, stacks, wine's copies of relocated images).
    echo "  whb-agent.exe's process by origin (KiB resident / private):"
    awk '/^[0-9a-f]+-[0-9a-f]+ / {
             f = $6
             if (f ~ /whb-agent\.exe$/) m = "1 the agent (.exe image)"
             else if (f ~ /\.(dll|drv|exe|sys)$/) m = "2 wine Windows DLLs"
             else if (f ~ /\.so/) m = "3 Unix .so (wine, GnuTLS, libc)"
             else if (f == "" || f ~ /^\[/) m = "4 anonymous, heap, stack"
             else m = "5 other files"
         }
         /^Rss:/ {r[m] += $2} /^Private_(Clean|Dirty):/ {p[m] += $2}
         END {for (k in r) printf "%s\t%d\t%d\n", k, r[k], p[k]}' /proc/$wpid/smaps | sort |
        awk -F'\t' '{printf "    %-34s %6d %6d\n", substr($1, 3), $2, $3}'
    # What Windows calls the working set, asked through the Win32 API inside the same wine.
    if command -v x86_64-w64-mingw32-gcc >/dev/null; then
        cat >"$work/ws.c" <<'C'
/* Prints whb-agent.exe's working set as Windows reports it (GetProcessMemoryInfo). */
#include <windows.h>
#include <psapi.h>
#include <stdio.h>
#include <tlhelp32.h>
int main(void)
{
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    PROCESSENTRY32W pe = {.dwSize = sizeof(pe)};
    for (BOOL ok = Process32FirstW(snap, &pe); ok; ok = Process32NextW(snap, &pe)) {
        if (_wcsicmp(pe.szExeFile, L"whb-agent.exe") != 0)
            continue;
        HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pe.th32ProcessID);
        PROCESS_MEMORY_COUNTERS_EX c = {.cb = sizeof(c)};
        if (!h || !GetProcessMemoryInfo(h, (PROCESS_MEMORY_COUNTERS *)&c, sizeof(c)))
            return 1;
        printf("working set %llu KiB (peak %llu)", (unsigned long long)c.WorkingSetSize / 1024,
               (unsigned long long)c.PeakWorkingSetSize / 1024);
        if (c.PrivateUsage) /* wine 8 leaves it 0 for another process */
            printf(", private bytes %llu KiB", (unsigned long long)c.PrivateUsage / 1024);
        printf("\n");
        return 0;
    }
    return 1;
}
C
        if x86_64-w64-mingw32-gcc -O2 -o "$work/ws.exe" "$work/ws.c" -lpsapi 2>"$work/ws.log"; then
            echo "  Windows' view (GetProcessMemoryInfo inside wine): $(wine "$work/ws.exe" 2>/dev/null || echo unavailable)"
        fi
    fi
    kill "$wpid" "$col" 2>/dev/null || true
    wineserver -k 2>/dev/null || true
fi
echo "(KiB; CLK_TCK=$(getconf CLK_TCK); whb-agent interval 60 s, reporting to a collector on loopback)"
