#!/usr/bin/env bash
# Reproduces the shipped phantom model (models/phantom-organs-3d) with one command:
#   bash scripts/train-phantom-segmenter.sh [OUTPUT] [STRATUM]
# OUTPUT: package folder to create (default models/phantom-organs-3d; must not exist or
# be empty). STRATUM: the stratum binary (default build/release/bin/stratum).
# Measured: 1284 s wall (530 s CPU) on the 2-core development machine while other
# builds ran (load 4 to 9), one LibTorch thread.
# Data: procedural phantoms (docs/ai.md, "Phantoms") written by `stratum make-phantoms`:
# training seeds 1..32, validation seeds 33..36 (tests use other seeds). Same seeds and
# settings: the same data and training; weights may differ in the last bits between
# machines and thread counts.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$(realpath -m "${1:-$root/models/phantom-organs-3d}")"
stratum="$(realpath -m "${2:-$root/build/release/bin/stratum}")"
work="${STRATUM_PHANTOM_WORK:-$root/build/phantom-organs-data}"
# libgomp's threads spin while waiting; on a shared machine that burns the other core.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
# The phantoms are regenerated every time (deterministic per seed, about a minute).
rm -rf "$work/train" "$work/validation"
mkdir -p "$work"
"$stratum" make-phantoms "$work/train" --count 32 --seed 1
"$stratum" make-phantoms "$work/validation" --count 4 --seed 33
"$stratum" train-segmenter \
  --images "$work/train/images" --labels "$work/train/labels" \
  --validation-images "$work/validation/images" --validation-labels "$work/validation/labels" \
  --output "$out" --label-names background,organ,kidney,vessel \
  --architecture unet --dimensions 3 --depth 3 --width 8 --norm batch \
  --patch 32,32,32 --inference-patch 96,96,96 --batch 2 \
  --epochs "${STRATUM_PHANTOM_EPOCHS:-28}" --iterations 50 --lr 0.005 --schedule poly --patience 0 \
  --foreground 0.67 --intensity window:0:800 --spacing 1.5,1.5,1.5 \
  --flip xy --rotate 10 --scale 0.1 --intensity-shift 0.05 --intensity-scale 0.1 --noise 0.02 \
  --threads "${STRATUM_THREADS:-1}" --seed 42 --dtype float16 \
  --checkpoint "${STRATUM_CHECKPOINT:-$root/build/phantom-organs-3d.checkpoint}" ${STRATUM_RESUME:+--resume} \
  --name phantom-organs-3d \
  --description "3D U-Net (depth 3, width 8, batch norm) segmenting the procedural phantoms of stratum make-phantoms (96^3 voxels of 1.5 mm): organ, kidney, vessel." \
  --disclaimer "Demonstration model trained on procedural phantoms only: not a clinical model, not a medical device; it says nothing about real scans."
