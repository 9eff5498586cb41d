"""Training speed (f): rnnlab's ``fit`` on the seed presets, against Keras' ``model.fit``.

The full run trains every preset for its 50 epochs on the IBM training days
(PyTorch CPU, and CUDA when a GPU is visible); the quick run trains one epoch on
a handful of windows, which proves the code path but compares with nothing.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import torch

from benchmarks import keras_peer
from benchmarks.models import SPLIT
from benchmarks.rows import Row
from benchmarks.settings import Settings
from benchmarks.targets import KERAS, PER_EPOCH, WHOLE_RUN, keras_reference, target
from rnnlab.runtime.card import Architecture
from rnnlab.training.data import load_split
from rnnlab.training.fit import fit
from rnnlab.training.model import build
from rnnlab.training.presets import PRESETS
from rnnlab.training.run import make_card

GROUP = "training"
CUDA = " (CUDA)"


def pairs(cell: str, csv: Path, settings: Settings) -> tuple[Architecture, np.ndarray, np.ndarray]:
    """The seed preset's architecture and training pairs (cut short in quick mode)."""
    name = f"seed-{cell}"
    split = load_split(str(csv), "High", (), SPLIT)
    card = make_card(split, PRESETS[name], name, 0)
    x, y = card.encoder.supervised(split.train)
    return card.architecture, x[:settings.train_windows], y[:settings.train_windows]


def fit_seconds(cell: str, arch: Architecture, x: np.ndarray, y: np.ndarray, epochs: int,
                device: str) -> float:
    """Wall seconds of rnnlab's ``fit`` for ``epochs`` of the seed preset on ``device``."""
    recipe = PRESETS[f"seed-{cell}"].with_overrides(epochs=epochs)
    model = build(arch, recipe.dropout, recipe.init, 0)
    start = time.perf_counter()
    fit(model, x, y, recipe, 0, torch.device(device), progress=False)
    return time.perf_counter() - start


def cpu_seconds(cell: str, arch: Architecture, x: np.ndarray, y: np.ndarray,
                settings: Settings) -> float:
    """:func:`fit_seconds` on the CPU with ``settings.train_threads`` PyTorch threads."""
    before = torch.get_num_threads()
    torch.set_num_threads(settings.train_threads)
    try:
        return fit_seconds(cell, arch, x, y, settings.epochs, "cpu")
    finally:
        torch.set_num_threads(before)


def row(case: str, cell: str, ours: float | None, theirs: float | None, peer: str,
              settings: Settings, note: str) -> Row:
    """A row of seconds; targets and references only where the run is the real recipe."""
    full = not settings.quick
    live = theirs is not None
    return Row(GROUP, case, cell, peer, "s", ours, theirs,
               theirs / ours if live and ours else None,
               target(case, peer, cell) if full and peer == KERAS else None,
               keras_reference(case, cell) if full and peer == KERAS and not live else None,
               note)


def rows(cell: str, csv: Path, settings: Settings) -> list[Row]:
    """Per-epoch and whole-run seconds on CPU (beside Keras) and on CUDA when available."""
    arch, x, y = pairs(cell, csv, settings)
    epochs = settings.epochs
    shape = f"{epochs} epoch(s) on {len(x)} windows"
    cpu = cpu_seconds(cell, arch, x, y, settings)
    keras = keras_peer.train_seconds(cell, x, y, epochs) if keras_peer.available() else None
    note = (f"{shape}; rnnlab fit on PyTorch CPU, {settings.train_threads} thread(s)"
            + ("" if keras is not None else f"; Keras not installed ({keras_peer.INSTALL})")
            + ("; quick mode: not comparable" if settings.quick else ""))
    cuda = fit_seconds(cell, arch, x, y, epochs, "cuda") if torch.cuda.is_available() else None
    cuda_note = shape if cuda is not None else "no CUDA device visible"
    return [
        row(PER_EPOCH, cell, per_epoch(cpu, epochs), per_epoch(keras, epochs), KERAS, settings,
            note),
        row(WHOLE_RUN, cell, cpu, keras, KERAS, settings, note),
        row(PER_EPOCH + CUDA, cell, per_epoch(cuda, epochs), None, "-", settings, cuda_note),
        row(WHOLE_RUN + CUDA, cell, cuda, None, "-", settings, cuda_note),
    ]


def per_epoch(seconds: float | None, epochs: int) -> float | None:
    """``seconds / epochs``, or None when not measured."""
    return None if seconds is None else seconds / epochs
