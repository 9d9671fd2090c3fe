#!/bin/bash
# `whb wsus-import` through the real collector, with WSUS computer lists in the forms Windows
# writes them: ISO 8601 (.ToString('o')), UTF-16LE with BOM (PowerShell 5.1 Out-File), UTF-8
# with BOM and semicolons (de-DE, -UseCulture), en-AU and en-US dates; matching WSUS's names to
# agents by FQDN, short name and IP address (and saying so when two agents could match); the
# not-reported threshold as a setting; errors with line, field and what was expected; and a
# 150,000-computer list sent in parts under the default 64 KiB body limit.
# Usage: test_wsus_import.sh BUILD_DIR
set -u
bin=$(cd "${1:?usage: test_wsus_import.sh BUILD_DIR}" && pwd)/bin
. "$(dirname "$0")/../support/shell.sh"
whb_test_init wsus
port=$(free_port)
echo wsus-token > "$work/token"
"$bin/whb-collector" --plain-http --listen 127.0.0.1:$port --db "$work/c.db" \
    --enrollment-token-file "$work/token" --interval 1 --grace 3 --wsus-not-reported-days 10 \
    --control-socket "$work/ctl.sock" 2>"$work/collector.log" &
pids+=($!)
# The admin on the collector's host: the control socket (curl too).
export WHB_SOCKET=$work/ctl.sock WHB_URL=http://127.0.0.1:$port
whb() { "$bin/whb" "$@"; }
wait_started "${pids[-1]}" "the collector to answer" quietly whb status ||
    whb_abort "the collector did not start" "$work/collector.log"

# Agents: "vm" knows only its short name; pc-1 exists in two domains; nat-a and nat-b share an
# address (two sites behind NAT); "renamed" has the address WSUS knows under its old name.
agent() { # name fqdn address
    cat > "$work/$1.scn" <<SCN
identity machine_id=m-$1 fqdn=$2
0 adapter eth0 type=ethernet mac=52:54:00:00:00:$(printf %02x $((RANDOM % 256))) addr=$3/24 gw=10.9.8.1
SCN
    "$bin/whb-agent" --platform replay --replay-file "$work/$1.scn" --state-dir "$work/st-$1" \
        --collector-url "$WHB_URL/v1/report" --allow-plain-http 1 --enrollment-token wsus-token \
        --interval 1 2>"$work/$1.log" &
    pids+=($!)
}
agent vm vm 10.9.8.21
agent pc1 pc-1.corp.example 10.9.8.11
agent pc1lab pc-1.lab.example 10.9.7.11
agent nata nat-a.corp.example 10.9.8.50
agent natb nat-b.corp.example 10.9.8.50
agent renamed renamed.corp.example 10.9.8.60
six_report() { [ "$(whb status --json 2>/dev/null | jq .reporting)" = 6 ]; }
wait_until 10 "six agents to report" six_report
expect "six agents report" "$(whb status --json | jq .reporting)" 6

now=$(date -u +%Y-%m-%dT%H:%M:%S.0000000Z)
old=$(date -u -d '-15 days' +%Y-%m-%dT%H:%M:%S.0000000Z)
recent=$(date -u -d '-5 days' +%Y-%m-%dT%H:%M:%S.0000000Z)
never=0001-01-01T00:00:00.0000000
# What `Get-WsusComputer -All | Select-Object FullDomainName,IPAddress,@{n='LastReportedStatusTime';
# e={$_.LastReportedStatusTime.ToString('o')}},... | Export-Csv` writes (docs/cli.md).
{
    printf '#TYPE Selected.Microsoft.UpdateServices.Internal.BaseApi.ComputerTarget\r\n'
    printf '"FullDomainName","IPAddress","LastReportedStatusTime","LastSyncTime"\r\n'
    printf '"VM.corp.example.","10.9.8.21","%s","%s"\r\n' $never "$now"
    printf '"PC-1","10.9.8.11","%s","%s"\r\n' $never $never
    printf '"oldname.corp.example","10.9.8.60","%s","%s"\r\n' $never "$now"
    printf '"ghost.corp.example","10.9.8.50","%s","%s"\r\n' $never "$now"
    printf '"pc-1.corp.example","10.9.8.11","%s","%s"\r\n' "$old" "$old"
    printf '"gone.corp.example","10.9.8.99","%s","%s"\r\n' "$old" "$old"
    printf '"fresh.corp.example","10.9.8.98","%s","%s"\r\n' "$now" "$now"
    printf '"lately.corp.example","10.9.8.97","%s","%s"\r\n' "$recent" "$recent"
} > "$work/iso.csv"
out=$(whb wsus-import "$work/iso.csv" --json)
answer() { jq -r --arg n "$1" '.answers[] | select(.wsus_name==$n) | '"$2" <<<"$out"; }
expect "ISO list: counts, threshold 10 days" "$(jq -c '[.imported, .not_reported, .not_reported_days]' <<<"$out")" "[8,6,10]"
expect "VM.corp.example. matches the agent 'vm' by short name" "$(answer VM.corp.example '.matched_by + " " + .machine + " " + .status')" \
    "short_name vm reporting"
expect "PC-1 (bare name): two agents, none picked" "$(answer PC-1 '.matched_by + " " + .status')" "ambiguous ambiguous"
expect "PC-1: both candidates named" "$(answer PC-1 '.match' | grep -o 'pc-1\.[a-z]*\.example' | sort | tr '\n' ' ')" \
    "pc-1.corp.example pc-1.lab.example "
expect "oldname: matched by the IP address it had then" "$(answer oldname.corp.example '.matched_by + " " + .machine')" \
    "ip_address renamed.corp.example"
expect "ghost: two agents had 10.9.8.50: ambiguous" "$(answer ghost.corp.example '.matched_by')" ambiguous
expect "pc-1.corp.example: by FQDN" "$(answer pc-1.corp.example '.matched_by + " " + .status')" "fqdn reporting"
expect "gone: no agent" "$(answer gone.corp.example '.matched_by + " " + .reason')" "none no_agent"
expect "fresh and 5-day-old computers are not listed" "$(jq '[.answers[].wsus_name | select(. == "fresh.corp.example" or . == "lately.corp.example")] | length' <<<"$out")" 0
table=$(whb wsus-import "$work/iso.csv")
grep -q "^6 have not reported status for 10 days or more" <<<"$table" &&
    ok "the threshold is shown" || bad "threshold not shown: $(head -3 <<<"$table")"
grep -q "UTF-8, ',' separated\|UTF-8, ','-separated, dates in ISO 8601" <<<"$table" &&
    ok "encoding, delimiter and dates are shown" || bad "format line: $(head -1 <<<"$table")"

# The computer as the WSUS console shows it: `why` resolves it as the import matched it.
expect "why VM.corp.example: the agent 'vm', by short name as the import matched it" \
    "$(whb why VM.corp.example --json | jq -r '.machine + " " + .matched_by + " " + .status')" "vm short_name reporting"
whb why VM.corp.example | grep -q "^  asked as    VM.corp.example (matched by its short name; the agent reports as vm)" &&
    ok "why VM.corp.example says how it was matched" || bad "why VM.corp.example: $(whb why VM.corp.example 2>&1 | head -8)"
expect "history VM.corp.example: the agent 'vm'" "$(whb history VM.corp.example --json | jq -r .machine)" vm
expect "why oldname.corp.example: the agent that had WSUS's address then" \
    "$(whb why oldname.corp.example --json | jq -r '.machine + " " + .matched_by')" "renamed.corp.example ip_address"
out=$(whb why gone.corp.example); rc=$?
expect "why gone.corp.example (only WSUS knows it): an answer, exit 0" "$rc" 0
grep -q "^  id          no_agent" <<<"$out" && grep -q "^  next step   Check that the GPO assigning whb-agent.msi applies to this computer" <<<"$out" &&
    ok "gone.corp.example: no_agent with its next step" || bad "gone.corp.example: $out"
expect "why gone.corp.example --json" "$(whb why gone.corp.example --json | jq -r '[.status, .reason, .wsus_name] | join(" ")')" \
    "unknown no_agent gone.corp.example"
expect "why 10.9.8.99 (WSUS's address for gone): the same no_agent answer" \
    "$(whb why 10.9.8.99 --json | jq -r '.reason + " " + .wsus_name')" "no_agent gone.corp.example"
err=$(whb why gnoe.corp.example 2>&1); rc=$?
expect "a near miss of a WSUS name: exit 2, did you mean" "$rc $err" \
    "2 whb: unknown host gnoe.corp.example: no agent has ever reported from it and WSUS's list (as last imported) does not have it; did you mean gone.corp.example?"

# whb why by IP address, short name and FQDN.
expect "why 10.9.8.11 is pc-1.corp.example" "$(whb why 10.9.8.11 --json | jq -r .machine)" pc-1.corp.example
expect "why vm (short name)" "$(whb why vm --json | jq -r .machine)" vm
expect "why PC-1.CORP.EXAMPLE (case)" "$(whb why PC-1.CORP.EXAMPLE --json | jq -r .machine)" pc-1.corp.example
err=$(whb why 10.9.8.50 2>&1); rc=$?
expect "why 10.9.8.50: two machines, exit 2" "$rc" 2
grep -q "nat-a.corp.example" <<<"$err" && grep -q "nat-b.corp.example" <<<"$err" &&
    ok "why 10.9.8.50 names both machines" || bad "why 10.9.8.50: $err"
err=$(whb why 192.0.2.2 2>&1); rc=$?
expect "why 192.0.2.2 (nobody): exit 2, one line" "$rc $(wc -l <<<"$err")" "2 1"

db() { sqlite3 "$work/c.db" "$1"; }
stored() { db "select strftime('%Y-%m-%dT%H:%M:%S', last_status_ms/1000, 'unixepoch') from wsus_computers where fqdn='$1'"; }

# A new list says what changed against the one it replaces.
{
    printf '"FullDomainName","IPAddress","LastReportedStatusTime","LastSyncTime"\r\n'
    grep -v -e '^#TYPE' -e '^"FullDomainName"' -e '^"gone\.' -e '^"ghost\.' "$work/iso.csv"
    printf '"new-1.corp.example","10.9.8.121","%s","%s"\r\n' "$now" "$now"
} > "$work/iso2.csv"
table=$(whb wsus-import "$work/iso2.csv")
expect "the changes against the list before" "$(sed -n 2,4p <<<"$table")" \
"against the list before (8): 1 added, 2 removed, 6 kept
  added:   new-1.corp.example
  removed: ghost.corp.example, gone.corp.example"
expect "--json: changes" "$(whb wsus-import "$work/iso2.csv" --json | jq -c '.changes | [.before, .added, .removed, .kept]')" "[7,0,0,7]"
whb wsus-import "$work/iso.csv" >/dev/null

# Windows PowerShell 5.1: ConvertTo-Csv | Out-File writes UTF-16LE with a BOM, CRLF; en-US dates.
{
    printf '"FullDomainName","IPAddress","LastReportedStatusTime","LastSyncTime"\r\n'
    printf '"u16.corp.example","10.9.8.71","11/25/2026 7:58:12 PM","11/25/2026 7:58:12 PM"\r\n'
    printf '"u16b.corp.example","10.9.8.72","1/1/0001 12:00:00 AM","3/2/2026 9:00:00 AM"\r\n'
} | iconv -f UTF-8 -t UTF-16LE > "$work/body16"
printf '\xff\xfe' | cat - "$work/body16" > "$work/utf16.csv"
out=$(whb wsus-import "$work/utf16.csv" --json) || bad "UTF-16LE import failed"
expect "UTF-16LE with BOM imports" "$(jq .imported <<<"$out")" 2
expect "UTF-16LE: en-US date read as month/day (line 2 proves it)" "$(stored u16.corp.example)" 2026-11-25T19:58:12
expect "UTF-16LE: 3/2/2026 read month first, as line 2 proves" \
    "$(db "select strftime('%Y-%m-%d', last_sync_ms/1000, 'unixepoch') from wsus_computers where fqdn='u16b.corp.example'")" 2026-03-02

# de-DE: Export-Csv -UseCulture writes ';' and 25.11.2026 19:58:12; UTF-8 with BOM.
{
    printf '\xef\xbb\xbf"FullDomainName";"IPAddress";"LastReportedStatusTime";"LastSyncTime"\r\n'
    printf '"de1.corp.example";"10.9.8.81";"25.11.2026 19:58:12";"25.11.2026 19:58:12"\r\n'
    printf '"de2.corp.example";"10.9.8.82";"03.11.2026 09:00:00";"01.01.0001 00:00:00"\r\n'
} > "$work/de.csv"
out=$(whb wsus-import "$work/de.csv" --json) || bad "de-DE import failed"
expect "de-DE, semicolons, UTF-8 BOM: imports" "$(jq .imported <<<"$out")" 2
expect "de-DE: 25.11.2026 19:58:12" "$(stored de1.corp.example)" 2026-11-25T19:58:12
expect "de-DE: 03.11.2026 is 3 November" "$(stored de2.corp.example)" 2026-11-03T09:00:00
out=$(whb wsus-import "$work/de.csv" --date-format de-DE --json)
expect "--date-format de-DE agrees" "$(stored de2.corp.example)" 2026-11-03T09:00:00

# en-AU: 3/11/2026 9:00:00 am is 3 November; without the culture, nothing in the file says so.
{
    printf '"FullDomainName","IPAddress","LastReportedStatusTime","LastSyncTime"\n'
    printf '"au1.corp.example","10.9.8.91","3/11/2026 9:00:00 am","4/11/2026 1:05:00 pm"\n'
} > "$work/au.csv"
err=$(whb wsus-import "$work/au.csv" 2>&1); rc=$?
expect "en-AU without --date-format: refused, exit 2" "$rc" 2
expect "the refusal names line and field and says how to export" "$err" \
    "whb: $work/au.csv: line 2, field LastReportedStatusTime: 3/11/2026 could be day/month or month/day and no line of the file tells which: export the dates with .ToString('o') (see docs/cli.md) or name the culture of the WSUS server with --date-format (e.g. en-AU, de-DE, en-US)"
expect "refused: nothing replaced" "$(db 'select count(*) from wsus_computers')" 2
whb wsus-import "$work/au.csv" --date-format en-AU >/dev/null || bad "en-AU import failed"
expect "en-AU: 3/11/2026 9:00:00 am is 3 November 09:00" "$(stored au1.corp.example)" 2026-11-03T09:00:00
expect "en-AU: 1:05:00 pm is 13:05" \
    "$(db "select strftime('%H:%M', last_sync_ms/1000, 'unixepoch') from wsus_computers where fqdn='au1.corp.example'")" 13:05
whb wsus-import "$work/au.csv" --date-format en-US >/dev/null
expect "en-US reads the same file as 11 March" "$(stored au1.corp.example)" 2026-03-11T09:00:00
# A culture whose dates the file does not have is refused: read as de-DE, 10/2/2026 3:04:05 PM
# would be 10 February.
printf '"FullDomainName","LastReportedStatusTime"\n"us1.corp.example","10/2/2026 3:04:05 PM"\n' > "$work/us.csv"
err=$(whb wsus-import "$work/us.csv" --date-format de-DE 2>&1); rc=$?
expect "slashes and PM given as de-DE: refused, exit 2" "$rc $err" \
    "2 whb: $work/us.csv: line 2, field LastReportedStatusTime: 10/2/2026 3:04:05 PM is not how de-DE writes dates (dd.MM.yyyy HH:mm:ss): name the culture of the WSUS server that exported it with --date-format, or export the dates with .ToString('o')"
err=$(whb wsus-import "$work/de.csv" --date-format en-GB 2>&1); rc=$?
expect "dots given as en-GB: refused" "$rc" 2
err=$(whb wsus-import "$work/au.csv" --date-format de-DE 2>&1); rc=$?
expect "en-AU's am/pm given as de-DE: refused" "$rc" 2
err=$(whb wsus-import "$work/au.csv" --date-format xx-XX 2>&1)
grep -q "expected one of: en-US" <<<"$err" && ok "unknown culture: the known ones are listed" || bad "culture: $err"
printf '"FullDomainName","LastReportedStatusTime"\n"a.corp.example","25/11/2026 10:00:00"\n"b.corp.example","11/25/2026 10:00:00"\n' > "$work/mixed.csv"
err=$(whb wsus-import "$work/mixed.csv" 2>&1)
expect "day-first and month-first lines in one file: refused" "$err" \
    "whb: $work/mixed.csv: line 2 reads day first and line 3 month first: export with .ToString('o') or name the culture with --date-format (e.g. en-AU, en-US)"

# Errors say the line, the field and what was expected; nothing is dropped or half-imported.
before=$(db 'select count(*) from wsus_computers')
printf '"FullDomainName","LastReportedStatusTime"\n"ok.corp.example","2026-11-25T10:00:00Z"\n"bad\xff.corp.example","2026-11-25T10:00:00Z"\n' > "$work/utf8.csv"
expect "invalid UTF-8: line and field" "$(whb wsus-import "$work/utf8.csv" 2>&1)" \
    "whb: $work/utf8.csv: line 3, field FullDomainName: expected UTF-8 text, got invalid bytes"
printf '"FullDomainName","LastReportedStatusTime"\n"a.corp.example","2026-11-25T10:00:00Z"\n"A.corp.example.","2026-11-25T10:00:00Z"\n' > "$work/dup.csv"
expect "the same computer twice: both lines named" "$(whb wsus-import "$work/dup.csv" 2>&1)" \
    "whb: $work/dup.csv: line 3, field FullDomainName: expected each computer once, got A.corp.example again (first on line 2)"
printf '"FullDomainName","LastReportedStatusTime"\n"%s.corp.example","2026-11-25T10:00:00Z"\n' "$(head -c 300 /dev/zero | tr '\0' a)" > "$work/long.csv"
expect "too long a name" "$(whb wsus-import "$work/long.csv" 2>&1)" \
    "whb: $work/long.csv: line 2, field FullDomainName: expected at most 253 characters"
printf '"Name","LastReportedStatusTime"\n"a","2026-11-25T10:00:00Z"\n' > "$work/nohdr.csv"
whb wsus-import "$work/nohdr.csv" 2>&1 | grep -q "line 1, header: expected the columns FullDomainName and LastReportedStatusTime" &&
    ok "missing column: the header line says which" || bad "missing column"
printf '"FullDomainName","LastReportedStatusTime"\n"a.corp.example","2026-02-30T10:00:00Z"\n' > "$work/feb30.csv"
whb wsus-import "$work/feb30.csv" 2>&1 | grep -q "line 2, field LastReportedStatusTime: expected a date" &&
    ok "30 February refused" || bad "30 February accepted"
expect "after every refusal the list is unchanged" "$(db 'select count(*) from wsus_computers')" "$before"

# The collector's own checks name the line the CLI sent.
code=$(curl -s --unix-socket "$WHB_SOCKET" -o "$work/resp" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary \
    '{"session":"0123456789abcdef","part":1,"final":true,"computers":[{"fqdn":"a.corp.example","last_status":0,"last_sync":0,"line":7},{"fqdn":"bad name","last_status":0,"last_sync":0,"line":8}]}' \
    "$WHB_URL/v1/wsus/import")
expect "collector: bad row answers 400 naming line 8 and the field" "$code $(jq -r .error "$work/resp")" \
    "400 line 8, field FullDomainName: expected a host name, got other characters"
code=$(curl -s --unix-socket "$WHB_SOCKET" -o "$work/resp" -w '%{http_code}' --data-binary \
    '{"session":"0123456789abcdef","part":3,"final":true,"computers":[]}' "$WHB_URL/v1/wsus/import")
expect "collector: a part out of order is refused" "$code" 409

# 150,000 computers (a large WSUS server), 1,200 of which have not reported, under the default
# 64 KiB body limit: sent in parts of one session, nothing dropped.
python3 - "$work/big.csv" <<'PY'
import sys, datetime
now = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.0000000Z')
with open(sys.argv[1], 'w', newline='') as f:
    f.write('"FullDomainName","IPAddress","LastReportedStatusTime","LastSyncTime"\r\n')
    for i in range(150000):
        t = '0001-01-01T00:00:00.0000000' if i % 125 == 0 else now
        f.write('"ws%06d.branch%02d.corp.example","10.%d.%d.%d","%s","%s"\r\n' %
                (i, i % 50, 100 + i // 65536, (i // 256) % 256, i % 256, t, now))
PY
start=$(date +%s%N)
out=$(whb wsus-import "$work/big.csv" --json); rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
expect "150,000 computers import (exit 0)" "$rc" 0
expect "150,000: every row stored" "$(db 'select count(*) from wsus_computers')" 150000
expect "150,000: counts" "$(jq -c '[.imported, .not_reported, (.answers | length)]' <<<"$out")" "[150000,1200,1200]"
echo "    info 150,000 computers imported in $(jq .parts <<<"$out") parts, $((ms / 1000)).$(printf %03d $((ms % 1000))) s"
expect "no import session left behind" "$(db 'select count(*) from wsus_staging') $(db 'select count(*) from wsus_sessions')" "0 0"
# Stopped cleanly, the collector leaves no sanitizer or leak report (ASan builds).
whb_stop_clean "${pids[0]}" "$work/collector.log"
whb_test_finish
