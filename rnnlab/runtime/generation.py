"""Autoregressive generation as a plain Python loop over a one-step predictor.

The exported ONNX graph runs this loop inside one ``session.run``; this version
is the reference it is tested against, and what training-side evaluation uses.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def windowed_loop(
    predict: Callable[[np.ndarray], np.ndarray], window: np.ndarray, steps: int,
    noise: np.ndarray | None = None,
) -> np.ndarray:
    """Slide the window: predict, drop the oldest value, append the prediction.

    Every step re-runs the whole window from a zero state, as the model was trained.

    Args:
        predict: ``(batch, window, 1)`` -> ``(batch,)`` scaled next values.
        window: ``(batch, window, 1)`` scaled history.
        noise: ``(steps, batch)`` added to step k's prediction before it is fed back
            (as the exported graph's ``noise`` input), or None for none.
    Returns:
        ``(batch, steps)`` scaled generated values.
    """
    window = np.array(window, dtype=np.float32)
    out = np.empty((window.shape[0], steps), dtype=np.float32)
    for step in range(steps):
        out[:, step] = predict(window) + (0.0 if noise is None else noise[step])
        window = np.concatenate([window[:, 1:], out[:, step, None, None]], axis=1)
    return out
