#!/bin/sh
# Makes a throwaway PKI for tests and demos in DIR: a CA, the collector's server certificate
# (localhost, 127.0.0.1, and the e2e test network's 10.99.0.1 and 10.98.0.1), machine
# certificates for pc-1 and pc-2 (DNS SAN) and pc-3 (CN only), and a machine certificate from a
# CA the collector does not trust.
set -eu
dir=${1:?usage: make-certs.sh DIR}
mkdir -p "$dir"
cd "$dir"
[ -f ca.crt ] && [ -f pc-3.crt ] && exit 0
days=2
# Wine 8.0's crypt32 (Debian 12) turns an ECDSA signature into r||s without padding: when r or s
# is shorter than 32 bytes (about one signature in 128) Schannel calls the chain's signature
# invalid (CertGetCertificateChain error 0x8), and whb-agent.exe cannot reach the collector.
# Real Windows pads; the test PKI is signed again until both are 32 bytes.
full_signature() { # cert: are r and s both 32 bytes?
    off=$(openssl asn1parse -in "$1" | grep 'BIT STRING' | tail -1 | cut -d: -f1 | tr -d ' ')
    openssl asn1parse -in "$1" -strparse "$off" |
        awk -F'INTEGER *:' '/INTEGER/ { v = $2; sub(/^00/, "", v); if (length(v) != 64) bad = 1; n++ }
                            END { exit !(n == 2 && !bad) }'
}
subj() { openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" \
             -subj "/CN=$2" -out "$1.csr" 2>/dev/null; }
sign() { # name ca ext
    printf '%s\n' "$3" > "$1.ext"
    tries=0
    until [ -f "$1.crt" ] && full_signature "$1.crt"; do
        tries=$((tries + 1)); [ $tries -le 50 ] || { echo "make-certs: cannot sign $1" >&2; exit 1; }
        openssl x509 -req -in "$1.csr" -CA "$2.crt" -CAkey "$2.key" -CAcreateserial -days $days \
            -extfile "$1.ext" -out "$1.crt" 2>/dev/null
    done
    rm -f "$1.csr" "$1.ext"
}
for ca in ca rogue-ca; do
    tries=0
    until [ -f $ca.crt ] && full_signature $ca.crt; do
        tries=$((tries + 1)); [ $tries -le 50 ] || { echo "make-certs: cannot make $ca" >&2; exit 1; }
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $ca.key \
            -subj "/CN=wsus-heartbeat test $ca" -days $days -out $ca.crt 2>/dev/null
    done
done
subj server localhost
sign server ca "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:10.99.0.1,IP:10.98.0.1
extendedKeyUsage=serverAuth"
for n in 1 2; do
    subj pc-$n pc-$n.corp.example
    sign pc-$n ca "subjectAltName=DNS:pc-$n.corp.example
extendedKeyUsage=clientAuth"
done
subj pc-3 pc-3.corp.example
sign pc-3 ca "extendedKeyUsage=clientAuth"
subj rogue pc-1.corp.example
sign rogue rogue-ca "subjectAltName=DNS:pc-1.corp.example
extendedKeyUsage=clientAuth"
chmod 600 ./*.key
