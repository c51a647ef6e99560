#!/usr/bin/env bash
# Screenshots of the console for documentation and UI review.
#
#   tools/screenshots.sh OUTDIR [BUILD_DIR]
#
# Runs the console under Xvfb against the test HTTPS server (tests/app/fakeserver),
# with its own throw-away settings, and saves one PNG per scene into OUTDIR.
# Needs the targets fleetdeck and fleetdeck_fakeserver_bin built in BUILD_DIR
# (default: $FLEETDECK_BUILD_DIR, else build-app next to this script's repository).
set -euo pipefail

[[ $# -ge 1 ]] || { echo "usage: $0 OUTDIR [BUILD_DIR]" >&2; exit 2; }
repo=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath -m "$1")
build=$(realpath -m "${2:-${FLEETDECK_BUILD_DIR:-$repo/build-app}}")
app=$build/app/fleetdeck
fake=$build/tests/app/fleetdeck_fakeserver
for bin in "$app" "$fake"; do
    [[ -x $bin ]] || { echo "missing $bin (build fleetdeck and fleetdeck_fakeserver_bin)" >&2; exit 1; }
done
command -v xvfb-run >/dev/null || { echo "xvfb-run is not installed" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$out"

# Never read or write the user's own console settings.
export XDG_CONFIG_HOME=$work/config
export LANG=C.UTF-8 QT_LOGGING_RULES="fleetdeck.*.info=false"
settings_file=$XDG_CONFIG_HOME/Fleetdeck/fleetdeck.conf

start_server() { # name [extra args] -> sets port
    local name=$1; shift
    "$fake" --dir "$work/$name" "$@" >"$work/$name.out" 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do
        grep -q READY "$work/$name.out" 2>/dev/null && break
        sleep 0.1
    done
    port=$(awk '/READY/ {print $2}' "$work/$name.out")
    [[ -n $port ]] || { echo "test server $name did not start:" >&2; cat "$work/$name.out" >&2; exit 1; }
}

reset_settings() {
    rm -rf "$XDG_CONFIG_HOME"
    mkdir -p "$(dirname "$settings_file")"
    printf '[link]\nlostAfterSeconds=%s\n' "${1:-30}" >"$settings_file"
}

shot() { # scene delay_ms [console args...]: saves every window as <scene>-<window>.png
    local scene=$1 delay=$2; shift 2
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

start_server main --devices 1500
main=https://localhost:$port
ca=$work/main/ca.pem
start_server degraded --devices 240 --degraded
degraded=https://localhost:$port

user=(--email operator@example.com)
echo "Screenshots in $out:"

reset_settings
shot 01-connect 1500
FLEETDECK_PASSWORD=secret shot 02-trust-first-contact 3000 --server "$main" "${user[@]}" --connect
FLEETDECK_PASSWORD=wrong shot 03-wrong-password 3000 --server "$main" "${user[@]}" --ca-file "$ca" --connect

reset_settings
export FLEETDECK_PASSWORD=secret
shot 04-main-light 5000 --server "$main" "${user[@]}" --ca-file "$ca" --connect
shot 05-main-dark 5000 --theme dark --server "$main" "${user[@]}" --ca-file "$ca" --connect
shot 06-kiosk-degraded 5000 --kiosk --theme dark --server "$degraded" "${user[@]}" --ca-file "$work/degraded/ca.pem"

# A server that goes away 5 s after the console connected; the link counts as lost 5 s later.
reset_settings 5
start_server dying --devices 800 --stop-after 6
dying=https://localhost:$port
dying_ca=$work/dying/ca.pem
shot 07-link-lost 16000 --server "$dying" "${user[@]}" --ca-file "$dying_ca" --connect

reset_settings
shot 08-main-german 5000 --lang de --server "$main" "${user[@]}" --ca-file "$ca" --connect
unset FLEETDECK_PASSWORD
shot 09-connect-spanish 1500 --lang es
