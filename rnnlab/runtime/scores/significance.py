"""How sure a ratio of RMSEs is: a moving-block bootstrap interval and a Diebold-Mariano
test (numpy and the standard library only).

Both read per-day squared errors of two forecasters on the same days, ``model (n,)`` and
``base (n,)`` (a model trained with several seeds: the mean over seeds of its squared
error each day). Days next to each other are not independent (volatility clusters), so:

- the bootstrap resamples blocks of ``block`` consecutive days (default ``n^(1/3)``
  rounded up), with replacement, and reads the 2.5% and 97.5% quantiles of the ratio
  ``sqrt(mean(model) / mean(base))`` over ``REPLICATES`` resamples;
- the Diebold-Mariano statistic for horizon 1 divides the mean loss differential
  ``d = model - base`` by its standard error from a Newey-West (Bartlett kernel) HAC
  variance with ``lags`` (default ``n^(1/3)`` rounded down); it is compared with a
  standard normal, two-sided. Negative: the model's squared errors are smaller.
"""

from __future__ import annotations

import math

import numpy as np

REPLICATES = 2000
LEVEL = 0.95


def rmse_ratio(model: np.ndarray, base: np.ndarray) -> float:
    """``sqrt(mean(model) / mean(base))`` of squared errors ``(n,)``: the RMSE ratio."""
    return float(np.sqrt(np.mean(model) / np.mean(base)))


def block_bootstrap(model: np.ndarray, base: np.ndarray, block: int | None = None,
                    replicates: int = REPLICATES, seed: int = 0) -> tuple[float, float]:
    """The 95% moving-block bootstrap interval of :func:`rmse_ratio` (paired days)."""
    n = len(model)
    block = block or math.ceil(n ** (1 / 3))
    starts = np.random.default_rng(seed).integers(0, n - block + 1,
                                                  size=(replicates, math.ceil(n / block)))
    # each resample: blocks of consecutive days, cut to n days
    days = (starts[:, :, None] + np.arange(block)).reshape(replicates, -1)[:, :n]
    ratios = np.sqrt(model[days].mean(axis=1) / base[days].mean(axis=1))
    low, high = np.quantile(ratios, [(1 - LEVEL) / 2, (1 + LEVEL) / 2])
    return float(low), float(high)


def newey_west(d: np.ndarray, lags: int) -> float:
    """HAC long-run variance of ``d (n,)``: ``g_0 + 2 sum_k (1 - k / (lags + 1)) g_k``,
    ``g_k = sum_t (d_t - mean)(d_{t-k} - mean) / n``."""
    centred = d - d.mean()
    n = len(d)
    variance = centred @ centred / n
    for k in range(1, lags + 1):
        variance += 2 * (1 - k / (lags + 1)) * (centred[k:] @ centred[:-k]) / n
    return float(variance)


def diebold_mariano(model: np.ndarray, base: np.ndarray, lags: int | None = None
                    ) -> tuple[float, float]:
    """``(statistic, two-sided p)`` for equal mean squared error, horizon 1."""
    d = np.asarray(model, dtype=np.float64) - base
    n = len(d)
    lags = math.floor(n ** (1 / 3)) if lags is None else lags
    variance = newey_west(d, lags)
    if variance <= 0:  # identical losses every day: nothing tells them apart
        return 0.0, 1.0
    # DM = mean(d) / sqrt(HAC variance / n)
    statistic = float(d.mean() / math.sqrt(variance / n))
    # p = 2 (1 - Phi(|DM|)) = erfc(|DM| / sqrt(2))
    return statistic, math.erfc(abs(statistic) / math.sqrt(2))


def compare_losses(model: np.ndarray, base: np.ndarray, seed: int = 0) -> dict[str, float]:
    """Ratio, its 95% block-bootstrap interval and the DM test, as one JSON-ready row."""
    model, base = np.asarray(model, dtype=np.float64), np.asarray(base, dtype=np.float64)
    low, high = block_bootstrap(model, base, seed=seed)
    statistic, p = diebold_mariano(model, base)
    return {"ratio": rmse_ratio(model, base), "low": low, "high": high, "dm": statistic,
            "p": p, "days": int(len(model))}
