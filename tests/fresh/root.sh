# A fresh Debian 12 machine for tests: a minbase root with git, made by mmdebstrap from this
# machine's own Debian sources, cached as a tarball, unpacked anew for each use and entered with
# chroot in its own mount and PID namespaces (sourced by quickstart-in-root.sh and
# run-tests-in-root.sh).
#   fresh_root_tar CACHE          -> CACHE/minbase.tar, remade when missing, older than
#                                    FRESH_ROOT_DAYS (7) days or made from other sources
#   fresh_root_unpack CACHE DIR   a new root in DIR (what was there is removed), with this
#                                 machine's resolver and hosts file; FRESH_SOURCES=line (one-line
#                                 /etc/apt/sources.list, as the Debian installer writes) or
#                                 deb822 (/etc/apt/sources.list.d/debian.sources, as cloud images)
#   fresh_root_fill CACHE DIR     the same in an empty DIR (enter.sh --new: on a tmpfs)
#   fresh_root_cleanup DIR        ends what still runs in DIR and unmounts what is left there
# Mounts live in the namespace only: they go with its last process, whatever ends the script.
# The PID namespace ends every process started in the root when CMD ends, and keeps a `pkill -x
# nginx` (tests/deps.sh after installing nginx) inside the root.

fresh_log() { echo "fresh: $*" >&2; }

# This machine's Debian entries ("deb URI SUITE COMPONENTS", deb-src left out: a fresh machine
# has none) from a one-line sources.list or deb822 .sources files alike.
fresh_host_sources() {
    local codename f
    codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        awk -v c="$codename" '
            $1 != "deb" { next }
            { i = 2; if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ } }
            $(i + 1) == c || index($(i + 1), c "-") == 1 {
                s = "deb"; for (j = i; j <= NF && $j !~ /^#/; j++) s = s " " $j; print s }
        ' "$f"
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk -v c="$codename" '
            function flush(   n, m, s, u, i, j) {
                if (types ~ /(^|[ \t])deb([ \t]|$)/ && enabled !~ /^[ \t]*no/) {
                    n = split(uris, u, /[ \t]+/); m = split(suites, s, /[ \t]+/)
                    for (i = 1; i <= n; i++) for (j = 1; j <= m; j++)
                        if (u[i] != "" && (s[j] == c || index(s[j], c "-") == 1))
                            print "deb " u[i] " " s[j] comps
                }
                types = uris = suites = comps = enabled = ""
            }
            /^[ \t]*$/ { flush(); next }
            /^Types:/ { types = substr($0, 7) }
            /^URIs:/ { uris = substr($0, 6) }
            /^Suites:/ { suites = substr($0, 8) }
            /^Components:/ { comps = substr($0, 12) }
            /^Enabled:/ { enabled = substr($0, 9) }
            END { flush() }
        ' "$f"
    done
}

# apt options of this machine a root needs to reach the same archive (a snapshot mirror's
# Release files are past their Valid-Until): Acquire::Check-Valid-Until and Check-Date.
fresh_host_aptopts() {
    local k v
    for k in Acquire::Check-Valid-Until Acquire::Check-Date; do
        v=$(apt-config dump "$k" 2>/dev/null | sed -n "s/^$k \"\(.*\)\";$/\1/p")
        [ -n "$v" ] && echo "$k \"$v\";"
    done
    return 0
}

# The certificates of /etc/ssl/certs/ca-certificates.crt that are none of Debian's, one file each.
fresh_host_extra_cas() {
    local out=$1
    [ -f /etc/ssl/certs/ca-certificates.crt ] || return 0
    mkdir -p "$out"
    find /usr/share/ca-certificates -name '*.crt' -exec cat {} + 2>/dev/null |
        awk -v out="$out" '
            /-----BEGIN CERTIFICATE-----/ { pem = ""; body = ""; inside = 1 }
            inside { pem = pem $0 "\n"; if ($0 !~ /-----/) body = body $0 }
            /-----END CERTIFICATE-----/ {
                inside = 0
                if (FILENAME == "-") debian[body] = 1
                else if (!(body in debian)) printf "%s", pem > (out "/this-machine-" ++n ".crt")
            }
        ' - /etc/ssl/certs/ca-certificates.crt
}

fresh_root_tar() {
    local cache=$1 tar=$1/minbase.tar sources stamp days=${FRESH_ROOT_DAYS:-7}
    sources=$(fresh_host_sources)
    [ -n "$sources" ] || { fresh_log "no Debian entry in /etc/apt/sources.list*"; return 1; }
    stamp=$(printf '%s\n%s\n' "$sources" "$(fresh_host_aptopts)")
    mkdir -p "$cache"
    if [ -f "$tar" ] && [ "$(cat "$tar.stamp" 2>/dev/null)" = "$stamp" ] &&
        [ -z "$(find "$tar" -mtime "+$((days - 1))")" ]; then
        return 0
    fi
    local opts=() line
    while IFS= read -r line; do opts+=(--aptopt="$line"); done < <(fresh_host_aptopts)
    local t0=$SECONDS
    fresh_log "making a Debian 12 minbase root with git (mmdebstrap) in $tar"
    rm -f "$tar.tmp"
    # Positional mirrors: each line one entry, as sources.list would have it.
    local mirrors=()
    while IFS= read -r line; do mirrors+=("$line"); done <<<"$sources"
    mmdebstrap --variant=minbase --include=git "${opts[@]}" --format=tar bookworm "$tar.tmp" \
        "${mirrors[@]}" >"$cache/mmdebstrap.log" 2>&1 ||
        { tail -20 "$cache/mmdebstrap.log" >&2; rm -f "$tar.tmp"; return 1; }
    mv "$tar.tmp" "$tar"
    echo "$stamp" >"$tar.stamp"
    fresh_log "root made in $((SECONDS - t0)) s"
}

fresh_root_unpack() {
    local cache=$1 dir=$2
    fresh_root_cleanup "$dir"
    rm -rf "$dir"
    mkdir -p "$dir"
    fresh_root_fill "$cache" "$dir"
}

# The cached root unpacked in DIR, then set up as a machine on this network.
fresh_root_fill() {
    local cache=$1 dir=$2 sources
    tar -C "$dir" -xf "$cache/minbase.tar" || return 1
    # A machine on this network resolves names as this one does, and trusts the certificate
    # authorities this one added to Debian's (its network's TLS proxy): they wait in
    # /usr/local/share/ca-certificates for the ca-certificates package, as an admin puts them.
    cp /etc/resolv.conf /etc/hosts "$dir/etc/"
    fresh_host_extra_cas "$dir/usr/local/share/ca-certificates"
    sources=$(grep '^deb ' "$dir/etc/apt/sources.list")
    case ${FRESH_SOURCES:-line} in
    line) ;;
    deb822)
        rm -f "$dir/etc/apt/sources.list"
        echo "$sources" | awk '{ print "Types: deb\nURIs: " $2 "\nSuites: " $3 "\nComponents: " \
            substr($0, index($0, $3) + length($3) + 1) "\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n" }' \
            >"$dir/etc/apt/sources.list.d/debian.sources"
        ;;
    *) fresh_log "FRESH_SOURCES is line or deb822"; return 1 ;;
    esac
}

fresh_root_cleanup() {
    local dir=$1 pid root left m
    [ -d "$dir" ] || return 0
    dir=$(realpath "$dir")
    # What still runs in the root (its namespace's first process was killed from outside).
    for sig in TERM KILL; do
        left=""
        for pid in $(ls /proc | grep -E '^[0-9]+$'); do
            root=$(readlink "/proc/$pid/root" 2>/dev/null) || continue
            case $root in "$dir" | "$dir"/*) kill -s "$sig" "$pid" 2>/dev/null && left="$left $pid" ;; esac
        done
        [ -z "$left" ] && break
        sleep 2
    done
    # Mounts are in the namespace; should one have reached this one, it goes too.
    for m in $(awk -v d="$dir/" 'index($2 "/", d) == 1 { print $2 }' /proc/mounts | sort -r); do
        umount -l "$m" 2>/dev/null || true
    done
}
