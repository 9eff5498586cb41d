"""Prepare the models under test: the notebook's architectures, one set of weights each.

Speed does not depend on trained weights, so each model is the seed presets'
freshly initialised network (seed 0). The same weights go to the ONNX file
(rnnlab), the checkpoint (PyTorch) and the card the scripts read; the Keras
peer, when installed, saves its own freshly built weights beside them.
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


def prepare(folder: Path, cell: str, csv: Path) -> ModelFiles:
    """Write ``cell``'s ONNX file, checkpoint and card JSON (and Keras weights) into ``folder``."""
    files = ModelFiles(folder, cell)
    name = f"seed-{cell}"
    recipe = PRESETS[name]
    card = make_card(load_split(str(csv), "High", (), SPLIT), recipe, name, 0)
    model = build(card.architecture, recipe.dropout, recipe.init, 0).eval()
    export(model, card, files.onnx)
    checkpoint.save(files.checkpoint, model, card, recipe.to_dict())
    files.card.write_text(json.dumps(card.to_dict()))
    if keras_peer.available():
        keras_peer.save_weights(cell, card.encoder.window, files.keras_weights)
    return files


def shipped_note(cell: str, arch: Architecture) -> str:
    """Whether the shipped model of ``cell`` exists and has the benchmarked architecture."""
    try:
        shipped = load(shipped_path(cell))
    except RnnlabError:
        return f"shipped {cell} model not found; benchmarked a freshly exported one"
    same = "same" if shipped.arch == arch else "DIFFERENT"
    return f"{shipped.path.name}: {same} architecture as the benchmarked model"
