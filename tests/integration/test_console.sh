#!/bin/bash
# The console's serving and access rules through the real collector (TLS), with curl: the
# embedded files with ETag/304 and security headers, loopback through a [::] socket
# (::ffff:127.0.0.1), login with the admin token from another address, the session cookie's
# attributes, CSRF on POSTs, logout, and the login rate limit.
# Usage: test_console.sh BUILD_DIR
set -u
bin=$(cd "${1:?usage: test_console.sh BUILD_DIR}" && pwd)/bin
src=$(cd "$(dirname "$0")" && pwd)
. "$src/../support/shell.sh"
whb_test_init console

sh "$src/make-certs.sh" "$work/certs" >/dev/null
echo enroll > "$work/enroll"
echo console-admin-token-0123456789 > "$work/admin"
port=$(free_port ::)
"$bin/whb-collector" --listen "[::]:$port" --cert "$work/certs/server.crt" --key "$work/certs/server.key" \
    --db "$work/c.db" --enrollment-token-file "$work/enroll" --admin-token-file "$work/admin" \
    2>"$work/log" &
pid=$!
pids+=($pid)
local=https://127.0.0.1:$port
c() { curl -sk --max-time 5 "$@"; }
wait_until 10 "the collector to answer" c -o /dev/null "$local/healthz" ||
    whb_abort "the collector did not start" "$work/log"

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
expect "empty fleet, sorted by reason" "$(c "$local/v1/silent?sort=reason" | jq -c '[.total, .partial, (.machines | length)]')" "[0,false,0]"
expect "empty fleet, switches" "$(c "$local/v1/network/switches" | jq -c .switches)" "[]"
expect "bad paging is refused" "$(c -o /dev/null -w '%{http_code}' "$local/v1/silent?offset=-1")" 400

# Loopback through a [::] socket arrives as ::ffff:127.0.0.1: no token needed.
expect "IPv4 loopback via [::] reads the API" "$(c -o /dev/null -w '%{http_code}' "$local/v1/status")" 200
expect "API answers are not cached" "$(c -D - -o /dev/null "$local/v1/status" | tr -d '\r' | sed -n 's/^cache-control: //Ip')" no-store

# Another address of this host is not loopback.
ip=$(ip -4 -o addr show scope global 2>/dev/null | awk '{sub(/\/.*/, "", $4); print $4; exit}')
if [ -z "$ip" ]; then
    echo "    ######## SKIPPED: no non-loopback address on this host: login not tested ########"
    exit 1
fi
remote=https://$ip:$port
expect "another host without a token: 401" "$(c -o /dev/null -w '%{http_code}' "$remote/v1/status")" 401
expect "Bearer still works" "$(c -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(cat "$work/admin")" "$remote/v1/status")" 200
jar=$work/jar
csrf=$(c -c "$jar" "$remote/console/session" | jq -r .csrf)
expect "pre-session is not authenticated" "$(c -b "$jar" "$remote/console/session" | jq .authenticated)" false
expect "a pre-session does not open the API" "$(c -b "$jar" -o /dev/null -w '%{http_code}' "$remote/v1/status")" 401
expect "login without the CSRF token: 403" "$(c -b "$jar" -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d "{\"token\":\"$(cat "$work/admin")\"}" "$remote/console/login")" 403
expect "login with a wrong token: 401" "$(c -b "$jar" -o /dev/null -w '%{http_code}' -H "X-CSRF-Token: $csrf" -d '{"token":"wrong"}' "$remote/console/login")" 401
out=$(c -b "$jar" -c "$jar" -D "$work/h" -H "X-CSRF-Token: $csrf" -d "{\"token\":\"$(cat "$work/admin")\"}" "$remote/console/login")
expect "login with the admin token" "$(jq -c '[.authenticated, .via]' <<<"$out")" '[true,"token"]'
cookie=$(tr -d '\r' < "$work/h" | sed -n 's/^set-cookie: //Ip')
for attr in HttpOnly Secure SameSite=Strict "Max-Age=28800" "Path=/"; do
    grep -q "; $attr" <<<"$cookie" && ok "cookie has $attr" || bad "cookie lacks $attr: $cookie"
done
csrf2=$(jq -r .csrf <<<"$out")
[ "$csrf2" != "$csrf" ] && ok "login gives a fresh CSRF token" || bad "CSRF token not renewed"
expect "the session reads the API" "$(c -b "$jar" -o /dev/null -w '%{http_code}' "$remote/v1/status")" 200
expect "session POST without CSRF: 403" "$(c -b "$jar" -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d '[]' "$remote/v1/wsus/import")" 403
expect "session POST with CSRF: 200" "$(c -b "$jar" -o /dev/null -w '%{http_code}' -H "X-CSRF-Token: $csrf2" -d '[]' "$remote/v1/wsus/import")" 200
expect "a browser POST from loopback needs CSRF too" "$(c -o /dev/null -w '%{http_code}' -H "Origin: https://evil.example" -d '[]' "$local/v1/wsus/import")" 403
expect "the CLI's POST from loopback (no Origin) works" "$(c -o /dev/null -w '%{http_code}' -d '[]' "$local/v1/wsus/import")" 200
expect "logout without CSRF: 403" "$(c -b "$jar" -o /dev/null -w '%{http_code}' -X POST "$remote/console/logout")" 403
expect "logout" "$(c -b "$jar" -c "$jar" -H "X-CSRF-Token: $csrf2" -X POST "$remote/console/logout" | jq .authenticated)" false
expect "after logout the API is closed" "$(c -b "$jar" -o /dev/null -w '%{http_code}' "$remote/v1/status")" 401

# Guessing the token: 10 failures a minute (one above), then 429 even for the right token.
jar2=$work/jar2
csrf=$(c -c "$jar2" "$remote/console/session" | jq -r .csrf)
codes=$(for i in $(seq 11); do c -b "$jar2" -o /dev/null -w '%{http_code} ' -H "X-CSRF-Token: $csrf" -d '{"token":"guess"}' "$remote/console/login"; done)
expect "after 10 failures in a minute, logins are throttled" "${codes% }" "$(printf '401 %.0s' $(seq 9))429 429"
expect "throttled: the right token waits too" "$(c -b "$jar2" -o /dev/null -w '%{http_code}' -H "X-CSRF-Token: $csrf" -d "{\"token\":\"$(cat "$work/admin")\"}" "$remote/console/login")" 429
grep -q "audit: console login refused to .*$ip" "$work/log" && ok "failed logins are audited" || bad "no audit line"
grep -q "$(cat "$work/admin")" "$work/log" && bad "the admin token reached the log" || ok "the token never reaches the log"
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
