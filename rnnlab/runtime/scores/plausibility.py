"""Honest one-line warnings when a result should not be trusted as it stands.

- inputs outside the range the model's scaler saw in training (a level model cannot
  forecast beyond the prices it was trained on);
- generated paths that leave the range a price can take (zero, negative, infinite).
"""

from __future__ import annotations

import numpy as np

from rnnlab.runtime.errors import warn
from rnnlab.runtime.preprocessing import Encoder


def warn_beyond_training(encoder: Encoder, raw: np.ndarray, source: str) -> None:
    """One warning per column of ``raw (days, F)`` outside the scaler's training range."""
    for phrase in encoder.beyond_training(raw):
        extra = ("; a level model cannot forecast beyond the prices it was trained on"
                 if encoder.transform == "level" else "")
        warn(f"{source}: {phrase}{extra}")


def warn_implausible(values: np.ndarray, dates: np.ndarray) -> None:
    """Warn when generated ``values (paths, steps)`` leave the range a price can take."""
    bad = ~np.isfinite(values) | (values <= 0)
    if not bad.any():
        return
    path, step = np.argwhere(bad)[0]
    warn(f"{int(bad.any(axis=1).sum())} of {len(values)} generated path(s) leave the range a "
         f"price can take (first: {values[path, step]:.2f} on {dates[step]}); the model has "
         "run away from anything it was trained on: do not use those paths")

