#!/bin/bash
# Cross-builds the agent's core and whb.exe for Windows with mingw-w64 and runs their unit tests
# under wine.
# Then whb-agent.exe itself under wine against the real collector and a real veth
# (test-wine.sh), and whb-agent.msi built with wixl and read back (test-msi.sh). Exit 77 when the toolchain, wine or Debian's source packages cannot be had
# here (said loudly by the caller); any compile or test failure is a failure.
# Usage: test.sh [WIN_BUILD_DIR] [LINUX_BUILD_DIR]
set -u
cd "$(dirname "$0")/../.."
top=$PWD
out=${1:-$top/build-win}
export DEBIAN_FRONTEND=noninteractive
need="gcc-mingw-w64-x86-64 wine64 wine dpkg-dev wixl msitools"
missing=""
for p in $need; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"; done
if [ -n "$missing" ]; then
    (apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing) >"$out.apt.log" 2>&1 ||
        { echo "windows: cannot install$missing (see $out.apt.log)"; exit 77; }
fi
mkdir -p "$out"
if ! installer/windows/build-deps.sh "$out/deps" >"$out/deps.log" 2>&1; then
    tail -5 "$out/deps.log"
    grep -q "apt-get source .* failed\|apt-deb-src: cannot" "$out/deps.log" && exit 77
    exit 1
fi
cmake -S . -B "$out/agent" -DCMAKE_TOOLCHAIN_FILE="$top/cmake/mingw-w64-x86_64.cmake" \
    -DWHB_WIN_PREFIX="$out/deps/prefix" -DWHB_COLLECTOR=OFF -DCMAKE_BUILD_TYPE=Debug \
    >"$out/configure.log" 2>&1 || { tail -20 "$out/configure.log"; exit 1; }
cmake --build "$out/agent" -j "$(nproc)" >"$out/build.log" 2>&1 || { grep -E "error" "$out/build.log" | head -20; exit 1; }
export WINEPREFIX=$out/wineprefix WINEDEBUG=-all
ctest --test-dir "$out/agent" --output-on-failure || exit 1
# Release too: -O2 enables warnings -O0 does not (strict aliasing), and they are errors; the
# Windows unit tests run again on the optimised code.
cmake -S . -B "$out/agent-release" -DCMAKE_TOOLCHAIN_FILE="$top/cmake/mingw-w64-x86_64.cmake" \
    -DWHB_WIN_PREFIX="$out/deps/prefix" -DWHB_COLLECTOR=OFF -DCMAKE_BUILD_TYPE=Release \
    >"$out/configure-release.log" 2>&1 || { tail -20 "$out/configure-release.log"; exit 1; }
cmake --build "$out/agent-release" -j "$(nproc)" >"$out/build-release.log" 2>&1 ||
    { grep -E "error" "$out/build-release.log" | head -20; exit 1; }
ctest --test-dir "$out/agent-release" -R test_windows --output-on-failure || exit 1
installer/windows/test-wine.sh "$out" "${2:-$top/build}" || exit 1
echo "    whb.exe (the CLI for Windows) and the zips beside the MSI:"
installer/windows/test-cli-wine.sh "$out" "${2:-$top/build}" || exit 1
echo "    whb-agent.msi:"
installer/windows/build-msi.sh "$out" >/dev/null && installer/windows/test-msi.sh "$out/whb-agent.msi"
