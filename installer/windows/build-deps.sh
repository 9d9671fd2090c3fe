#!/bin/bash
# Builds the Windows agent's and whb.exe's dependencies from Debian's source packages with
# mingw-w64, static: libcurl with Schannel (no OpenSSL), the protobuf-c runtime, jansson, cmocka
# and libcsv (whb.exe reads WSUS's CSV with it, as whb does on Linux). (No inih: on Windows the
# agent is configured by Group Policy, not by an INI file.)
# Cached in OUT (default build-win/deps): a second run rebuilds nothing; a cache made before
# libcsv was added gets only libcsv.
# Usage: build-deps.sh [OUT]
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$PWD
out=$(realpath -m "${1:-build-win/deps}")
prefix=$out/prefix
src=$out/src
host=x86_64-w64-mingw32
jobs=$(nproc)
[ -f "$prefix/.complete" ] && [ -f "$prefix/lib/libcsv.a" ] && exit 0

# apt-get source needs the deb-src twin of the deb entries.
installer/linux/apt-deb-src.sh --no-prompt curl
mkdir -p "$src" "$prefix/include" "$prefix/lib/pkgconfig"
cd "$src"
for p in curl protobuf-c jansson cmocka libcsv; do
    ls -d "$p"-*/ >/dev/null 2>&1 || apt-get source -qq "$p" >/dev/null 2>&1 ||
        { echo "win-deps: apt-get source $p failed" >&2; exit 1; }
done

pc() { # name version libs
    cat > "$prefix/lib/pkgconfig/$1.pc" <<PC
prefix=$prefix
Name: $1
Description: $1 (static, mingw-w64)
Version: $2
Cflags: -I\${prefix}/include
Libs: -L\${prefix}/lib $3
PC
}

# libcsv: one C file (libcsv.c), built like the protobuf-c runtime.
build_libcsv() {
    echo "win-deps: libcsv"
    local d
    d=$(ls -d libcsv-*/ | head -1)
    $host-gcc -O2 -c "$d/libcsv.c" -I"$d" -o libcsv.o
    $host-ar rcs "$prefix/lib/libcsv.a" libcsv.o
    cp "$d/csv.h" "$prefix/include/"
}
if [ -f "$prefix/.complete" ]; then
    build_libcsv
    echo "win-deps: done in $prefix"
    exit 0
fi
build_libcsv

echo "win-deps: protobuf-c runtime"
d=$(ls -d protobuf-c-*/ | head -1)
$host-gcc -O2 -c "$d/protobuf-c/protobuf-c.c" -I"$d" -o protobuf-c.o
$host-ar rcs "$prefix/lib/libprotobuf-c.a" protobuf-c.o
mkdir -p "$prefix/include/protobuf-c"
cp "$d/protobuf-c/protobuf-c.h" "$prefix/include/protobuf-c/"
pc libprotobuf-c "$(basename "$d" | sed 's/protobuf-c-//')" -lprotobuf-c

tc=$top/cmake/mingw-w64-x86_64.cmake
for p in jansson cmocka; do
    echo "win-deps: $p"
    d=$(ls -d $p-*/ | head -1)
    cmake -S "$d" -B "build-$p" -DCMAKE_TOOLCHAIN_FILE="$tc" -DCMAKE_INSTALL_PREFIX="$prefix" \
        -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DJANSSON_BUILD_DOCS=OFF \
        -DJANSSON_EXAMPLES=OFF -DJANSSON_WITHOUT_TESTS=ON -DWITH_STATIC_LIB=ON \
        -DWITH_EXAMPLES=OFF -DUNIT_TESTING=OFF -DCMAKE_C_FLAGS="-Wno-error" >"build-$p.log" 2>&1
    cmake --build "build-$p" -j "$jobs" >>"build-$p.log" 2>&1
    cmake --install "build-$p" >>"build-$p.log" 2>&1
done

echo "win-deps: libcurl (Schannel)"
d=$(ls -d curl-*/ | head -1)
(cd "$d" && ./configure --host=$host --prefix="$prefix" --with-schannel --without-openssl \
    --disable-shared --enable-static --disable-ldap --disable-ldaps --disable-rtsp --disable-dict \
    --disable-telnet --disable-tftp --disable-pop3 --disable-imap --disable-smtp --disable-gopher \
    --disable-mqtt --disable-manual --without-libpsl --without-zlib --without-brotli \
    --without-zstd --without-nghttp2 --without-libidn2 --without-librtmp --without-libssh2 \
    >"../build-curl.log" 2>&1 &&
    make -j "$jobs" -C lib >>"../build-curl.log" 2>&1 &&
    make -C lib install >>"../build-curl.log" 2>&1 &&
    make -C include install >>"../build-curl.log" 2>&1 &&
    cp libcurl.pc "$prefix/lib/pkgconfig/")
touch "$prefix/.complete"
echo "win-deps: done in $prefix"
