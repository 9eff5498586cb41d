"""Scenarios (a)-(d): rnnlab's runtime against PyTorch eager and Keras, model by model."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from benchmarks import keras_peer, runtime_peer, torch_peer
from benchmarks.inputs import SCENARIOS, ModelFiles, Workload
from benchmarks.rows import Row
from benchmarks.settings import RUNTIME_THREADS, Settings
from benchmarks.targets import KERAS, TORCH, keras_reference, target
from benchmarks.timing import compare

GROUP = "inference"
GENERATION = ("windowed", "stateful")
THREADS2 = f"{SCENARIOS['batch']} (rnnlab threads=2)"


def timed_row(case: str, model: str, peer: str, ours: Callable[[], np.ndarray],
              theirs: Callable[[], np.ndarray], settings: Settings, check: bool,
              note: str = "") -> Row:
    """Interleave ``ours`` and ``theirs``; with ``check``, note how far their outputs differ."""
    if check:
        note += f"outputs agree to {np.abs(ours() - theirs()).max():.1e}; "
    result = compare(ours, theirs, settings)
    return Row(GROUP, case, model, peer, "ms", result.ours * 1e3, result.theirs * 1e3,
               result.ratio, target(case, peer, model), note=f"{note}{result.pairs} pairs")


def rows(files: ModelFiles, work: Workload, settings: Settings) -> list[Row]:
    """Every scenario against PyTorch eager, and against Keras where the notebook has it."""
    model = files.cell
    ours = runtime_peer.scenarios(files, work, RUNTIME_THREADS)
    torch_calls = torch_peer.scenarios(files, work)
    keras_calls = keras_peer.scenarios(files, work) if keras_peer.available() else None
    found = []
    for key, case in SCENARIOS.items():
        short = f"quick: {work.steps} steps only; " if settings.steps and key in GENERATION else ""
        versus_torch = timed_row(case, model, TORCH, ours[key], torch_calls[key], settings, True,
                                 short)
        found.append(versus_torch)
        if key not in keras_peer.OFFERED:
            continue
        if keras_calls is None:
            found.append(Row(GROUP, case, model, KERAS, "ms", versus_torch.ours,
                             target=target(case, KERAS, model),
                             reference=None if short else keras_reference(case, model),
                             note=f"not installed ({keras_peer.INSTALL})"))
        else:
            found.append(timed_row(case, model, KERAS, ours[key], keras_calls[key], settings,
                                   False, short))
    two = runtime_peer.scenarios(files, work, threads=2)["batch"]
    found.append(timed_row(THREADS2, model, TORCH, two, torch_calls["batch"], settings, True))
    return found
