#!/usr/bin/env bash
# Stratum developer entry point.
#   scripts/dev.sh demo   install packages, build (release), report on the bundled default study
#   scripts/dev.sh test   install packages, build (release), run the whole test suite
#   scripts/dev.sh deps   install packages only
#   scripts/dev.sh build  install packages and build
# Works as root or as a user with sudo (only apt-get runs as root).
# Environment: STRATUM_PRESET (default release), STRATUM_JOBS (build/test parallelism).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

preset="${STRATUM_PRESET:-release}"
jobs="${STRATUM_JOBS:-$(nproc)}"

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_deps() {
    local wanted missing=()
    wanted=$(sed -e 's/#.*//' -e 's/[[:space:]]//g' scripts/debian-packages.txt | grep -v '^$')
    for p in $wanted; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "==> installing: ${missing[*]}"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
    fi
}

build() {
    echo "==> configure and build ($preset)"
    cmake --preset "$preset" >/dev/null
    cmake --build --preset "$preset" -j "$jobs"
}

case "${1:-}" in
    deps) install_deps ;;
    build) install_deps; build ;;
    demo)
        install_deps; build
        echo "==> the bundled default study: build/$preset/demo"
        "build/$preset/bin/stratum" info "build/$preset/demo"
        ;;
    test)
        install_deps; build
        echo "==> tests"
        ctest --preset "$preset" -j "$jobs"
        ;;
    *)
        sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
        exit 2
        ;;
esac
