#!/usr/bin/env bash
# Build the shipped character model exported/shakespeare-lstm.onnx and its card
# exported/shakespeare-lstm.md from tinyshakespeare (first 90% trains, last 10% validates):
#   bash scripts/build_shakespeare.sh                          # train (hours on a CPU), export
#   bash scripts/build_shakespeare.sh --export-only CHECKPOINT # export a finished checkpoint
# --export-only takes a checkpoint of the same recipe (e.g. one written by `train_chars` with
# checkpoint=...), scores it on the validation part beside the n-grams for the card, and
# records the equivalent training command.
set -euo pipefail
cd "$(dirname "$0")/.."
text=../shared/data/tinyshakespeare.txt
if [ "${1:-}" = "--export-only" ]; then
  checkpoint=${2:?give the checkpoint to export, e.g. runs/shakespeare.pt}
  rescore=(--text "$text")
else
  checkpoint=runs/shakespeare.pt
  rnnlab train --text "$text" --preset shakespeare --precision bf16 --seed 0 \
    --out "$checkpoint"
  rescore=()
fi
rnnlab export "$checkpoint" "${rescore[@]}" -o exported/shakespeare-lstm.onnx
python scripts/write_text_card.py exported/shakespeare-lstm.onnx > exported/shakespeare-lstm.md.tmp
mv exported/shakespeare-lstm.md.tmp exported/shakespeare-lstm.md
