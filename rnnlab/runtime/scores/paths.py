"""Scores for generated paths as distributions, beside generators that know nothing.

A generator hands out ``(paths, days)`` price paths; the real prices are ``(days,)``.
Each day is scored as a forecast distribution (numpy only, the runtime's side):

- ``crps``: the continuous ranked probability score of the day's sample, in price
  units (for one path it is the absolute error; lower is better);
- ``cover50``, ``cover90``: the share of days whose real price lies inside the
  central 50% / 90% band of the paths (a calibrated generator: 0.5 and 0.9);
- ``pinball``: the quantile (pinball) loss averaged over :data:`QUANTILES`;
- ``rmse``: of the median path, in price units.

The generating baselines read only the target's daily log returns of the history
(the training days): ``flat + naive fan`` resamples them centred on zero (a random
walk without drift: its median stays flat), ``drift walk`` resamples them as they
are (a random walk with the history's drift).
"""

from __future__ import annotations

import numpy as np

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
LEVELS = (0.5, 0.9)
PATHS = 200  # paths per generator when the caller has no sample count of its own
METRICS = ("crps", "cover50", "cover90", "pinball", "rmse")


def crps(paths: np.ndarray, actual: np.ndarray) -> np.ndarray:
    """Sample CRPS per day: ``paths (n, days)``, ``actual (days,)`` -> ``(days,)``.

    ``CRPS = E|X - y| - E|X - X'| / 2`` over the sample's empirical distribution; with
    the sample sorted, ``E|X - X'| = 2 / n^2 sum_i (2i - n - 1) x_(i)`` (i from 1).
    """
    x = np.sort(np.asarray(paths, dtype=np.float64), axis=0)
    n = len(x)
    spread_weights = 2 * np.arange(1, n + 1) - n - 1
    # E|X - X'| = 2 / n^2 sum_i (2i - n - 1) x_(i)
    spread = 2 * (spread_weights @ x) / n**2
    # CRPS = E|X - y| - E|X - X'| / 2
    return np.mean(np.abs(x - actual), axis=0) - spread / 2


def coverage(paths: np.ndarray, actual: np.ndarray, level: float) -> float:
    """Share of days whose ``actual`` lies in the central ``level`` band of ``paths``."""
    low, high = np.quantile(paths, [(1 - level) / 2, (1 + level) / 2], axis=0)
    return float(np.mean((actual >= low) & (actual <= high)))


def pinball(paths: np.ndarray, actual: np.ndarray,
            quantiles: tuple[float, ...] = QUANTILES) -> float:
    """Mean pinball loss over ``quantiles`` and days, in price units."""
    predicted = np.quantile(paths, quantiles, axis=0)  # (quantiles, days)
    q = np.asarray(quantiles)[:, None]
    error = actual - predicted
    # L_q(y, p) = max(q (y - p), (q - 1) (y - p))
    return float(np.mean(np.maximum(q * error, (q - 1) * error)))


def score_paths(paths: np.ndarray, actual: np.ndarray) -> dict[str, float]:
    """Every metric of :data:`METRICS` for ``paths (n, days)`` against ``actual (days,)``."""
    paths = np.asarray(paths, dtype=np.float64)[:, :len(actual)]
    median = np.median(paths, axis=0)
    return {"crps": float(np.mean(crps(paths, actual))),
            "cover50": coverage(paths, actual, LEVELS[0]),
            "cover90": coverage(paths, actual, LEVELS[1]),
            "pinball": pinball(paths, actual),
            "rmse": float(np.sqrt(np.mean((median - actual) ** 2)))}


def naive_paths(history: np.ndarray, days: int, paths: int = PATHS, seed: int = 0
                ) -> dict[str, np.ndarray]:
    """The generating baselines: ``history (days,)`` target prices -> name -> ``(paths, days)``.

    Both resample the history's daily log returns ``r_t = log(p_t / p_{t-1})`` with
    replacement and start from its last price: ``p_{T+k} = p_T exp(sum r)``.
    """
    returns = np.diff(np.log(np.asarray(history, dtype=np.float64)))
    draws = np.random.default_rng(seed).choice(returns, size=(paths, days))
    last = history[-1]
    return {"flat + naive fan": last * np.exp(np.cumsum(draws - returns.mean(), axis=1)),
            "drift walk": last * np.exp(np.cumsum(draws, axis=1))}


def compare_paths(actual: np.ndarray, generated: dict[str, np.ndarray], history: np.ndarray,
                  seed: int = 0, paths: int = PATHS, scored: np.ndarray | None = None
                  ) -> dict[str, dict[str, float]]:
    """Scores of each named generator and of both baselines on the same ``actual`` days.

    Args:
        actual: ``(days,)`` the real prices after the history.
        generated: name -> ``(n, >= days)`` paths (n = 1 for a deterministic path).
        history: ``(h,)`` the target's prices before the first day (the baselines'
            returns, their last one the start of every path).
        scored: ``(days,)`` bool, the days to score (a filled target is never an actual),
            or None for every day.
    """
    keep = np.ones(len(actual), dtype=bool) if scored is None else np.asarray(scored, bool)
    everyone = {**generated, **naive_paths(history, len(actual), paths, seed)}
    return {name: score_paths(np.asarray(values)[:, :len(actual)][:, keep], actual[keep])
            for name, values in everyone.items()}


def format_paths_table(table: dict[str, dict[str, float]], title: str = "") -> str:
    """A plain-text table: one row per generator, columns CRPS, cover 50%/90%, pinball,
    median-path RMSE."""
    width = max(len(name) for name in table) + 2
    lines = [title] if title else []
    lines.append(f"{'':{width}}{'CRPS':>9}{'in 50%':>9}{'in 90%':>9}{'pinball':>9}"
                 f"{'RMSE':>9}")
    for name, row in table.items():
        lines.append(f"{name:{width}}{row['crps']:9.3f}{row['cover50']:9.0%}"
                     f"{row['cover90']:9.0%}{row['pinball']:9.3f}{row['rmse']:9.3f}")
    return "\n".join(lines)
