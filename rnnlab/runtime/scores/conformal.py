"""Split-conformal intervals for one-step forecasts (numpy only).

The model forecasts each of the last ``CALIBRATION_DAYS`` days before the first forecast
day from the true days before it (for a model's default range these are its last
training days, which its early stopping held out of the fit; never a test day). The
absolute errors ``|r_i|`` of those forecasts, in scaled units, give the interval's
half-width

    q = the ceil((n + 1) level)-th smallest of |r_1| .. |r_n|,

so that a new day whose error is exchangeable with theirs falls inside
``forecast +- q`` (scaled) with probability at least ``level``. Decoded to prices the
interval is ``[decode(s - q), decode(s + q)]``: every transform's decoding increases
with the scaled value, so the bounds stay in order.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from rnnlab.runtime.errors import ArgumentError, RnnlabError
from rnnlab.runtime.preprocessing import Encoder

CALIBRATION_DAYS = 250
MIN_CALIBRATION = 20


def half_width(residuals: np.ndarray, level: float) -> float:
    """``q``: the ``ceil((n + 1) level)``-th smallest ``|r|`` of ``residuals (n,)``."""
    n = len(residuals)
    rank = int(np.ceil((n + 1) * level))
    if rank > n:
        raise RnnlabError(f"a {level:.0%} conformal interval needs at least "
                          f"{int(np.ceil(level / (1 - level)))} calibration days, got {n}")
    return float(np.sort(np.abs(residuals))[rank - 1])


def calibrate(encoder: Encoder, predict: Callable[[np.ndarray], np.ndarray], raw: np.ndarray,
              first: int, unscored: np.ndarray, level: float) -> float:
    """``q`` from the one-step errors on the calibration days before raw day ``first``.

    Args:
        predict: scaled windows ``(n, window, features)`` -> ``(n,)`` scaled forecasts.
        raw: ``(days, features)`` prices; only the rows before ``first`` are read.
        unscored: ``(days,)`` bool, days whose target was filled: not calibrated on.
        level: the interval's nominal coverage, between 0 and 1.
    """
    if not 0 < level < 1:
        raise ArgumentError("interval", level, "must be between 0 and 1 (e.g. 0.9)")
    start = max(encoder.history_days, first - CALIBRATION_DAYS)
    if first - start < MIN_CALIBRATION:
        raise RnnlabError(f"--interval: needs {MIN_CALIBRATION} calibration days before the "
                          f"first forecast day after {encoder.history_days} days of history, "
                          f"the file has {max(0, first - encoder.history_days)}; start later")
    windows = encoder.one_step_windows(raw[:first], start)[:-1]
    truth = encoder.encode(raw[start - encoder.offset:first])[:, 0]
    keep = ~np.asarray(unscored[start:first], dtype=bool)
    return half_width((truth - predict(windows))[keep], level)
