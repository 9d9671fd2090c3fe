#!/bin/bash
# Builds whb-agent.msi with wixl from whb-agent.wxs and the cross-built whb-agent.exe.
# Usage: build-msi.sh WIN_BUILD_DIR [VERSION]  ->  WIN_BUILD_DIR/whb-agent.msi
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(cd "${1:?usage: build-msi.sh WIN_BUILD_DIR [VERSION]}" && pwd)
version=${2:-$(sed -n 's/^project(wsus-heartbeat VERSION \([0-9.]*\).*/\1/p' "$here/../../CMakeLists.txt")}
# wixl resolves File/@Source relative to the current directory (absolute paths are refused).
cd "$out"
wixl -a x64 -D Version="$version" -D AgentExe=agent/bin/whb-agent.exe \
    -o whb-agent.msi "$here/whb-agent.wxs" 2>wixl.log || { cat wixl.log; exit 1; }
echo "$out/whb-agent.msi"
