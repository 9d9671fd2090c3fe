#!/bin/sh
# Makes `apt-get source PKG` work: when apt knows no source record of PKG (default curl), adds
# the deb-src twin of each of this system's Debian entries and runs apt-get update. Both ways
# apt sources are written on Debian 12: a one-line /etc/apt/sources.list (or *.list), as the
# Debian installer and a minbase root write it, and deb822 *.sources files, as cloud images do.
# Only entries of this release's suites (bookworm, bookworm-updates, bookworm-security, ...) get
# a twin: a third-party repository rarely publishes sources, and a missing Sources index would
# make every later apt-get update fail. Uses sudo when not root (sudo -n with --no-prompt).
# Usage: apt-deb-src.sh [--no-prompt] [PKG]
set -eu
prompt=1
[ "${1:-}" = --no-prompt ] && { prompt=0; shift; }
pkg=${1:-curl}
has_source() { apt-cache showsrc "$pkg" 2>/dev/null | grep -q "^Package: $pkg\$"; }
has_source && exit 0

if [ "$(id -u)" -eq 0 ]; then
    as_root=""
elif ! command -v sudo >/dev/null 2>&1; then
    echo "apt-deb-src: cannot add deb-src entries: root needed (sudo is not installed)" >&2
    exit 1
elif [ $prompt = 1 ]; then
    as_root="sudo"
else
    as_root="sudo -n"
fi
. /etc/os-release
codename=${VERSION_CODENAME:?apt-deb-src: no VERSION_CODENAME in /etc/os-release}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One-line entries: "deb [options] URI SUITE COMPONENTS..." of this release's suites.
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    case $(basename "$f") in whb-src*) continue ;; esac
    awk -v c="$codename" '
        $1 != "deb" { next }
        { i = 2; if ($2 ~ /^\[/) while (i <= NF && $i !~ /\]$/) i++; if ($2 ~ /^\[/) i++ }
        $(i + 1) == c || index($(i + 1), c "-") == 1 { sub(/^[ \t]*deb/, "deb-src"); print }
    ' "$f" >>"$tmp/whb-src.list"
done
# deb822 stanzas: Types that hold deb, enabled, every suite of this release.
for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    case $(basename "$f") in whb-src*) continue ;; esac
    awk -v c="$codename" '
        function flush(   i, n, s, ok) {
            if (nl == 0) return
            ok = (types ~ /(^|[ \t])deb([ \t]|$)/) && enabled !~ /^[ \t]*no/
            n = split(suites, s, /[ \t]+/)
            for (i = 1; i <= n; i++) if (s[i] != "" && s[i] != c && index(s[i], c "-") != 1) ok = 0
            if (ok && suites != "") {
                for (i = 1; i <= nl; i++) print (line[i] ~ /^Types:/ ? "Types: deb-src" : line[i])
                print ""
            }
            nl = 0; types = ""; suites = ""; enabled = ""
        }
        /^[ \t]*$/ { flush(); next }
        /^#/ { next }
        { line[++nl] = $0 }
        /^Types:/ { types = substr($0, 7) }
        /^Suites:/ { suites = substr($0, 8) }
        /^Enabled:/ { enabled = substr($0, 9) }
        END { flush() }
    ' "$f" >"$tmp/whb-src-$(basename "$f")"
done
added=""
for f in "$tmp"/*; do
    [ -s "$f" ] || continue
    $as_root install -m 644 "$f" /etc/apt/sources.list.d/ ||
        { echo "apt-deb-src: cannot add deb-src entries: root needed" >&2; exit 1; }
    added="$added $(basename "$f")"
done
[ -n "$added" ] || { echo "apt-deb-src: cannot add deb-src entries: no Debian $codename entry" >&2; exit 1; }
echo "apt-deb-src: added deb-src entries in /etc/apt/sources.list.d:$added"
$as_root apt-get update -qq || echo "apt-deb-src: apt-get update reported errors" >&2
has_source || { echo "apt-deb-src: cannot find $pkg's source after adding deb-src entries" >&2; exit 1; }
