"""rnnlab's side: the exported ONNX graph through :mod:`rnnlab.runtime` (no PyTorch)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from benchmarks.inputs import ModelFiles, Workload
from rnnlab.runtime.model import load


def scenarios(files: ModelFiles, work: Workload,
              threads: int = 1) -> dict[str, Callable[[], np.ndarray]]:
    """Every scenario as a zero-argument call on one loaded model (``threads`` intra-op)."""
    model = load(files.onnx, threads=threads)
    return {
        "batch": lambda: model.predict(work.windows),
        "single": lambda: model.predict(work.windows[:1]),
        "windowed": lambda: model.generate_scaled(work.start, work.steps, "windowed"),
        "stateful": lambda: model.generate_scaled(work.start, work.steps, "stateful"),
    }
