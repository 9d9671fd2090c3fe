#!/bin/sh
# Runs one command against a throwaway PostgreSQL server (tests/support/pg.sh): the server's
# conninfo is in WHB_TEST_PG_CONNINFO, and the server is gone afterwards whatever happens.
# Usage: with-pg.sh COMMAND [ARG...]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d /tmp/whb-pg-XXXXXX)
chmod 0755 "$dir"
trap '"$here/pg.sh" stop "$dir/pg"' EXIT INT TERM
WHB_TEST_PG_CONNINFO=$("$here/pg.sh" start "$dir/pg")
export WHB_TEST_PG_CONNINFO
rc=0
"$@" || rc=$?
exit $rc
