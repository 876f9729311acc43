#!/usr/bin/env bash
# Stratum developer entry point.
#   scripts/dev.sh demo   install packages, build (release), run the main job on the bundled
#                         default study: report, classify its X-ray with Grad-CAM, mesh its
#                         head MRI, then open it in the workstation (a screenshot without a display)
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
        bin="build/$preset/bin"
        demo="build/$preset/demo"
        out="build/$preset/demo-output"
        rm -rf "$out"
        mkdir -p "$out"
        echo "==> the bundled default study: $demo"
        "$bin/stratum" info "$demo"
        if [ -x "$bin/stratum" ] && "$bin/stratum" classify --help >/dev/null 2>&1; then
            echo "==> classify the chest X-ray (models/chest-xray-pneumonia), Grad-CAM to $out/chest-xray-gradcam.png"
            "$bin/stratum" classify --model models/chest-xray-pneumonia \
                "$demo/chest-xray/IM-0001.dcm" --gradcam "$out/chest-xray-gradcam.png"
        fi
        if "$bin/stratum" pipeline --help >/dev/null 2>&1; then
            echo "==> surface model of the head MRI (Otsu threshold, largest piece, 80% fewer triangles) to $out/head-mesh"
            "$bin/stratum" pipeline "$demo/colin27-t1" "$out/head-mesh" --largest --decimate 0.8 --format stl,glb
        fi
        mesh_args=()
        for f in "$out"/head-mesh/*.stl; do [ -f "$f" ] && mesh_args=(--mesh "$f"); done
        if "$bin/stratum" segment --help >/dev/null 2>&1; then
            echo "==> brain mask of the head MRI (models/brain-mask-t1, a demonstration model) to $out/brain-mask.nii.gz and a DICOM SEG"
            "$bin/stratum" segment --model models/brain-mask-t1 "$demo/colin27-t1" "$out/brain-mask.nii.gz"
            "$bin/stratum" segment --model models/brain-mask-t1 "$demo/colin27-t1" "$out/brain-mask-seg.dcm"
            mesh_args+=(--labels "$out/brain-mask.nii.gz")
        fi
        if [ -x "$bin/stratum-workstation" ]; then
            if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
                echo "==> opening the study in the workstation"
                "$bin/stratum-workstation" "$demo" "${mesh_args[@]}"
            else
                echo "==> no display: the workstation on the study, as a picture: $out/workstation.png"
                xvfb-run -a -s "-screen 0 1600x1000x24" \
                    "$bin/stratum-workstation" "$demo" --layout 2x2 "${mesh_args[@]}" --screenshot "$out/workstation.png"
            fi
        fi
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
