#!/bin/bash
# `whb-collector init` makes a production collector in one command: tokens and key with the
# right modes and owner, a certificate from a name-constrained CA made for it (or a CSR), a
# collector.conf; then the collector starts from that file alone, an agent enrolls with it over
# TLS (trusting only collector-ca.crt) and `whb` answers with the admin token. Also the CLI's
# hints for a plain-HTTP URL and a missing CA, and a busy port's cause.
# Usage: test_init.sh BUILD_DIR
set -u
bin=$(cd "${1:?usage: test_init.sh BUILD_DIR}" && pwd)/bin
. "$(dirname "$0")/../support/shell.sh"
whb_test_init init
port=$(free_port)
etc=$work/etc
group=()
if [ "$(id -u)" = 0 ]; then
    g=$(getent group whb >/dev/null && echo whb || echo daemon)
    group=(--group "$g")
fi
"$bin/whb-collector" init --dir "$etc" --name localhost --ip 127.0.0.1 "${group[@]}" \
    --listen 127.0.0.1:$port --db "$work/c.db" >"$work/init.out" 2>&1
expect "init succeeds" "$?" 0
for f in enroll.token admin.token read.token upload.token collector.key; do
    if [ ${#group[@]} -gt 0 ]; then want="640 root:$g"; else want="600 $(id -un):$(id -gn)"; fi
    expect "$f: mode and owner" "$(stat -c '%a %U:%G' "$etc/$f")" "$want"
done
expect "collector.crt, collector-ca.crt, collector.conf: 644" \
    "$(stat -c %a "$etc/collector.crt" "$etc/collector-ca.crt" "$etc/collector.conf" | sort -u)" 644
tokens=("$etc/enroll.token" "$etc/admin.token" "$etc/read.token" "$etc/upload.token")
expect "tokens: 64 hex digits, different" \
    "$(cat "${tokens[@]}" | grep -cE '^[0-9a-f]{64}$') $(sort -u "${tokens[@]}" | wc -l)" "4 4"
expect "the config names every token and the control socket" \
    "$(grep -cE "^(admin|read|upload)_token_file = $etc/|^control_socket = /run/whb/control.sock" "$etc/collector.conf")" 4
openssl verify -CAfile "$etc/collector-ca.crt" "$etc/collector.crt" >/dev/null 2>&1 &&
    ok "collector.crt verifies against collector-ca.crt" || bad "certificate chain"
openssl x509 -in "$etc/collector-ca.crt" -noout -ext nameConstraints 2>/dev/null | grep -q "DNS:localhost" &&
    ok "the CA is name-constrained to the collector's names" || bad "no name constraints"
openssl x509 -in "$etc/collector.crt" -noout -ext subjectAltName | grep -q "DNS:localhost, IP Address:127.0.0.1" &&
    ok "the certificate names localhost and 127.0.0.1" || bad "subjectAltName"
grep -q "EnrollmentToken" "$work/init.out" && grep -q "Trusted Root" "$work/init.out" &&
    ok "init says where the token and the CA go" || bad "init output: $(cat "$work/init.out")"
out=$("$bin/whb-collector" init --dir "$etc" --name localhost 2>&1); rc=$?
expect "a second init replaces nothing" "$rc:$out" "1:whb-collector init: $etc/enroll.token exists: not replaced (--force replaces it)"

# The control socket where a test may make one (the config's is /run/whb's, the package's).
"$bin/whb-collector" -c "$etc/collector.conf" --interval 1 --control-socket "$work/ctl.sock" \
    2>"$work/collector.log" &
pids+=($!)
export WHB_URL=https://localhost:$port WHB_CA=$etc/collector-ca.crt WHB_TOKEN_FILE=$etc/admin.token
wait_started "${pids[-1]}" "the collector to answer" quietly "$bin/whb" status ||
    whb_abort "the collector did not start" "$work/collector.log"
cat > "$work/pc.scn" <<SCN
identity machine_id=m-init-1 fqdn=pc-42.corp.example
0 adapter eth0 type=ethernet mac=52:54:00:00:00:42 addr=10.9.8.42/24 gw=10.9.8.1
SCN
"$bin/whb-agent" --platform replay --replay-file "$work/pc.scn" --state-dir "$work/agent" \
    --collector-url "https://localhost:$port/v1/report" --ca-file "$etc/collector-ca.crt" \
    --enrollment-token "$(cat "$etc/enroll.token")" --interval 1 2>"$work/agent.log" &
pids+=($!)
pc42_reports() { [ "$("$bin/whb" why pc-42 --json 2>/dev/null | jq -r .status)" = reporting ]; }
wait_until 10 "pc-42 to report" pc42_reports
expect "the agent enrolled over TLS: whb why pc-42" \
    "$("$bin/whb" --token-file "$etc/admin.token" why pc-42 --json | jq -r '.machine + " " + .status')" \
    "pc-42.corp.example reporting"
expect "by its address too" "$("$bin/whb" why 10.9.8.42 --json | jq -r .machine)" pc-42.corp.example
curl -s -o /dev/null -w '%{http_code}' --cacert "$etc/collector-ca.crt" -H "Authorization: Bearer $(cat "$etc/admin.token")" \
    "https://localhost:$port/v1/machines/pc-42/why" | grep -q 200 && ok "the read API with the admin token (curl)" || bad "curl read API"
expect "on the collector's host: whb through the control socket, no token" \
    "$(WHB_TOKEN_FILE= WHB_URL= "$bin/whb" --socket "$work/ctl.sock" why pc-42 --json | jq -r .status)" reporting
expect "the control socket is the collector user's only" "$(stat -c %a "$work/ctl.sock")" 600

# Mistakes an admin makes, and the fix each message points to.
err=$(WHB_CA= "$bin/whb" --url "http://localhost:$port" status 2>&1); rc=$?
grep -q "speaks TLS: use --url https://" <<<"$err" && [ $rc = 2 ] &&
    ok "http:// against the TLS collector: use https" || bad "http://: $rc $err"
err=$(WHB_CA= "$bin/whb" --url "https://localhost:$port" status 2>&1); rc=$?
grep -q "give its CA with --ca FILE" <<<"$err" && [ $rc = 2 ] && [ "$(wc -l <<<"$err")" = 1 ] &&
    ok "no CA given: one line that says --ca" || bad "no CA: $rc $err"
"$bin/whb-collector" -c "$etc/collector.conf" 2>"$work/second.log"; rc=$?
grep -q "cannot listen on 127.0.0.1:$port: address in use" "$work/second.log" && [ $rc != 0 ] &&
    ok "a busy port: 'cannot listen on 127.0.0.1:$port: address in use'" || bad "busy port: $(cat "$work/second.log")"

# For the enterprise CA: a CSR with the names, no certificate, no private CA.
"$bin/whb-collector" init --dir "$work/csr" --csr --name whb.corp.example --name whb \
    --db "$work/c2.db" >/dev/null 2>&1
expect "--csr: request, key, tokens and config; no certificate" "$(ls "$work/csr" | tr '\n' ' ')" \
    "admin.token collector.conf collector.csr collector.key enroll.token read.token upload.token "
openssl req -in "$work/csr/collector.csr" -noout -verify 2>&1 | grep -q "verify OK" &&
    openssl req -in "$work/csr/collector.csr" -noout -text | grep -q "DNS:whb.corp.example, DNS:whb" &&
    ok "the CSR is signed and names whb.corp.example and whb" || bad "CSR"
# Stopped cleanly, the collector leaves no sanitizer or leak report (ASan builds).
whb_stop_clean "${pids[0]}" "$work/collector.log"
whb_test_finish
