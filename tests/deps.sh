#!/bin/sh
# Installs the Debian packages wsus-heartbeat needs, only those missing (with sudo when not root).
# Quiet when everything is present. Usage: tests/deps.sh [build|quickstart|test|all|bench]
#   build: the product's build (tests off); quickstart: build + what the demo runs (a fresh
#   Debian 12 minbase has neither python3 nor openssl); test|all: every suite of tests/run.sh.
set -eu
build="build-essential cmake pkg-config protobuf-c-compiler libprotobuf-c-dev
libcurl4-openssl-dev libssl-dev libevent-dev libsqlite3-dev libpq-dev libjansson-dev libinih-dev
libnl-3-dev libnl-route-3-dev libnl-genl-3-dev libsystemd-dev libcsv-dev libhttp-parser-dev
libsnmp-dev"
# The demo: make-certs.sh (openssl), fleet.sh and its WSUS stand-in (python3).
demo="openssl python3"
# file: CPack's deb generator; clang and libclang-rt-14-dev (its libFuzzer runtime): the fuzz
# targets; mmdebstrap and git: the fresh-machine step (tests/fresh/).
test="$demo libcmocka-dev dbus-daemon valgrind clang libclang-rt-14-dev file mmdebstrap git
iproute2 lldpd nginx-light curl sqlite3 procps jq systemd dpkg-dev libxml2-utils zip unzip
binutils faketime nftables postgresql"
# The switches (collector/switch/): net-snmp's agent and tools, rsyslog with TLS, logger.
test="$test snmpd snmp rsyslog rsyslog-openssl bsdutils"
bench="zabbix-agent collectd-core libmbedtls-dev"

# The web console's tests (tests/web): Debian's chromium driven by node; npm for playwright-core
# (a Node.js from elsewhere may bring its own npm).
test="$test chromium nodejs"
command -v npm >/dev/null 2>&1 || test="$test npm"
case "${1:-all}" in
build) want=$build ;;
quickstart) want="$build $demo" ;;
test | all) want="$build $test" ;;
bench) want="$build $test $bench" ;;
*) echo "usage: $0 [build|quickstart|test|all|bench]" >&2; exit 2 ;;
esac
missing=""
for p in $want; do
    case " $missing " in *" $p "*) continue ;; esac
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing:$missing"
if [ "$(id -u)" -eq 0 ]; then
    SUDO=
elif command -v sudo >/dev/null 2>&1; then
    SUDO=sudo
else
    echo "deps: not root and sudo is not installed; as root: apt-get install$missing" >&2
    exit 1
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
