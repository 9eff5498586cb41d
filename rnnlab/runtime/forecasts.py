"""What a runtime model returns: one-step forecasts and generated paths.

Prices are in the units of the price file (e.g. USD); dates are ``datetime64[D]``.
``table()`` is what the CLI's ``--out`` writes and ``to_frame()`` returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from rnnlab.runtime.prices.frames import date_frame

BAND = (0.05, 0.95)


def rmse_line(scores: dict | None) -> str:
    """``"RMSE model 3.22, persistence 1.54, ..."``: each entry's RMSE, for a ``repr``."""
    if not scores:
        return "no real days to score"
    return "RMSE " + ", ".join(f"{name} {s['rmse']:.4g}" for name, s in scores.items())


def span(dates: np.ndarray) -> str:
    """``"2017-01-03 to 2017-12-29"``: the first and last of ``(days,)`` dates."""
    return f"{dates[0]} to {dates[-1]}" if len(dates) else "no days"


@dataclass(frozen=True)
class Forecast:
    """One-step forecasts for ``dates`` from true history, plus the next unseen day.

    Attributes:
        dates: ``(days,)`` the forecast days.
        actual: ``(days,)`` real prices of the target column.
        predicted: ``(days,)`` the model's forecast of each day from the days before it.
        previous: ``(days,)`` the real price the day before (persistence's forecast).
        scores: ``{"model" | baseline: {"rmse", "mae", "mape"}}``: RMSE and MAE in
            price units, MAPE in percent, for the model and the baselines on ``dates``.
        next_date: the exchange's next trading day after the last day.
        next_value: the forecast for ``next_date``.
        scored: ``(days,)`` bool, the days scored (a filled target is not).
        interval: the nominal coverage of ``lower``/``upper``, or None.
        lower, upper: ``(days + 1,)`` split-conformal bounds (the last for
            ``next_date``), or None.
        model: the file name of the model that forecast.
        exchange: whose trading calendar ``next_date`` follows (the card's, e.g. NYSE).
    """

    dates: np.ndarray
    actual: np.ndarray
    predicted: np.ndarray
    previous: np.ndarray
    scores: dict
    next_date: np.datetime64
    next_value: float
    scored: np.ndarray | None = None
    interval: float | None = None
    lower: np.ndarray | None = None
    upper: np.ndarray | None = None
    model: str = ""
    exchange: str = ""

    @property
    def coverage(self) -> float | None:
        """The share of scored days whose actual lies in ``[lower, upper]``, or None."""
        if self.lower is None:
            return None
        inside = (self.actual >= self.lower[:-1]) & (self.actual <= self.upper[:-1])
        keep = np.ones(len(inside), bool) if self.scored is None else self.scored
        return float(np.mean(inside[keep]))

    def table(self) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Dates ``(days + 1,)`` and columns ``actual``, ``forecast``, ``persistence``
        (and ``lower``, ``upper`` with an interval); the last row is the next trading
        day's forecast (its actual and persistence NaN)."""
        unknown = [np.nan]
        bounds = {} if self.lower is None else {"lower": self.lower, "upper": self.upper}
        return np.r_[self.dates, [self.next_date]], {
            "actual": np.r_[self.actual, unknown],
            "forecast": np.r_[self.predicted, [self.next_value]],
            "persistence": np.r_[self.previous, unknown], **bounds}

    def to_frame(self) -> Any:
        """``table`` as a pandas DataFrame indexed by ``Date`` (needs pandas)."""
        return date_frame(*self.table())

    def to_dict(self) -> dict:
        """Everything as ``rnnlab forecast --json`` prints it: the span, the scores, the next
        day, and day by day what ``to_frame()`` has without the next day (arrays and dates
        as they are: the CLI's JSON writer turns them into lists and strings)."""
        result = {"start": self.dates[0], "end": self.dates[-1], "days": len(self.dates),
                  "scores": self.scores,
                  "next": {"date": self.next_date, "forecast": self.next_value,
                           "exchange": self.exchange},
                  "dates": self.dates, "actual": self.actual, "forecast": self.predicted,
                  "persistence": self.previous}
        if self.interval is not None:
            result["interval"] = {"level": self.interval, "coverage": self.coverage,
                                  "lower": self.lower, "upper": self.upper}
            result["next"] |= {"lower": self.lower[-1], "upper": self.upper[-1]}
        return result

    def __repr__(self) -> str:
        return (f"Forecast({self.model}: one step ahead, {span(self.dates)}, "
                f"{len(self.dates)} days; {rmse_line(self.scores)}; next {self.next_date} "
                f"{self.next_value:.2f})")


@dataclass(frozen=True)
class Generated:
    """Generated prices: ``values (paths, steps)`` on ``dates (steps,)``.

    Attributes:
        dates: ``(steps,)`` step k's date: the real trading day where the prices the
            history came from go on past it, else the exchange's k-th trading day after
            ``start_date``.
        values: ``(paths, steps)`` prices; one path, or one per sample.
        start_date: the last day of the history.
        start_value: the target price on ``start_date``.
        mode: ``"windowed"`` or ``"stateful"``.
        sampled: whether the paths are noisy samples (``samples > 0``).
        actual: ``(scored,)`` real prices on the first ``scored`` dates (may be empty).
        scores: on those days, the paths scored as distributions beside the generating
            baselines (``rnnlab.runtime.scores.paths.compare_paths``: CRPS, coverage of the
            50% and 90% bands, pinball loss, median-path RMSE), or None.
        model: the file name of the model that generated.
    """

    dates: np.ndarray
    values: np.ndarray
    start_date: np.datetime64
    start_value: float
    mode: str
    sampled: bool = False
    actual: np.ndarray = field(default_factory=lambda: np.empty(0))
    scores: dict | None = None
    model: str = ""

    @property
    def label(self) -> str:
        """What the central line is: a sample's median, or the mean forecast's path."""
        if self.sampled:
            return f"median of {len(self.values)} sampled paths"
        return "path of the mean one-step forecast"

    @cached_property
    def median(self) -> np.ndarray:
        """``(steps,)`` the median over paths (the path itself when there is one)."""
        return np.median(self.values, axis=0)

    @cached_property
    def band(self) -> tuple[np.ndarray, np.ndarray]:
        """``(steps,)`` twice: the 5% and 95% quantiles over paths at each step."""
        low, high = np.quantile(self.values, BAND, axis=0)
        return low, high

    def table(self) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Dates and columns: ``generated`` for one path, ``median``, ``p05``, ``p95`` for
        samples, and ``actual`` (NaN past the real days) when there are real days."""
        columns = {"generated": self.median}
        if self.sampled:
            columns = {"median": self.median, "p05": self.band[0], "p95": self.band[1]}
        if len(self.actual):
            padding = np.full(len(self.dates) - len(self.actual), np.nan)
            columns["actual"] = np.r_[self.actual, padding]
        return self.dates, columns

    def to_frame(self) -> Any:
        """``table`` as a pandas DataFrame indexed by ``Date`` (needs pandas)."""
        return date_frame(*self.table())

    def to_dict(self) -> dict:
        """Everything as ``rnnlab generate --json`` prints it (arrays and dates as they are:
        the CLI's JSON writer turns them into lists and strings)."""
        result = {"mode": self.mode, "start_date": self.start_date,
                  "start_value": self.start_value, "steps": len(self.dates),
                  "samples": len(self.values) if self.sampled else 0, "scores": self.scores,
                  "dates": self.dates, "generated": self.median}
        if self.sampled:
            result |= dict(zip(("p05", "p95"), self.band))
        return result

    def __repr__(self) -> str:
        paths, steps = self.values.shape
        kind = f"{paths} sampled paths" if self.sampled else "1 path"
        return (f"Generated({self.model}: {self.mode}, {kind} x {steps} steps, "
                f"{span(self.dates)}, from {self.start_date} {self.start_value:.2f}; "
                f"{rmse_line(self.scores)})")
