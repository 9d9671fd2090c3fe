#!/bin/sh
# Installs the Debian packages wsus-heartbeat needs to build and test, only those missing.
# Quiet when everything is present. Usage: tests/deps.sh [build|test|all|bench]
set -eu
build="build-essential cmake pkg-config clang protobuf-c-compiler libprotobuf-c-dev
libcurl4-openssl-dev libssl-dev libevent-dev libsqlite3-dev libpq-dev libjansson-dev libinih-dev
libnl-3-dev libnl-route-3-dev libnl-genl-3-dev libsystemd-dev libcsv-dev openssl
libhttp-parser-dev libsnmp-dev"
test="libcmocka-dev dbus-daemon valgrind iproute2 lldpd nginx-light curl sqlite3 procps jq python3 systemd dpkg-dev libxml2-utils zip unzip binutils
faketime nftables postgresql"
# The switches (collector/switch/): net-snmp's agent and tools, rsyslog with TLS, logger.
test="$test snmpd snmp rsyslog rsyslog-openssl bsdutils"
bench="zabbix-agent collectd-core libmbedtls-dev"

# The web console's tests (tests/web): Debian's chromium driven by node; npm for playwright-core
# (a Node.js from elsewhere may bring its own npm); python3 for the demo fleet's WSUS stand-in.
test="$test chromium nodejs python3"
command -v npm >/dev/null 2>&1 || test="$test npm"
case "${1:-all}" in
build) want=$build ;;
test | all) want="$build $test" ;;
bench) want="$build $test $bench" ;;
*) echo "usage: $0 [build|test|all|bench]" >&2; exit 2 ;;
esac
missing=""
for p in $want; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing:$missing"
if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
else
    SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# lldpd, nginx, zabbix-agent and collectd start services when installed; tests
# start their own instances. Only a service this run just installed is stopped: one that was
# already on the machine is someone's and stays as it was.
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
just_installed() { case " $missing " in *" $1 "*) return 0 ;; esac; return 1; }
for pair in lldpd:lldpd nginx-light:nginx zabbix-agent:zabbix-agent collectd-core:collectd \
    snmpd:snmpd rsyslog:rsyslog; do
    pkg=${pair%%:*} svc=${pair#*:}
    just_installed "$pkg" || continue
    if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
        $SUDO systemctl disable --now "$svc" >/dev/null 2>&1 || true
    fi
    case $svc in
    zabbix-agent) pkill -x zabbix_agentd 2>/dev/null || true ;;
    rsyslog) pkill -x rsyslogd 2>/dev/null || true ;;
    *) pkill -x "$svc" 2>/dev/null || true ;;
    esac
done
