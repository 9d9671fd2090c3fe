#!/bin/bash
# Agent footprint: whb-agent (reporting to a collector on loopback, over TLS and over plain HTTP),
# zabbix_agentd and collectd (Debian's packages, loopback only), side by side in one run, idle for
# IDLE seconds (default 60). Prints, summed over each one's processes from /proc/PID/smaps_rollup,
# Private_Clean, Private_Dirty, private, PSS and RSS (KiB), the shared libraries mapped, and the
# CPU ticks used while idle, then whb-agent's largest private mappings and its memory by component
# (its binary, OpenSSL, sd-bus and its libraries, libc, heap, stack, other anonymous memory).
# Goal: whb-agent private <= 512 KiB, dirty below both peers'.
# PROTOS="tls plain" picks the cases; WHB_AGENT=path measures another whb-agent binary (e.g. a
# baseline build) against this tree's collector. WIN_AGENT=path/whb-agent.exe also measures the
# Windows agent under wine (TLS through Schannel): wine's own DLLs and libraries are in its process,
# so the figures bound the Windows working set from above; the process is split by origin (the
# .exe, wine's DLLs, the Unix side, anonymous memory), Windows' own view (GetProcessMemoryInfo,
# from a helper run in the same wine) is printed beside it, and wineserver is shown apart.
set -euo pipefail
cd "$(dirname "$0")/../.."
idle=${IDLE:-60}
protos=${PROTOS:-tls plain}
tests/deps.sh bench
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-bench -j 2 --target whb-agent whb-collector >/dev/null
bin=$PWD/build-bench/bin
agent=${WHB_AGENT:-$bin/whb-agent}
sync "$agent" # a freshly linked binary's unwritten page-cache pages count as dirty
work=$(mktemp -d /tmp/whb-footprint-XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
tests/integration/make-certs.sh "$work/pki" >/dev/null
echo tok > "$work/token"

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

echo "whb-agent: $agent ($(ldd "$agent" | grep -c '=>') shared libraries linked; curl: $(
    ldd "$agent" | grep -q libcurl && echo "Debian's libcurl" || echo static minimal)); idle ${idle}s"
printf '%-16s %5s %5s %10s %10s %10s %8s %8s %6s\n' agent procs libs Priv_Clean Priv_Dirty \
    private PSS RSS ticks
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
    "$agent" --collector-url "$url" "${aflags[@]}" --state-dir "$work/agent-$proto" \
        --enrollment-token tok --interval 60 --log-level warn 2>"$work/agent.log" &
    whb=$!
    pids+=($whb)
    start_peers
    sleep 5 # start-up done, first reports sent
    for n in whb zbx cld; do
        kill -0 "${!n}" 2>/dev/null || { echo "$n exited at start-up:"; tail -n 5 "$work/zabbix.log" "$work/agent.log"; exit 1; }
    done
    # The agent must really be reporting: its machine is in the collector's store.
    n=$(sqlite3 "$work/c-$proto.db" 'select count(*) from machines' 2>/dev/null || echo 0)
    [ "$n" -ge 1 ] || { echo "whb-agent ($proto) did not report:"; tail -n 5 "$work/agent.log" "$work/collector.log"; exit 1; }
    declare -A t0
    for n in whb zbx cld; do t0[$n]=$(ticks "${!n}"); done
    sleep "$idle"
    for n in whb zbx cld; do
        pid=${!n}
        name=$(case $n in whb) echo "whb-agent ($proto)" ;; zbx) echo zabbix_agentd ;; cld) echo collectd ;; esac)
        { read -r c d pss rss; read -r libs; } < <(mem "$pid")
        printf '%-16s %5s %5s %10s %10s %10s %8s %8s %6s\n' "$name" "$(tree "$pid" | wc -l)" "$libs" \
            "$c" "$d" $((c + d)) "$pss" "$rss" "$(( $(ticks "$pid") - ${t0[$n]} ))"
    done
    echo "  whb-agent ($proto), largest private mappings (KiB clean/dirty):"
    awk '/^[0-9a-f]+-[0-9a-f]+ / {m = ($6 == "" ? "[anon]" : $6)}
         /^Private_Clean:/ {c[m] += $2} /^Private_Dirty:/ {d[m] += $2}
         END {for (k in c) if (c[k] + d[k] > 0) printf "%d %d %d %s\n", c[k] + d[k], c[k], d[k], k}' \
        /proc/$whb/smaps | sort -rn | head -"${TOP:-10}" |
        awk '{n = split($4, a, "/"); printf "    %-28s %5d %5d\n", a[n], $2, $3}'
    # By component. Clean private pages are code and read-only data that no other process maps
    # (the agent's own binary always; a library only while nothing else maps it: OpenSSL is
    # shared with the collector here, libsystemd with nothing in a container without systemd);
    # dirty ones are relocated tables, .data, heap and stacks, the agent's own in any case.
    echo "  whb-agent ($proto) by component (KiB private clean/dirty; shared: resident but mapped by others too):"
    awk '/^[0-9a-f]+-[0-9a-f]+ / {
             f = $6
             if (f ~ /whb-agent$/) m = "1 agent binary (code, data)"
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
        awk -F'\t' '{printf "    %-40s %5d %5d  shared %5d\n", substr($1, 3), $2, $3, $4}'
    stop "$whb" "$zbx" "$cld" "$col"
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
