#!/bin/bash
# The console's serving and access rules through the real collector (TLS), with curl: the
# embedded files with ETag/304 and security headers; loopback (also through a [::] socket as
# ::ffff:127.0.0.1) is no identity; a foreign Host or Origin is refused; login with the admin
# or read token, the session cookie's attributes and its binding to the address that logged in;
# CSRF on POSTs; the roles of the admin, read and upload tokens; logout; failed logins limited
# per address; anonymous requests take no session slot; trust_loopback for demos.
# Usage: test_console.sh BUILD_DIR
set -u
bin=$(cd "${1:?usage: test_console.sh BUILD_DIR}" && pwd)/bin
src=$(cd "$(dirname "$0")" && pwd)
. "$src/../support/shell.sh"
whb_test_init console

sh "$src/make-certs.sh" "$work/certs" >/dev/null
echo enroll > "$work/enroll"
echo console-admin-token-0123456789 > "$work/admin"
echo console-read-token-0123456789 > "$work/read"
echo console-upload-token-0123456789 > "$work/upload"
port=$(free_port ::)
"$bin/whb-collector" --listen "[::]:$port" --cert "$work/certs/server.crt" --key "$work/certs/server.key" \
    --db "$work/c.db" --enrollment-token-file "$work/enroll" --admin-token-file "$work/admin" \
    --read-token-file "$work/read" --upload-token-file "$work/upload" 2>"$work/log" &
pid=$!
pids+=($pid)
local=https://127.0.0.1:$port
c() { curl -sk --max-time 5 "$@"; }
wait_started "${pids[-1]}" "the collector to answer" c -o /dev/null "$local/healthz" ||
    whb_abort "the collector did not start" "$work/log"

auth=(-H "Authorization: Bearer $(cat "$work/admin")")
# Serving.
expect "GET / is the console" "$(c -o /dev/null -w '%{http_code} %{content_type}' "$local/")" "200 text/html; charset=utf-8"
h=$(c -D - -o /dev/null "$local/js/app.js" | tr -d '\r')
etag=$(sed -n 's/^etag: //Ip' <<<"$h")
[ -n "$etag" ] && ok "assets carry an ETag" || bad "no ETag"
expect "a JS module's type" "$(sed -n 's/^content-type: //Ip' <<<"$h")" "text/javascript; charset=utf-8"
expect "revalidation answers 304" "$(c -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$local/js/app.js")" 304
expect "the body is the file" "$(c "$local/console.css" | sha256sum)" "$(sha256sum < "$src/../../collector/console/web/console.css")"
grep -qi "^content-security-policy: .*frame-ancestors 'none'" <<<"$h" && ok "CSP frame-ancestors 'none'" || bad "CSP"
grep -qi "unsafe-inline" <<<"$h" && bad "CSP allows unsafe-inline" || ok "no unsafe-inline"
grep -qi "^x-content-type-options: nosniff" <<<"$h" && ok "nosniff" || bad "nosniff"
grep -qi "^referrer-policy: no-referrer" <<<"$h" && ok "Referrer-Policy" || bad "Referrer-Policy"
expect "unknown paths still 404" "$(c -o /dev/null -w '%{http_code}' "$local/nothing.js")" 404
expect "POST to a file is refused" "$(c -o /dev/null -w '%{http_code}' -X POST "$local/")" 405

# An empty store: sorting nothing is fine (qsort on a NULL array was undefined behaviour).
expect "empty fleet, sorted by reason" "$(c "${auth[@]}" "$local/v1/silent?sort=reason" | jq -c '[.total, .partial, (.machines | length)]')" "[0,false,0]"
expect "empty fleet, switches" "$(c "${auth[@]}" "$local/v1/network/switches" | jq -c .switches)" "[]"
expect "bad paging is refused" "$(c "${auth[@]}" -o /dev/null -w '%{http_code}' "$local/v1/silent?offset=-1")" 400

# Loopback is no identity (issue 22): no token, no answer, even from this host; the admin token
# opens it, a foreign Host closes it.
admin=$(cat "$work/admin")
expect "loopback without a token: 401" "$(c -o /dev/null -w '%{http_code}' "$local/v1/status")" 401
expect "loopback with the admin token: 200" "$(c -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $admin" "$local/v1/status")" 200
expect "API answers are not cached" "$(c -D - -o /dev/null -H "Authorization: Bearer $admin" "$local/v1/status" | tr -d '\r' | sed -n 's/^cache-control: //Ip')" no-store
expect "a foreign Host is refused (DNS rebinding)" "$(c -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $admin" -H 'Host: rebind.evil.example' "$local/v1/status")" 403
expect "... and for the console's files" "$(c -o /dev/null -w '%{http_code}' -H 'Host: rebind.evil.example' "$local/")" 403
expect "X-Forwarded-For grants nothing" "$(c -o /dev/null -w '%{http_code}' -H 'X-Forwarded-For: 127.0.0.1' "$local/v1/status")" 401

# Another address of this host is no different.
ip=$(ip -4 -o addr show scope global 2>/dev/null | awk '{sub(/\/.*/, "", $4); print $4; exit}')
if [ -z "$ip" ]; then
    echo "    ######## SKIPPED: no non-loopback address on this host: login not tested ########"
    exit 1
fi
remote=https://$ip:$port
expect "another host without a token: 401" "$(c -o /dev/null -w '%{http_code}' "$remote/v1/status")" 401
expect "Bearer still works" "$(c -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $admin" "$remote/v1/status")" 200
jar=$work/jar
s0=$(c -c "$jar" "$remote/console/session")
csrf=$(jq -r .csrf <<<"$s0")
expect "before login: not authenticated" "$(jq .authenticated <<<"$s0")" false
[ -s "$jar" ] && grep -q whb_session "$jar" && bad "an anonymous caller got a session cookie" || ok "no session slot for an anonymous caller"
expect "login without the CSRF token: 403" "$(c -b "$jar" -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d "{\"token\":\"$admin\"}" "$remote/console/login")" 403
expect "login with a wrong token: 401" "$(c -b "$jar" -o /dev/null -w '%{http_code}' -H "X-CSRF-Token: $csrf" -d '{"token":"wrong"}' "$remote/console/login")" 401
# 64 anonymous session requests used to evict an admin's login in progress: the form's token
# takes no slot now.
for i in $(seq 80); do c -o /dev/null "$remote/console/session"; done
out=$(c -b "$jar" -c "$jar" -D "$work/h" -H "X-CSRF-Token: $csrf" -d "{\"token\":\"$admin\"}" "$remote/console/login")
expect "login with the admin token, after 80 anonymous session requests" "$(jq -c '[.authenticated, .via]' <<<"$out")" '[true,"admin"]'
cookie=$(tr -d '\r' < "$work/h" | sed -n 's/^set-cookie: //Ip')
for attr in HttpOnly Secure SameSite=Strict "Max-Age=28800" "Path=/"; do
    grep -q "; $attr" <<<"$cookie" && ok "cookie has $attr" || bad "cookie lacks $attr: $cookie"
done
csrf2=$(jq -r .csrf <<<"$out")
[ "$csrf2" != "$csrf" ] && ok "login gives a fresh CSRF token" || bad "CSRF token not renewed"
expect "the session reads the API" "$(c -b "$jar" -o /dev/null -w '%{http_code}' "$remote/v1/status")" 200
sid=$(awk '$6 == "whb_session" {print $7}' "$jar")
expect "the session's cookie from another address is no session" "$(c -H "Cookie: whb_session=$sid" -o /dev/null -w '%{http_code}' "$local/v1/status")" 401
grep -q "audit: a session cookie issued to another address was presented" "$work/log" && ok "the moved cookie is audited" || bad "no audit line for a moved cookie"
expect "session POST without CSRF: 403" "$(c -b "$jar" -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d '[]' "$remote/v1/wsus/import")" 403
expect "session POST with CSRF: 200" "$(c -b "$jar" -o /dev/null -w '%{http_code}' -H "X-CSRF-Token: $csrf2" -d '[]' "$remote/v1/wsus/import")" 200
expect "a state change from a foreign Origin: 403" "$(c -b "$jar" -o /dev/null -w '%{http_code}' -H "X-CSRF-Token: $csrf2" -H "Origin: https://evil.example" -d '[]' "$remote/v1/wsus/import")" 403
expect "the CLI's POST with the admin token (no Origin) works" "$(c -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $admin" -d '[]' "$local/v1/wsus/import")" 200
expect "logout without CSRF: 403" "$(c -b "$jar" -o /dev/null -w '%{http_code}' -X POST "$remote/console/logout")" 403
expect "logout" "$(c -b "$jar" -c "$jar" -H "X-CSRF-Token: $csrf2" -X POST "$remote/console/logout" | jq .authenticated)" false
expect "after logout the API is closed" "$(c -b "$jar" -o /dev/null -w '%{http_code}' "$remote/v1/status")" 401

# Roles: the read token reads and logs in read-only; the upload token only uploads.
read=$(cat "$work/read"); upload=$(cat "$work/upload")
expect "read token: GET 200" "$(c -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $read" "$remote/v1/silent")" 200
expect "read token: no upload (403)" "$(c -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $read" -d '[]' "$remote/v1/wsus/import")" 403
expect "upload token: upload 200" "$(c -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $upload" -d '[]' "$remote/v1/wsus/import")" 200
expect "upload token: no reading (403)" "$(c -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $upload" "$remote/v1/status")" 403
# The console's upload of the file itself: the same roles.
csv='"FullDomainName","IPAddress","LastReportedStatusTime","LastSyncTime"
"pc-up.corp.example","10.1.2.3","2026-11-20T10:00:00Z","2026-11-20T10:00:00Z"'
up() { c -H "Authorization: Bearer $1" --data-binary "$csv" "$remote/v1/wsus/upload?session=00112233445566778899aabbccddeeff$2&part=1&final=1" "${@:3}"; }
expect "read token: no file upload (403)" "$(up "$read" 01 -o /dev/null -w '%{http_code}')" 403
expect "upload token: file upload, counts only" "$(up "$upload" 02 | jq -c '[.imported, has("answers")]')" '[1,false]'
expect "admin token: file upload with the answers" "$(up "$admin" 03 | jq -c '[.imported, has("answers")]')" '[1,true]'
jar4=$work/jar4
csrf=$(c "$remote/console/session" | jq -r .csrf)
expect "console login with the read token: read-only" "$(c -c "$jar4" -H "X-CSRF-Token: $csrf" -d "{\"token\":\"$read\"}" "$remote/console/login" | jq -r .role)" read
expect "upload token is no console login" "$(c -o /dev/null -w '%{http_code}' -H "X-CSRF-Token: $csrf" -d "{\"token\":\"$upload\"}" "$remote/console/login")" 401

# Guessing the token: 10 failures a minute from one address, then 429 there, even for the
# right token; another address logs in meanwhile (issue 22: the lock-out was global). The
# guesser is this host's IPv6 address when it has one, else loopback.
ip6=$(ip -6 -o addr show scope global 2>/dev/null | awk '{sub(/\/.*/, "", $4); print $4; exit}')
guesser=${ip6:+https://[$ip6]:$port}
guesser=${guesser:-$local}
csrf=$(c "$guesser/console/session" | jq -r .csrf)
codes=$(for i in $(seq 11); do c -o /dev/null -w '%{http_code} ' -H "X-CSRF-Token: $csrf" -d '{"token":"guess"}' "$guesser/console/login"; done)
expect "after 10 failures in a minute, logins from that address are throttled" "${codes% }" "$(printf '401 %.0s' $(seq 10))429"
expect "throttled: the right token waits there too" "$(c -o /dev/null -w '%{http_code}' -H "X-CSRF-Token: $csrf" -d "{\"token\":\"$admin\"}" "$guesser/console/login")" 429
rcsrf=$(c "$remote/console/session" | jq -r .csrf)
expect "another address logs in meanwhile" "$(c -o /dev/null -w '%{http_code}' -H "X-CSRF-Token: $rcsrf" -d "{\"token\":\"$admin\"}" "$remote/console/login")" 200
expect "a form token of one address does not serve another" "$(c -o /dev/null -w '%{http_code}' -H "X-CSRF-Token: $csrf" -d "{\"token\":\"$admin\"}" "$remote/console/login")" 403
grep -q "audit: console login refused to .*$ip" "$work/log" && ok "failed logins are audited" || bad "no audit line"
grep -q "$admin" "$work/log" && bad "the admin token reached the log" || ok "the token never reaches the log"

# trust_loopback (demos): loopback callers are admins without a session, so they take no slot
# and cannot push out a remote admin's session; a browser's state change still needs CSRF.
kill "$pid"; wait "$pid" 2>/dev/null
"$bin/whb-collector" --listen "[::]:$port" --cert "$work/certs/server.crt" --key "$work/certs/server.key" \
    --db "$work/c.db" --enrollment-token-file "$work/enroll" --admin-token-file "$work/admin" \
    --trust-loopback 2>>"$work/log" &
pid=$!
pids+=($pid)
wait_started "${pids[-1]}" "the collector with trust_loopback to answer" c -o /dev/null "$local/healthz" ||
    whb_abort "the collector did not start with trust_loopback" "$work/log"
expect "trust_loopback: loopback reads without a token" "$(c -o /dev/null -w '%{http_code}' "$local/v1/status")" 200
expect "trust_loopback: the session says so" "$(c "$local/console/session" | jq -c '[.authenticated, .via]')" '[true,"loopback"]'
expect "trust_loopback: another host still needs a token" "$(c -o /dev/null -w '%{http_code}' "$remote/v1/status")" 401
jar3=$work/jar5
csrf=$(c "$remote/console/session" | jq -r .csrf)
c -c "$jar3" -o /dev/null -H "X-CSRF-Token: $csrf" -d "{\"token\":\"$admin\"}" "$remote/console/login"
for i in $(seq 80); do c -o /dev/null "$local/console/session"; done
expect "80 loopback sessions later, the remote admin's session lives" "$(c -b "$jar3" -o /dev/null -w '%{http_code}' "$remote/v1/status")" 200
expect "trust_loopback: a browser POST without CSRF: 403" "$(c -o /dev/null -w '%{http_code}' -H "Origin: https://127.0.0.1:$port" -d '[]' "$local/v1/wsus/import")" 403
lcsrf=$(c "$local/console/session" | jq -r .csrf)
expect "trust_loopback: with its CSRF token: 200" "$(c -o /dev/null -w '%{http_code}' -H "Origin: https://127.0.0.1:$port" -H "X-CSRF-Token: $lcsrf" -d '[]' "$local/v1/wsus/import")" 200
grep -q "trust_loopback = on" "$work/log" && ok "the collector warns that loopback is trusted" || bad "no warning for trust_loopback"
# With tls = off a Secure cookie would never come back: logins from other hosts are refused.
kill "$pid"; wait "$pid" 2>/dev/null
"$bin/whb-collector" --plain-http --listen "0.0.0.0:$port" --db "$work/c.db" \
    --enrollment-token-file "$work/enroll" --admin-token-file "$work/admin" 2>>"$work/log" &
pid=$!
pids+=($pid)
wait_until 10 "the plain-HTTP collector to answer" curl -s -o /dev/null "http://127.0.0.1:$port/healthz" ||
    whb_abort "the collector did not start with tls = off" "$work/log"
csrf=$(curl -s -c "$work/jar3" "http://$ip:$port/console/session" | jq -r .csrf)
expect "plain HTTP: login from another host refused" \
    "$(curl -s -b "$work/jar3" -H "X-CSRF-Token: $csrf" -d "{\"token\":\"$(cat "$work/admin")\"}" "http://$ip:$port/console/login" | jq -r .error)" \
    "logins need HTTPS: the collector runs with tls = off"
whb_test_finish
