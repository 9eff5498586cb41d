#!/usr/bin/env bash
# Rebuild the shipped forecasters in exported/ from the IBM price file, reproducibly:
# the notebook's two level presets, and chapter 8's two scale-free ones (ohlc-gru, the
# default of `rnnlab forecast`; return-gru, the default of `rnnlab generate`), seed 0,
# trained on 2006-2016, tested on 2017. Then the model card, from the files' metadata.
#   bash scripts/build_exported.sh [path/to/IBM_2006-01-01_to_2018-01-01.csv [preset ...]]
# (default: all four presets; naming some rebuilds only those, and the card.)
#   bash scripts/build_exported.sh --graph-only
# keeps every shipped file's weights and card and writes them again with this version's
# graph (`rnnlab export FILE.onnx`): what a change to the exporter alone needs, where
# retraining on another CPU would move the weights in their last digits.
#   bash scripts/build_exported.sh --rescore [path/to/IBM...csv]
# keeps return-gru's weights, re-centres its head's bias on its training days (no learned
# drift: what training now does after the fit) and scores its card again (generation as a
# distribution); a minute, not a retraining (scripts/refit_head.py).
set -euo pipefail
cd "$(dirname "$0")/.."
shipped=(lstm gru ohlc-gru return-gru)
if [ "${1:-}" = "--graph-only" ]; then
  for name in "${shipped[@]}"; do
    file="exported/ibm-high-$name.onnx"
    rnnlab export "$file" -o "$file.new.onnx"
    mv "$file.new.onnx" "$file"
  done
elif [ "${1:-}" = "--rescore" ]; then
  csv=${2:-../shared/data/IBM_2006-01-01_to_2018-01-01.csv}
  file=exported/ibm-high-return-gru.onnx
  python scripts/refit_head.py "$file" "$csv" -o "$file.new.onnx"
  mv "$file.new.onnx" "$file"
else
  csv=${1:-../shared/data/IBM_2006-01-01_to_2018-01-01.csv}
  presets=("${@:2}")
  if [ ${#presets[@]} -eq 0 ]; then
    presets=(seed-lstm seed-gru ohlc-gru return-gru)
  fi
  mkdir -p runs/exported
  for preset in "${presets[@]}"; do
    rnnlab train --csv "$csv" --preset "$preset" --seeds 0 --device cpu --no-progress \
      --out "runs/exported/$preset.pt"
    rnnlab export "runs/exported/$preset.pt" -o "exported/ibm-high-${preset#seed-}.onnx"
  done
fi
python scripts/write_model_card.py exported/ibm-high-lstm.onnx exported/ibm-high-gru.onnx \
  exported/ibm-high-ohlc-gru.onnx exported/ibm-high-return-gru.onnx > exported/MODEL_CARD.md.tmp
mv exported/MODEL_CARD.md.tmp exported/MODEL_CARD.md
