"""Baselines that read what a model reads, fit on the days before the first forecast.

Every score rnnlab prints stands beside these, on the same days (numpy only, so the
runtime fits them too, on the rows of a CSV before its first forecast day):

- ``linear``: ridge regression on exactly the model's input window (same columns,
  transform, scaling and window length), predicting the same scaled next value.
  Its penalty is chosen on the most recent ``HOLDOUT`` of the training windows,
  then it is refit on all of them. "Model / linear" is what recurrence adds.
- ``close-anchored``: where Close is an input beside another target (the High),
  tomorrow's target is today's Close times the training days' mean ratio,
  ``Close_t exp(mean_s log(target_{s+1} / Close_s))``.

Persistence and flat are in :mod:`rnnlab.runtime.scores.metrics`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnnlab.runtime.preprocessing import Encoder
from rnnlab.runtime.scores.metrics import compare

HOLDOUT = 0.2
# Fewer training windows than this before the first forecast day: no linear baseline.
MIN_PAIRS = 10
# Penalties relative to the mean eigenvalue of X^T X (trace / columns): scale-free.
PENALTIES = (0.0, 1e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0)


@dataclass(frozen=True)
class Ridge:
    """A fitted linear map ``(n, d) -> (n,)``: ``x @ weights + bias``.

    ``penalty`` is the chosen factor from :data:`PENALTIES`.
    """

    weights: np.ndarray
    bias: float
    penalty: float

    def predict(self, x: np.ndarray) -> np.ndarray:
        """``(n, d)`` -> ``(n,)``."""
        return np.asarray(x, dtype=np.float64) @ self.weights + self.bias


def ridge(x: np.ndarray, y: np.ndarray, penalty: float) -> Ridge:
    """Least squares with an unpenalised intercept: ``x (n, d)``, ``y (n,)``.

    With centred ``X`` and ``y`` and ``lam = penalty * trace(X^T X) / d``:
    ``w = (X^T X + lam I)^-1 X^T y`` and ``b = mean(y) - mean(x) . w``.
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    x_mean, y_mean = x.mean(axis=0), y.mean()
    xc, yc = x - x_mean, y - y_mean
    gram = xc.T @ xc
    lam = penalty * np.trace(gram) / len(gram)
    # lstsq, not solve: with penalty 0 the columns may be collinear (e.g. Open = Close).
    weights = np.linalg.lstsq(gram + lam * np.eye(len(gram)), xc.T @ yc, rcond=None)[0]
    return Ridge(weights, float(y_mean - x_mean @ weights), penalty)


def fit_ridge(x: np.ndarray, y: np.ndarray) -> Ridge:
    """Ridge with the penalty from :data:`PENALTIES` that scores best on the last
    ``HOLDOUT`` of the rows (the most recent days), refit on every row."""
    held = max(1, int(len(x) * HOLDOUT))
    fit_x, fit_y, val_x, val_y = x[:-held], y[:-held], x[-held:], y[-held:]
    errors = [np.mean((ridge(fit_x, fit_y, p).predict(val_x) - val_y) ** 2) for p in PENALTIES]
    return ridge(x, y, PENALTIES[int(np.argmin(errors))])


def fit_linear(encoder: Encoder, train: np.ndarray) -> Ridge:
    """The linear baseline on the model's own inputs, fit on raw training rows
    ``train (days, features)``: windows flattened to ``window * features`` columns."""
    x, y = encoder.supervised(train)
    return fit_ridge(x.reshape(len(x), -1), y)


def linear_forecasts(encoder: Encoder, raw: np.ndarray, first: int) -> np.ndarray:
    """One-step linear forecasts of the target for raw days ``first .. days``.

    Fit on ``raw[:first]`` only; each forecast reads the window that ends the day
    before it. Returns ``(days - first + 1,)`` prices, the last one for the day
    after ``raw`` ends (like :meth:`Encoder.one_step_windows`).
    """
    model = fit_linear(encoder, raw[:first])
    windows = encoder.one_step_windows(raw, first)
    scaled = model.predict(windows.reshape(len(windows), -1))
    return encoder.next_levels(scaled, raw[first - 1:, 0])


def close_anchored_forecasts(close: np.ndarray, target: np.ndarray, first: int) -> np.ndarray:
    """``Close_t exp(mean_s log(target_{s+1} / Close_s))`` for days ``first .. days``.

    The mean runs over consecutive training days ``s + 1 < first``. Returns
    ``(days - first + 1,)``, the last one for the day after the data ends.
    """
    # g = mean over training days of log(target_{s+1} / Close_s)
    gap = np.mean(np.log(target[1:first] / close[:first - 1]))
    return close[first - 1:] * np.exp(gap)


def baseline_forecasts(encoder: Encoder, raw: np.ndarray, first: int) -> dict[str, np.ndarray]:
    """Every input-reading baseline that applies to ``encoder``'s inputs, by name.

    ``raw (days, features)`` holds the encoder's columns; the baselines are fit on
    ``raw[:first]`` (the linear one only with at least ``MIN_PAIRS`` training windows).
    Each value is ``(days - first + 1,)`` prices (the last one is the day after ``raw``
    ends).
    """
    forecasts = {}
    if first - encoder.history_days >= MIN_PAIRS:
        forecasts["linear"] = linear_forecasts(encoder, raw, first)
    columns = encoder.columns
    if "Close" in columns[1:] and first >= 2:
        forecasts["close-anchored"] = close_anchored_forecasts(
            raw[:, columns.index("Close")], raw[:, 0], first)
    return forecasts


def score_one_step(encoder: Encoder, raw: np.ndarray, first: int,
                   predictions: dict[str, np.ndarray], scored: np.ndarray | None = None
                   ) -> dict[str, dict[str, float]]:
    """Scores of ``predictions`` for raw days ``first ..`` beside every baseline.

    Args:
        raw: ``(days, features)``, ending on the last scored day.
        predictions: name -> ``(days - first,)`` forecasts.
        scored: ``(days - first,)`` bool, the days to score (a filled target is an input
            only, never an actual), or None for every day.
    Returns:
        name -> RMSE/MAE/MAPE for the predictions, linear, close-anchored (where it
        applies), persistence and flat, all on the same days.
    """
    target = raw[:, 0]
    keep = slice(None) if scored is None else np.asarray(scored, dtype=bool)
    forecasts = {**predictions, **{name: values[:-1] for name, values
                                   in baseline_forecasts(encoder, raw, first).items()}}
    return compare(target[first:][keep], {name: values[keep] for name, values in forecasts.items()},
                   target[first - 1:-1][keep], target[first - 1])


def one_step_baselines(encoder: Encoder, raw: np.ndarray, first: int) -> dict[str, np.ndarray]:
    """Every baseline's forecast of raw days ``first ..``, ``(days - first,)`` prices each:
    the input-reading ones (:func:`baseline_forecasts`), persistence (the day before) and
    flat (the last day before ``first``): the forecasts :func:`score_one_step` scores, day
    by day (a backtest keeps them for its significance tests)."""
    target = raw[:, 0]
    forecasts = {name: values[:-1] for name, values in
                 baseline_forecasts(encoder, raw, first).items()}
    forecasts["persistence"] = target[first - 1:-1]
    forecasts["flat"] = np.full(len(target) - first, target[first - 1])
    return forecasts
