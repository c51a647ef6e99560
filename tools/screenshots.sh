#!/usr/bin/env bash
# Screenshots of the console for documentation and UI review.
#
#   tools/screenshots.sh OUTDIR [BUILD_DIR]
#
#   SHOTS=regex tools/screenshots.sh OUTDIR   takes only the matching scenes
#
# Starts the real server (fleetdeck-server, embedded mosquitto, SQLite) with a throw-away data
# directory on free loopback ports, connects a simulated fleet to it (fleetdeck-sim), and runs
# the console under Xvfb against it with its own throw-away settings; saves one PNG per scene
# into OUTDIR and stops everything it started.
# Needs the targets fleetdeck, fleetdeck-server (with fleetdeck_broker_plugin) and fleetdeck-sim
# built in BUILD_DIR (default: $FLEETDECK_BUILD_DIR, else build/ in this repository), plus
# mosquitto, curl and xvfb-run.
set -euo pipefail

[[ $# -ge 1 ]] || { echo "usage: $0 OUTDIR [BUILD_DIR]" >&2; exit 2; }
repo=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath -m "$1")
build=$(realpath -m "${2:-${FLEETDECK_BUILD_DIR:-$repo/build}}")
app=$build/app/fleetdeck
server=$build/server/fleetdeck-server
sim=$build/sim/fleetdeck-sim
for bin in "$app" "$server" "$sim"; do
    [[ -x $bin ]] || { echo "missing $bin (build fleetdeck, fleetdeck-server and fleetdeck-sim)" >&2; exit 1; }
done
for tool in xvfb-run curl ss python3; do
    command -v "$tool" >/dev/null || { echo "$tool is not installed" >&2; exit 1; }
done

work=$(mktemp -d)
pids=()
cleanup() {
    # Only what this script started, newest first (the simulators before their server).
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$out"

# Never read or write the user's own console settings.
export XDG_CONFIG_HOME=$work/config
export LANG=C.UTF-8 QT_LOGGING_RULES="fleetdeck.*.info=false"
settings_file=$XDG_CONFIG_HOME/Fleetdeck/fleetdeck.conf
password=screenshot-admin-$RANDOM$RANDOM
email=admin@localhost

taken_ports=()
free_port() { # a loopback port nobody listens on (and not handed out before)
    local p
    while :; do
        p=$((20000 + RANDOM % 40000))
        [[ " ${taken_ports[*]} " == *" $p "* ]] && continue
        ss -Htln "sport = :$p" | grep -q . && continue
        taken_ports+=("$p")
        echo "$p"
        return
    done
}

start_server() { # name [extra server args] -> sets url and ca
    local name=$1; shift
    local http mqtt
    http=$(free_port)
    mqtt=$(free_port)
    FLEETDECK_ADMIN_PASSWORD=$password "$server" --data-dir "$work/$name" --bind 127.0.0.1 \
        --http-port "$http" --mqtt-port "$mqtt" --ws-port 0 --transfer-port 0 "$@" >"$work/$name.log" 2>&1 &
    pids+=($!)
    url=https://localhost:$http
    ca=$work/$name/pki/ca.crt
    # Up when the API answers at all (a degraded server answers 503).
    for _ in $(seq 200); do
        [[ -f $ca ]] && [[ $(curl -s -o /dev/null -w '%{http_code}' --cacert "$ca" "$url/v1/health") != 000 ]] && return
        kill -0 "${pids[-1]}" 2>/dev/null || break
        sleep 0.1
    done
    echo "server $name did not start:" >&2
    cat "$work/$name.log" >&2
    exit 1
}

api() { # method path [json]: a REST call as the admin against $url; a failure says what the server answered
    local args=(-s --cacert "$ca" -X "$1" -H "Authorization: Bearer $token" -w '\n%{http_code}')
    [[ $# -ge 3 ]] && args+=(-H "Content-Type: application/json" -d "$3")
    local reply code
    reply=$(curl "${args[@]}" "$url$2") || { echo "$1 $2: no answer from $url" >&2; return 1; }
    code=${reply##*$'\n'}
    reply=${reply%$'\n'*}
    [[ $code == 2* ]] || { echo "$1 $2 answered HTTP $code: $reply" >&2; return 1; }
    printf '%s' "$reply"
}

start_fleet() { # name count type prefix [extra sim args]: waits until all are online
    local name=$1 count=$2 type=$3 prefix=$4; shift 4
    FLEETDECK_PASSWORD=$password "$sim" --server "$url" --ca "$ca" --email "$email" --count "$count" \
        --device-type "$type" --serial-prefix "$prefix" --state-dir "$work/sim-$name" "$@" >"$work/sim-$name.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 300); do
        grep -q "devices online" "$work/sim-$name.log" 2>/dev/null && return
        kill -0 "${pids[-1]}" 2>/dev/null || break
        sleep 0.1
    done
    echo "simulator $name did not get its devices online:" >&2
    cat "$work/sim-$name.log" >&2
    exit 1
}

reset_settings() {
    rm -rf "$XDG_CONFIG_HOME"
    mkdir -p "$(dirname "$settings_file")"
    printf '[link]\nlostAfterSeconds=%s\n' "${1:-30}" >"$settings_file"
}

shot() { # scene delay_ms [console args...]: saves every window as <scene>-<window>.png
    local scene=$1 delay=$2; shift 2
    # SHOTS=regex takes only the scenes whose name matches (the set-up still runs in full).
    [[ -z ${SHOTS:-} || $scene =~ $SHOTS ]] || return 0
    local dir=$work/shots/$scene
    rm -rf "$dir"
    xvfb-run -a -s "-screen 0 1600x1000x24" "$app" --screenshot "$dir" --screenshot-delay "$delay" "$@" \
        >"$work/$scene.log" 2>&1 || true
    local found=0
    for f in "$dir"/*.png; do
        [[ -e $f ]] || continue
        cp "$f" "$out/$scene-$(basename "$f")"
        echo "  $out/$scene-$(basename "$f")"
        found=1
    done
    [[ $found == 1 ]] || { echo "no screenshot for $scene:" >&2; cat "$work/$scene.log" >&2; }
}

# The main server with a simulated fleet of 12 devices: 9 pumps that stay connected (and first send the last
# hour's readings, for the charts and the rule backtest), 3 gateways
# that go offline again (an abnormal state: active but offline), plus a spare meter that was
# registered but never connected, and one that is suspended.
echo "Starting the server and a simulated fleet in $work"
start_server main
main=$url main_ca=$ca
start_fleet pumps 9 pump PUMP --rate 2 --command-delay-ms 400 --history-minutes 60
start_fleet gateways 3 gateway GW --duration 4
token=$(curl -sf --cacert "$ca" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$password\"}" "$url/v1/auth/login" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
[[ -n $token ]] || { echo "cannot sign in to the server" >&2; exit 1; }
api POST /v1/devices '{"serial_number":"MTR-00001","device_type":"meter","name":"Spare meter"}' >/dev/null
suspended=$(api POST /v1/devices '{"serial_number":"MTR-00002","device_type":"meter","name":"Meter in repair"}' |
    sed -n 's/.*"device_id":"\([^"]*\)".*/\1/p')
api POST "/v1/devices/$suspended/suspend" >/dev/null
# Some history for the device view of the first pump: commands that succeeded and a twin it applied.
pump=$(api GET "/v1/devices?limit=100" | python3 -c '
import json, sys
print(next((d["device_id"] for d in json.load(sys.stdin)["items"] if d["serial_number"] == "PUMP-00001"), ""))')
[[ -n $pump ]] || { echo "PUMP-00001 is not registered" >&2; exit 1; }
api POST "/v1/devices/$pump/commands" '{"type":"ping"}' >/dev/null
api POST "/v1/devices/$pump/commands" '{"type":"set_reporting_interval","payload":{"interval_s":0.5}}' >/dev/null
api POST "/v1/devices/$pump/commands" '{"type":"set_reporting_interval","payload":{"interval_s":"fast"}}' >/dev/null
api POST "/v1/devices/$pump/commands" '{"type":"firmware.check"}' >/dev/null
api PUT "/v1/devices/$pump/config" '{"desired":{"reporting_interval_s":0.5,"pressure_limit_bar":6.5}}' >/dev/null

# The gateways' simulator says goodbye after 4 s.
for _ in $(seq 100); do
    grep -q "stopping" "$work/sim-gateways.log" && break
    sleep 0.1
done

# A second server whose broker is unreachable: it answers, but reports itself degraded.
start_server degraded --broker "mqtts://127.0.0.1:$(free_port)"
degraded=$url degraded_ca=$ca

echo "Screenshots in $out:"
reset_settings
shot 01-connect 1500
FLEETDECK_PASSWORD=$password shot 02-trust-first-contact 3000 --server "$main" --email "$email" --connect
FLEETDECK_PASSWORD=wrong shot 03-wrong-password 3000 --server "$main" --email "$email" --ca-file "$main_ca" --connect

reset_settings
export FLEETDECK_PASSWORD=$password
shot 04-main-light 5000 --server "$main" --email "$email" --ca-file "$main_ca" --connect
shot 05-main-dark 5000 --theme dark --server "$main" --email "$email" --ca-file "$main_ca" --connect
shot 06-kiosk 5000 --kiosk --theme dark --server "$main" --email "$email" --ca-file "$main_ca"
shot 07-kiosk-degraded 5000 --kiosk --theme dark --server "$degraded" --email "$email" --ca-file "$degraded_ca"
shot 08-main-german 5000 --lang de --server "$main" --email "$email" --ca-file "$main_ca" --connect
# The device view, after the pumps have sent for a while: live chart with history, command console, twin.
shot 11-device-telemetry 9000 --server "$main" --email "$email" --ca-file "$main_ca" --connect --open-device PUMP-00001
shot 12-device-commands 5000 --server "$main" --email "$email" --ca-file "$main_ca" --connect --open-device PUMP-00001 \
    --device-tab commands
shot 13-device-twin 5000 --theme dark --server "$main" --email "$email" --ca-file "$main_ca" --connect \
    --open-device PUMP-00001 --device-tab twin
shot 15-device-commands-german 5000 --lang de --server "$main" --email "$email" --ca-file "$main_ca" --connect \
    --open-device PUMP-00001 --device-tab commands
printf '[kiosk]\nrotateSeconds=5\n' >>"$settings_file"
shot 14-kiosk-device 9000 --kiosk --theme dark --server "$main" --email "$email" --ca-file "$main_ca" \
    --open-device PUMP-00001
# Alarms: a rule on the pumps' temperature (21 ± 4 °C, a 10-minute wave) fires on some of them while the
# scenes run; one alert acknowledged with a note. The rule editor shows the rule with a backtest over the last hour.
url=$main ca=$main_ca   # api() talks to the main server again (start_server degraded moved them)
# Notifications: a webhook to a real receiver on loopback (answers 200) and one to a port nobody listens on (its
# deliveries wait and are tried again), both for major and critical alerts.
hook_port=$(free_port)
python3 -c '
import http.server, sys
class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200); self.send_header("Content-Length", "2"); self.end_headers(); self.wfile.write(b"ok")
    def log_message(self, *args): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Hook).serve_forever()' "$hook_port" &
pids+=($!)
ops=$(api POST /v1/notification-channels "{\"name\":\"Control room hook\",\"kind\":\"webhook\",
  \"config\":{\"url\":\"http://127.0.0.1:$hook_port/fleetdeck\",\"secret\":\"screenshot-secret\"}}" |
    sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
down=$(api POST /v1/notification-channels "{\"name\":\"Maintenance ticketing\",\"kind\":\"webhook\",
  \"config\":{\"url\":\"http://127.0.0.1:$(free_port)/tickets\"}}" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
api POST /v1/notification-policies "{\"name\":\"Majors to the control room\",\"severities\":[\"critical\",\"major\"],
  \"channel_ids\":[\"$ops\",\"$down\"]}" >/dev/null
api POST /v1/rules '{"name":"Pump running warm","scope":{"device_type":"pump"},
  "condition":{"type":"threshold","metric":"temperature","op":">","value":23.5,"deadband":0.5},
  "actions":[{"type":"alert","severity":"major","message":"{device.name}: temperature {value} °C"}]}' >/dev/null
api POST /v1/rules '{"name":"Pump humidity high","scope":{"device_type":"pump"},
  "condition":{"type":"all","conditions":[{"type":"threshold","metric":"humidity","op":">","value":50},
    {"type":"aggregate","metric":"humidity","agg":"avg","window_s":60,"op":">","value":48}]},
  "actions":[{"type":"alert","severity":"minor","message":"{device.name}: humidity {value} %"}]}' >/dev/null
api POST /v1/rules '{"name":"Gateway offline","scope":{"device_type":"gateway"},
  "condition":{"type":"offline","seconds":60},
  "actions":[{"type":"alert","severity":"critical","message":"{device.name} has been offline for a minute"}]}' >/dev/null
for _ in $(seq 300); do
    open=$(api GET "/v1/alerts" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')
    [[ $open -ge 2 ]] && break
    sleep 1
done
first=$(api GET "/v1/alerts" | python3 -c '
import json, sys
print(next((a["id"] for a in json.load(sys.stdin)["items"] if a["state"] == "active_unacknowledged"), ""))')
[[ -n $first ]] && api POST "/v1/alerts/$first/acknowledge" '{"note":"Checked on site: cooling fan replaced, watching"}' >/dev/null
shot 16-alerts 5000 --server "$main" --email "$email" --ca-file "$main_ca" --connect --view alerts
shot 17-alerts-dark 5000 --theme dark --server "$main" --email "$email" --ca-file "$main_ca" --connect --view alerts
shot 18-alarm-kpis 5000 --server "$main" --email "$email" --ca-file "$main_ca" --connect --view alerts-kpis
shot 19-rule-editor-backtest 9000 --server "$main" --email "$email" --ca-file "$main_ca" --connect \
    --rule "Pump running warm" --backtest PUMP-00001 --backtest-range 1h
shot 20-channels 5000 --server "$main" --email "$email" --ca-file "$main_ca" --connect --view channels
shot 21-rule-editor-german 8000 --lang de --server "$main" --email "$email" --ca-file "$main_ca" --connect \
    --rule "Pump humidity high" --backtest PUMP-00002 --backtest-range 1h
unset FLEETDECK_PASSWORD
shot 09-connect-spanish 1500 --lang es

# Last: the main server stops 6 s after the console started; 5 s later the link counts as lost.
reset_settings 5
FLEETDECK_PASSWORD=$password shot 10-link-lost 16000 --server "$main" --email "$email" --ca-file "$main_ca" --connect &
shot_pid=$!
sleep 6
kill "${pids[0]}"
wait "$shot_pid"
