#!/bin/bash
# The Debian packages as a user gets them: built with CPack from BUILD_DIR, their contents and
# control fields checked, the systemd units verified, and both installed into a throwaway root
# with dpkg. Usage: test_packages.sh BUILD_DIR
set -u
build=$(cd "${1:?usage: test_packages.sh BUILD_DIR}" && pwd)
. "$(dirname "$0")/../support/shell.sh"
whb_test_init pkg
out=$work
(cd "$build" && cpack -G DEB -B "$out" >"$out/cpack.log" 2>&1) || { tail -20 "$out/cpack.log"; exit 1; }
agent=$(ls "$out"/whb-agent_*.deb)
collector=$(ls "$out"/whb-collector_*.deb)
check_cmd "agent package built" test -f "$agent"
check_cmd "collector package built" test -f "$collector"

contents() { dpkg-deb -c "$1" | awk '{print $6}'; }
for f in ./usr/sbin/whb-agent ./usr/lib/systemd/system/whb-agent.service \
         ./usr/lib/systemd/system-sleep/whb-agent ./etc/whb/agent.conf; do
    check_cmd "whb-agent contains $f" grep -qx "$f" <(contents "$agent")
done
for f in ./usr/sbin/whb-collector ./usr/bin/whb ./usr/lib/systemd/system/whb-collector.service \
         ./etc/whb/collector.conf; do
    check_cmd "whb-collector contains $f" grep -qx "$f" <(contents "$collector")
done
check_cmd "no test binary packaged" bash -c "! (dpkg-deb -c $agent; dpkg-deb -c $collector) | grep -E 'test_|loadgen|bench|\.o$'"
check_cmd "agent depends on its libraries (shlibdeps)" bash -c "dpkg-deb -f $agent Depends | grep -q libc6"
# libcurl, OpenSSL and libsystemd (logind) may be linked in or left out by the build
# (client/CMakeLists.txt): a dependency exactly when the binary needs the shared library.
dpkg-deb --fsys-tarfile "$agent" | tar -xO ./usr/sbin/whb-agent >"$out/whb-agent"
for lib in libcurl libssl libsystemd; do
    check_cmd "agent depends on $lib exactly when linked to it" bash -c "[ \$(objdump -p $out/whb-agent | grep -c 'NEEDED.*$lib') = \$(dpkg-deb -f $agent Depends | tr ',' '\n' | grep -c $lib) ]"
done
echo "    (the packaged agent links: $(objdump -p "$out/whb-agent" | awk '/NEEDED/ {printf "%s ", $2}'))"
check_cmd "agent recommends ca-certificates" bash -c "dpkg-deb -f $agent Recommends | grep -q ca-certificates"
check_cmd "collector depends on adduser" bash -c "dpkg-deb -f $collector Depends | grep -q adduser"
check_cmd "agent.conf is a conffile" bash -c "dpkg-deb -I $agent conffiles | grep -qx /etc/whb/agent.conf"
check_cmd "the sleep hook is executable" bash -c "dpkg-deb -c $agent | grep ' ./usr/lib/systemd/system-sleep/whb-agent' | grep -q '^-rwxr-xr-x'"
dpkg-deb --fsys-tarfile "$agent" | tar -xO ./usr/lib/systemd/system/whb-agent.service >"$out/agent.service"
check_cmd "agent unit announces a shutdown before the stop (ExecStop)" grep -q '^ExecStop=.*is-system-running.*--notify shutdown' "$out/agent.service"
check_cmd "agent unit turns glibc's tcache off (idle heap)" grep -qx 'Environment=GLIBC_TUNABLES=glibc.malloc.tcache_count=0' "$out/agent.service"
check_cmd "agent unit has CAP_NET_RAW and nothing more" bash -c "dpkg-deb --fsys-tarfile $agent | tar -xO ./usr/lib/systemd/system/whb-agent.service | grep -qx 'CapabilityBoundingSet=CAP_NET_RAW'"

# Install both into a throwaway root: maintainer scripts must not start services there.
root=$out/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/etc" "$root/usr/sbin"
touch "$root/var/lib/dpkg/status"
if dpkg --root="$root" --force-depends --force-script-chrootless --force-not-root \
    --log=/dev/null -i "$agent" "$collector" >"$out/dpkg.log" 2>&1; then
    ok "dpkg --root installs both packages"
else
    bad "dpkg --root install"; cat "$out/dpkg.log"
fi
check_cmd "dpkg records them installed" bash -c "dpkg --root=$root -l whb-agent whb-collector | grep -c '^ii' | grep -qx 2"
check_cmd "installed agent runs" "$root/usr/sbin/whb-agent" --version
check_cmd "installed collector runs" "$root/usr/sbin/whb-collector" --version
check_cmd "installed whb runs" "$root/usr/bin/whb" explain 6703

if command -v systemd-analyze >/dev/null 2>&1; then
    # verify resolves targets and executables inside the root: give it the host's targets, and
    # the shell the agent unit's ExecStop runs (/bin/sh, through the merged /usr of Debian 12).
    cp -an /usr/lib/systemd/system/. "$root/usr/lib/systemd/system/" 2>/dev/null
    mkdir -p "$root/usr/bin" && cp -n "$(readlink -f /bin/sh)" "$root/usr/bin/sh" &&
        { [ -e "$root/bin" ] || ln -s usr/bin "$root/bin"; }
    for u in whb-agent whb-collector; do
        check_cmd "systemd-analyze verify $u.service" \
            systemd-analyze verify --man=no --root="$root" "/usr/lib/systemd/system/$u.service"
    done
else
    bad "systemd-analyze is not installed (tests/deps.sh installs systemd)"
fi
whb_test_finish
