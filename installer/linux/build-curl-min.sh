#!/bin/bash
# Builds a minimal static libcurl for the Linux agent from Debian's curl source package: HTTP and
# HTTPS over the system OpenSSL only (no GnuTLS, LDAP, RTMP, SSH, PSL, IDN, HTTP/2, compression,
# GSSAPI), as installer/windows/build-deps.sh does for Windows. It spares the agent the ~30 shared
# libraries Debian's libcurl loads. Cached in OUT: a second run rebuilds nothing.
# TLS is OpenSSL (default) or mbedTLS (libmbedtls-dev: a smaller heap and no relocated tables,
# but TLS 1.2 only in Debian 12's 2.28).
# Usage: build-curl-min.sh OUT [openssl|mbedtls]   (then OUT/prefix/lib/libcurl.a)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(realpath -m "${1:?usage: build-curl-min.sh OUT [openssl|mbedtls]}")
tls=${2:-openssl}
case $tls in
openssl) tlsflags="--with-openssl" ;;
mbedtls) tlsflags="--with-mbedtls --without-openssl" ;;
*) echo "curl-min: unknown TLS library $tls" >&2; exit 2 ;;
esac
prefix=$out/prefix
src=$out/src
jobs=$(($(nproc) < 2 ? $(nproc) : 2))
# Function sections: the agent links with --gc-sections and keeps only the curl code it calls.
# Optimised for size and without unwind tables (C, no exceptions): the agent's code is private
# to it on every machine, and each page of it that is touched stays resident.
cflags="-Os -g0 -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables"
# What the agent does not use. Part of the stamp: changing it rebuilds the cache.
features="--with-pic --disable-ldap --disable-ldaps --disable-rtsp --disable-dict --disable-telnet \
    --disable-tftp --disable-pop3 --disable-imap --disable-smtp --disable-gopher --disable-mqtt \
    --disable-ftp --disable-file --disable-smb --disable-manual --disable-ntlm --disable-ntlm-wb \
    --disable-alt-svc --disable-hsts --disable-cookies --disable-netrc --disable-unix-sockets \
    --disable-doh --disable-websockets --disable-mime --disable-progress-meter --disable-verbose \
    --disable-get-easy-options --disable-headers-api --disable-libcurl-option --disable-tls-srp \
    --disable-dnsshuffle --without-libpsl --without-zlib --without-brotli --without-zstd \
    --without-nghttp2 --without-nghttp3 --without-ngtcp2 --without-libidn2 --without-librtmp \
    --without-libssh2 --without-libssh --without-gssapi --without-libgsasl --without-ca-path \
    --with-ca-bundle=/etc/ssl/certs/ca-certificates.crt"
stamp="$tls $cflags $features"
[ "$(cat "$prefix/.complete" 2>/dev/null)" = "$stamp" ] && exit 0
rm -rf "$prefix"

# apt-get source needs the deb-src twin of the deb entries (root, or sudo without a prompt: this
# runs inside CMake's configure; the quickstart adds them first, where sudo may ask).
"$here/apt-deb-src.sh" --no-prompt curl ||
    { echo "curl-min: no deb-src entry for curl: run installer/linux/apt-deb-src.sh" >&2; exit 1; }
mkdir -p "$src"
cd "$src"
ls -d curl-*/ >/dev/null 2>&1 || apt-get source -qq curl >/dev/null 2>&1 ||
    { echo "curl-min: apt-get source curl failed" >&2; exit 1; }
d=$(ls -d curl-*/ | head -1)
echo "curl-min: building $d (HTTP/HTTPS, $tls, static)"
(cd "$d" && make distclean >/dev/null 2>&1; CFLAGS="$cflags" ./configure --prefix="$prefix" $tlsflags --disable-shared --enable-static \
    $features \
    >"../build-curl.log" 2>&1 &&
    make -j "$jobs" -C lib >>"../build-curl.log" 2>&1 &&
    make -C lib install >>"../build-curl.log" 2>&1 &&
    make -C include install >>"../build-curl.log" 2>&1 &&
    mkdir -p "$prefix/lib/pkgconfig" && cp libcurl.pc "$prefix/lib/pkgconfig/") ||
    { echo "curl-min: build failed, see $src/build-curl.log" >&2; exit 1; }
echo "$stamp" > "$prefix/.complete"
echo "curl-min: done in $prefix"
