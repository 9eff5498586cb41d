"""The PyTorch eager peer: the same weights as a :class:`Forecaster`, in ``inference_mode``.

Windowed generation re-runs the whole window each step through rnnlab's Python
reference loop; stateful generation carries every layer's ``(h, c)`` (or ``h``)
across single-step calls, as the ONNX graph's stateful loop does.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from benchmarks.inputs import ModelFiles, Workload
from rnnlab.runtime.generation import windowed_loop
from rnnlab.training import checkpoint
from rnnlab.training.model import Forecaster


def predictor(model: Forecaster) -> Callable[[np.ndarray], np.ndarray]:
    """``(batch, window, 1)`` numpy -> ``(batch,)`` numpy, without autograd."""

    def predict(windows: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            return model(torch.from_numpy(windows)).numpy()

    return predict


def stateful_generate(model: Forecaster, start: np.ndarray, steps: int) -> np.ndarray:
    """Run ``start`` once from zero state, then feed each prediction back one step at a time."""
    out = np.empty((len(start), steps), dtype=np.float32)
    states: list = [None] * len(model.layers)
    with torch.inference_mode():
        x = torch.from_numpy(start)
        for step in range(steps):
            for i, layer in enumerate(model.layers):
                x, states[i] = layer(x, states[i])
            y = model.head(x[:, -1])
            out[:, step] = y[:, 0].numpy()
            x = y[:, None, :]
    return out


def scenarios(files: ModelFiles, work: Workload) -> dict[str, Callable[[], np.ndarray]]:
    """Every scenario as a zero-argument call on the checkpoint's model in eval mode."""
    model = checkpoint.load(files.checkpoint)[0]
    predict = predictor(model)
    return {
        "batch": lambda: predict(work.windows),
        "single": lambda: predict(work.windows[:1]),
        "windowed": lambda: windowed_loop(predict, work.start, work.steps),
        "stateful": lambda: stateful_generate(model, work.start, work.steps),
    }
