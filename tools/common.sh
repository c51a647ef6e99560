# Shared by run.sh and test.sh: Debian packages and the build. Source it; it changes nothing else.
# shellcheck shell=bash

FLEETDECK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FLEETDECK_BUILD=${FLEETDECK_BUILD:-$FLEETDECK_ROOT/build}

# Everything the project needs on Debian 12, in one list.
FLEETDECK_PACKAGES=(
    build-essential cmake ninja-build ccache pkg-config git ca-certificates curl procps psmisc iproute2 python3
    qt6-base-dev qt6-base-dev-tools libqt6sql6-sqlite libqt6sql6-psql
    qt6-websockets-dev qt6-httpserver-dev qt6-charts-dev qt6-svg-dev
    qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools libqt6opengl6-dev libgl-dev libqcustomplot-dev
    libmosquitto-dev mosquitto-dev mosquitto mosquitto-clients
    libssl-dev openssl libpq-dev libargon2-dev libsqlite3-dev
    postgresql postgresql-client
    xvfb xauth python3-aiosmtpd
)

fd_log() { printf '\033[1m==> %s\033[0m\n' "$*"; }
fd_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

fd_install_packages() {
    local missing=()
    for p in "${FLEETDECK_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    fd_log "installing ${#missing[@]} Debian packages: ${missing[*]}"
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || fd_die "run as root, or install: apt-get install ${missing[*]}"
        sudo=(sudo)
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq || fd_die "apt-get update failed"
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
        || fd_die "apt-get install failed for: ${missing[*]}"
}

# Compiler cache hits across clones and folders (CI builds a fresh clone elsewhere).
export CCACHE_BASEDIR="$FLEETDECK_ROOT"
export CCACHE_NOHASHDIR=1

fd_build() {
    local type=${FLEETDECK_BUILD_TYPE:-RelWithDebInfo}
    if [ ! -f "$FLEETDECK_BUILD/build.ninja" ]; then
        fd_log "configuring ($type) in $FLEETDECK_BUILD"
        cmake -S "$FLEETDECK_ROOT" -B "$FLEETDECK_BUILD" -G Ninja -DCMAKE_BUILD_TYPE="$type" >/dev/null \
            || fd_die "cmake configuration failed"
    fi
    fd_log "building"
    # Two jobs: the machines have two cores, and Qt translation units are memory-hungry.
    ninja -C "$FLEETDECK_BUILD" -j "${FLEETDECK_JOBS:-2}" --quiet "$@" || fd_die "build failed"
}
