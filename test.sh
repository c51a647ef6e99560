#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: installs what is missing, builds, starts a private
# PostgreSQL for the storage tests (mosquitto is started by the tests themselves), runs every CTest test.
# Extra arguments go to ctest, e.g. ./test.sh -L unit   or   ./test.sh -R tst_deviceapi
set -euo pipefail
. "$(dirname "$0")/tools/common.sh"

fd_install_packages
fd_build

# A throw-away PostgreSQL 15 cluster on a free port, owned by the postgres user when we are root.
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
[ -x "$PG_BIN/initdb" ] || fd_die "PostgreSQL server binaries not found under /usr/lib/postgresql"
PG_DIR=$(mktemp -d /tmp/fleetdeck-test-pg.XXXXXX)
PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 55432)
PG_PASS=fleetdeck-test
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
}
trap cleanup EXIT
[ "$(id -u)" -eq 0 ] && chown postgres "$PG_DIR"
fd_log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
echo "$PG_PASS" > "$PG_DIR/pw" && { [ "$(id -u)" -eq 0 ] && chown postgres "$PG_DIR/pw" || true; }
as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U fleetdeck --pwfile="$PG_DIR/pw" -A scram-sha-256 >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log"; fd_die "initdb failed"; }
as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 30 \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null \
    || { cat "$PG_DIR/server.log"; fd_die "PostgreSQL did not start"; }
export FLEETDECK_TEST_PG_URL="postgresql://fleetdeck:$PG_PASS@127.0.0.1:$PG_PORT/postgres"

fd_log "running the tests"
cd "$FLEETDECK_BUILD"
export QT_QPA_PLATFORM=offscreen
ctest --output-on-failure --timeout 600 -j "${FLEETDECK_TEST_JOBS:-2}" "$@"
