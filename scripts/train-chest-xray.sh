#!/usr/bin/env bash
# Reproduces the shipped chest X-ray model (models/chest-xray-pneumonia) with one command:
#   bash scripts/train-chest-xray.sh [OUTPUT] [STRATUM]
# OUTPUT: package folder to create (default models/chest-xray-pneumonia; must not exist
# or be empty). STRATUM: the stratum binary (default build/release/bin/stratum).
# Data: ../shared/data/chest_xray_224/train (Kermany et al. 2018, CC BY 4.0).
# Same seed, same settings: the same split and training; weights may differ in the
# last bits between machines and thread counts.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$(realpath -m "${1:-$root/models/chest-xray-pneumonia}")"
stratum="$(realpath -m "${2:-$root/build/release/bin/stratum}")"
cd "$root"  # the manifest records the data folder relative to the project
data="${STRATUM_CHEST_XRAY_DATA:-../shared/data/chest_xray_224/train}"
[ -d "$data" ] || { echo "training data not found: $data" >&2; exit 1; }
# libgomp's threads spin while waiting; on a shared machine that burns the other core.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
"$stratum" train-classifier --data "$data" --output "$out" \
  --labels NORMAL,PNEUMONIA --positive PNEUMONIA \
  --architecture resnet --width 16 --blocks 2,2,2,2 --input-size 128 --median-radius 1 \
  --modalities CR,DX --dtype float16 \
  --epochs 10 --batch 32 --optimizer adam --lr 2e-3 --lr-decay 0.8 --weight-decay 1e-4 \
  --patience 4 --balance weights --validation 0.15 --seed 42 --flip \
  --checkpoint "${STRATUM_CHECKPOINT:-$root/build/chest-xray-pneumonia.checkpoint}" ${STRATUM_RESUME:+--resume} \
  --name chest-xray-pneumonia --version 1.0.0 \
  --description "Pneumonia vs normal on paediatric chest radiographs (AP). Narrow ResNet-18-style network (width 16) trained from scratch on 128x128 inputs." \
  --intended-use "Research and demonstration of Stratum's classification and Grad-CAM tools on paediatric chest X-rays like those of the Kermany et al. (2018) data set. Not for clinical use." \
  --license "CC-BY-4.0 (trained on data under CC BY 4.0: Kermany, Zhang, Goldbaum 2018, doi:10.17632/rscbjbr9sj.2)" \
  --authors "Stratum contributors"
