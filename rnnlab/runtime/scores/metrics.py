"""Accuracy in price units, always beside the naive baselines on the same days.

- persistence: tomorrow = today (the true previous day's price);
- flat: every day = the last price known before the period started.

The baselines that read a model's inputs (linear, close-anchored) are in
:mod:`rnnlab.runtime.scores.baselines`.
"""

from __future__ import annotations

import numpy as np

BASELINES = ("linear", "close-anchored", "persistence", "flat")


def scores(actual: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    """RMSE, MAE (price units) and MAPE (percent) of ``predicted`` against ``actual``."""
    error = np.asarray(predicted, dtype=np.float64) - actual
    return {
        # RMSE = sqrt(mean(e^2))
        "rmse": float(np.sqrt(np.mean(error**2))),
        # MAE = mean(|e|)
        "mae": float(np.mean(np.abs(error))),
        # MAPE = 100 mean(|e| / |y|)
        "mape": float(100 * np.mean(np.abs(error) / np.abs(actual))),
    }


def compare(
    actual: np.ndarray, predictions: dict[str, np.ndarray], previous: np.ndarray, last_known: float
) -> dict[str, dict[str, float]]:
    """Scores of each named prediction and of both baselines on the same days.

    Args:
        actual: ``(days,)`` true prices.
        predictions: name -> ``(days,)`` forecasts.
        previous: ``(days,)`` the true price the day before each day (persistence).
        last_known: the last price before the first day (flat).
    """
    table = {name: scores(actual, values) for name, values in predictions.items()}
    table["persistence"] = scores(actual, previous)
    table["flat"] = scores(actual, np.full_like(actual, last_known, dtype=np.float64))
    return table


def format_table(table: dict[str, dict[str, float]], title: str = "") -> str:
    """A plain-text table: one row per forecaster, columns RMSE, MAE, MAPE%."""
    width = max(len(name) for name in table) + 2
    lines = [title] if title else []
    lines.append(f"{'':{width}}{'RMSE':>10}{'MAE':>10}{'MAPE%':>10}")
    for name, row in table.items():
        cells = "".join(_cell(row.get(k), row.get(k + "_sd")) for k in ("rmse", "mae", "mape"))
        lines.append(f"{name:{width}}{cells}")
    return "\n".join(lines)


def _cell(value: float | None, spread: float | None) -> str:
    if value is None:
        return f"{'-':>10}"
    return f"{value:10.3f}" if spread is None else f"{f'{value:.3f}±{spread:.3f}':>16}"
