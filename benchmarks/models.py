"""Prepare the models under test: the notebook's architectures, one set of weights each.

Each model carries the shipped forecaster's trained weights when its checkpoint is
here (``runs/exported/seed-{cell}.pt``, written by ``scripts/build_exported.sh``),
else the seed preset's freshly initialised network (seed 0). Trained weights matter
for generation: a fresh GRU's generated path decays to about 1e-38, where float
arithmetic turns subnormal and slow (43 ms instead of 34 ms for 251 steps). The same
weights go to the ONNX file (rnnlab), the checkpoint (PyTorch) and the card the
scripts read; the Keras peer, when installed, saves its own freshly built weights.
"""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks import keras_peer
from benchmarks.inputs import ModelFiles
from rnnlab.runtime.card import Architecture
from rnnlab.runtime.errors import RnnlabError
from rnnlab.runtime.model import load
from rnnlab.runtime.shipped import shipped_path
from rnnlab.training import checkpoint
from rnnlab.training.data import load_split
from rnnlab.training.export import export
from rnnlab.training.model import build
from rnnlab.training.presets import PRESETS
from rnnlab.training.run import make_card

SPLIT = "2017-01-01"
TRAINED = Path(__file__).resolve().parents[1] / "runs" / "exported"


def prepare(folder: Path, cell: str, csv: Path) -> ModelFiles:
    """Write ``cell``'s ONNX file, checkpoint and card JSON (and Keras weights) into ``folder``."""
    files = ModelFiles(folder, cell)
    name = f"seed-{cell}"
    recipe = PRESETS[name]
    trained = TRAINED / f"{name}.pt"
    if trained.is_file():
        model, card, _ = checkpoint.load(trained)
    else:
        card = make_card(load_split(str(csv), "High", (), SPLIT), recipe, name, 0)
        model = build(card.architecture, recipe.dropout, recipe.init, 0).eval()
    export(model, card, files.onnx)
    checkpoint.save(files.checkpoint, model, card, recipe.to_dict())
    files.card.write_text(json.dumps(card.to_dict()))
    if keras_peer.available():
        keras_peer.save_weights(cell, card.encoder.window, files.keras_weights)
    return files


def weights_note(cell: str, arch: Architecture) -> str:
    """Which weights the ``cell`` model carries, and whether the shipped file matches them."""
    trained = TRAINED / f"seed-{cell}.pt"
    if not trained.is_file():
        return (f"{cell}: freshly initialised seed-{cell} weights ({trained.name} not found; "
                "`bash scripts/build_exported.sh` writes it)")
    try:
        shipped = load(shipped_path(cell))
    except RnnlabError:
        return f"{cell}: trained weights from {trained.name}; the shipped {cell} model is missing"
    same = "same" if shipped.arch == arch else "DIFFERENT"
    return f"{cell}: the trained weights of {shipped.path.name} ({same} architecture)"
