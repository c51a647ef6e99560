#!/usr/bin/env bash
# The product on one machine: installs what is missing, builds, starts the server (embedded mosquitto + SQLite),
# a small simulated lab fleet, and the console when a display is available. Ctrl+C stops everything.
# Settings (environment): FLEETDECK_HTTP_PORT (8443), FLEETDECK_MQTT_PORT (8883), FLEETDECK_WS_PORT (8444),
# FLEETDECK_TRANSFER_PORT (8445), FLEETDECK_LAB_DEVICES (12),
# FLEETDECK_DATA_DIR (./var/lab).
set -euo pipefail
. "$(dirname "$0")/tools/common.sh"

HTTP_PORT=${FLEETDECK_HTTP_PORT:-8443}
MQTT_PORT=${FLEETDECK_MQTT_PORT:-8883}
WS_PORT=${FLEETDECK_WS_PORT:-8444}
TRANSFER_PORT=${FLEETDECK_TRANSFER_PORT:-8445}
DEVICES=${FLEETDECK_LAB_DEVICES:-12}
DATA=${FLEETDECK_DATA_DIR:-$FLEETDECK_ROOT/var/lab}

fd_install_packages
fd_build

mkdir -p "$DATA"
for port in "$HTTP_PORT" "$MQTT_PORT"; do
    if ss -ltn 2>/dev/null | awk '{print $4}' | grep -qE "[:.]$port\$"; then
        fd_die "port $port is already in use (another Fleetdeck?). Stop it, or set FLEETDECK_HTTP_PORT / FLEETDECK_MQTT_PORT."
    fi
done

pids=()
stop_all() {
    trap - INT TERM EXIT
    echo
    fd_log "stopping"
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap stop_all INT TERM EXIT

fd_log "starting fleetdeck-server (data in $DATA, log in $DATA/server.log)"
"$FLEETDECK_BUILD/server/fleetdeck-server" --data-dir "$DATA" --http-port "$HTTP_PORT" --mqtt-port "$MQTT_PORT" --ws-port "$WS_PORT" \
    --transfer-port "$TRANSFER_PORT" \
    >"$DATA/server.log" 2>&1 &
pids+=($!)

URL="https://localhost:$HTTP_PORT"
for _ in $(seq 1 100); do
    if curl -fsS --cacert "$DATA/pki/ca.crt" "$URL/v1/health" >/dev/null 2>&1; then break; fi
    kill -0 "${pids[0]}" 2>/dev/null || { tail -n 20 "$DATA/server.log"; fd_die "the server stopped; see $DATA/server.log"; }
    sleep 0.1
done
curl -fsS --cacert "$DATA/pki/ca.crt" "$URL/v1/health" >/dev/null || { tail -n 20 "$DATA/server.log"; fd_die "the server is not healthy"; }

PASSWORD_FILE="$DATA/admin-password"
if [ -n "${FLEETDECK_ADMIN_PASSWORD:-}" ]; then
    PASSWORD_FILE="$DATA/.admin-password-from-env"
    (umask 077; printf '%s\n' "$FLEETDECK_ADMIN_PASSWORD" >"$PASSWORD_FILE")
fi
[ -f "$PASSWORD_FILE" ] || fd_die "no admin password file in $DATA (set FLEETDECK_ADMIN_PASSWORD if you chose one)"

# The first time, the lab fleet also sends the last hour's readings (charts and rule backtests have something to
# show) and gets an example rule, so the Alerts and Rules tabs are not empty; later starts leave both alone.
first_run=false
[ -d "$DATA/sim" ] || first_run=true
history=()
$first_run && history=(--history-minutes 60)
fd_log "starting the simulated lab fleet ($DEVICES devices, log in $DATA/sim.log)"
"$FLEETDECK_BUILD/sim/fleetdeck-sim" --server "$URL" --ca "$DATA/pki/ca.crt" --password-file "$PASSWORD_FILE" \
    --count "$DEVICES" --state-dir "$DATA/sim" --serial-prefix LAB "${history[@]}" >"$DATA/sim.log" 2>&1 &
pids+=($!)
if $first_run; then
    login=$(python3 -c 'import json, sys; print(json.dumps({"email": sys.argv[1], "password": open(sys.argv[2]).read().strip()}))' \
        "${FLEETDECK_ADMIN_EMAIL:-admin@localhost}" "$PASSWORD_FILE")
    token=$(curl -fsS --cacert "$DATA/pki/ca.crt" -H 'Content-Type: application/json' -d "$login" "$URL/v1/auth/login" |
        python3 -c 'import json, sys; print(json.load(sys.stdin).get("token", ""))' || true)
    if [ -n "$token" ] && curl -fsS -o /dev/null --cacert "$DATA/pki/ca.crt" -H "Authorization: Bearer $token" \
        -H 'Content-Type: application/json' "$URL/v1/rules" -d '{"name": "Lab: temperature high",
        "description": "An example rule of the lab fleet: the simulated sensors swing 21 ± 4 °C every 10 minutes",
        "condition": {"type": "threshold", "metric": "temperature", "op": ">", "value": 24, "deadband": 0.5},
        "actions": [{"type": "alert", "severity": "minor", "message": "{device.name}: temperature {value} °C"}]}'; then
        fd_log "made an example rule (Lab: temperature high); change or delete it in the console's Rules tab"
    else
        fd_log "could not make the example rule (the lab runs without it)"
    fi
fi

console="not started (no display)"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -x "$FLEETDECK_BUILD/app/fleetdeck" ]; then
    # The lab's CA is trusted up front and the e-mail filled in: only the password is asked.
    "$FLEETDECK_BUILD/app/fleetdeck" --server "$URL" --ca-file "$DATA/pki/ca.crt" \
        --email "${FLEETDECK_ADMIN_EMAIL:-admin@localhost}" >"$DATA/console.log" 2>&1 &
    pids+=($!)
    console="started"
fi

cat <<INFO

  Fleetdeck is running.
    API            $URL   (health: $URL/v1/health, description: $URL/v1/openapi.json)
    Live API       wss://localhost:$WS_PORT/v1/ws  (WebSocket, JSON-RPC 2.0; docs/websocket-api.md)
    Devices        mqtts://localhost:$MQTT_PORT  (mTLS; platform CA: $DATA/pki/ca.crt)
    Log in as      ${FLEETDECK_ADMIN_EMAIL:-admin@localhost}
    Password in    $PASSWORD_FILE
    Console        $console
    Lab fleet      $DEVICES simulated devices (state in $DATA/sim)

  Try:  curl --cacert $DATA/pki/ca.crt $URL/v1/health
  Press Ctrl+C to stop.
INFO

wait -n "${pids[@]}" || true
