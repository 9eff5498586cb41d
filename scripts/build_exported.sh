#!/usr/bin/env bash
# Rebuild the shipped forecasters in exported/ from the IBM price file, reproducibly:
# the notebook's two presets and chapter 8's ohlc-gru, seed 0, trained on 2006-2016 High,
# tested on 2017.
#   bash scripts/build_exported.sh [path/to/IBM_2006-01-01_to_2018-01-01.csv]
set -euo pipefail
cd "$(dirname "$0")/.."
csv=${1:-../shared/data/IBM_2006-01-01_to_2018-01-01.csv}
mkdir -p runs/exported
for preset in seed-lstm seed-gru ohlc-gru; do
  rnnlab train --csv "$csv" --preset "$preset" --seeds 0 --device cpu --no-progress \
    --out "runs/exported/$preset.pt"
  rnnlab export "runs/exported/$preset.pt" -o "exported/ibm-high-${preset#seed-}.onnx"
done
python scripts/write_model_card.py exported/ibm-high-lstm.onnx exported/ibm-high-gru.onnx \
  exported/ibm-high-ohlc-gru.onnx > exported/MODEL_CARD.md.tmp
mv exported/MODEL_CARD.md.tmp exported/MODEL_CARD.md
