#!/bin/bash
# The zips shipped beside whb-agent.msi:
#   whb-cli.zip        whb.exe (the admin CLI for Windows) and its README
#   whb-policy.zip     whb.admx and en-US\whb.adml for the central store (PolicyDefinitions)
#   whb-wsus-task.zip  Send-WsusComputers.ps1 and the scheduled task for the WSUS server (its
#                      XML in UTF-16LE with a BOM, as Task Scheduler exports tasks)
# Usage: build-zips.sh WIN_BUILD_DIR   (whb.exe from WIN_BUILD_DIR/agent/bin)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(cd "${1:?usage: build-zips.sh WIN_BUILD_DIR}" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/cli" "$stage/policy/en-US" "$stage/wsus"
cp "$out/agent/bin/whb.exe" "$stage/cli/"
cat > "$stage/cli/README.txt" <<'TXT'
whb.exe: ask the wsus-heartbeat collector why a computer has not reported status to WSUS.

  whb.exe --url https://whb.corp.example:8443 --token-file %USERPROFILE%\whb\admin.token why PC-042

Set WHB_URL and WHB_TOKEN_FILE once (setx WHB_URL https://whb.corp.example:8443) and type
`whb why PC-042`. The collector's certificate is checked against the Windows certificate store
(deploy the collector's CA to Trusted Root by Group Policy), or against --ca FILE.
`whb --help` lists every command. The full guide: installer/windows/README.md.
TXT
cp "$here/policy/whb.admx" "$stage/policy/"
cp "$here/policy/en-US/whb.adml" "$stage/policy/en-US/"
cp "$here/wsus/Send-WsusComputers.ps1" "$stage/wsus/"
# Task Scheduler's own format: UTF-16LE with a BOM, CRLF, and a declaration that says so.
{ printf '\xff\xfe'; sed 's/encoding="UTF-8"/encoding="UTF-16"/; s/$/\r/' "$here/wsus/whb-wsus-export.xml" |
    iconv -f UTF-8 -t UTF-16LE; } > "$stage/wsus/whb-wsus-export.xml"
rm -f "$out/whb-cli.zip" "$out/whb-policy.zip" "$out/whb-wsus-task.zip"
(cd "$stage/cli" && zip -q -X "$out/whb-cli.zip" whb.exe README.txt)
(cd "$stage/policy" && zip -q -X "$out/whb-policy.zip" whb.admx en-US/whb.adml)
(cd "$stage/wsus" && zip -q -X "$out/whb-wsus-task.zip" Send-WsusComputers.ps1 whb-wsus-export.xml)
echo "$out/whb-cli.zip $out/whb-policy.zip $out/whb-wsus-task.zip"
