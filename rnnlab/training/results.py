"""What the training verbs return besides models: test-day evaluations and backtests.

Prices and errors are in the price file's units (e.g. USD); MAPE is in percent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from rnnlab.runtime.extras import require
from rnnlab.runtime.frames import date_frame
from rnnlab.runtime.metrics import format_table
from rnnlab.runtime.paths import format_paths_table
from rnnlab.runtime.results import rmse_line, span
from rnnlab.training.backtest import markdown, overview

VIEWS = ("one_step", "generation")


def format_metrics(metrics: dict, title: str) -> str:
    """One plain-text table per view (one-step, generation) of an evaluation's metrics."""
    formats = {"one_step": format_table, "generation": format_paths_table}
    return "\n".join(
        formats[view](metrics[view], f"{title} {view.replace('_', '-')}, "
                      f"{metrics['test_start']} to {metrics['test_end']} ({metrics['days']} "
                      "days):")
        for view in VIEWS if view in metrics)


@dataclass(frozen=True)
class Evaluation:
    """A model's scores on its test days beside the baselines, and its predictions.

    Attributes:
        metrics: ``{"test_start", "test_end", "days", "one_step": table[, "generation":
            table]}``; a table maps the model and each baseline to ``rmse`` and ``mae``
            (price units) and ``mape`` (percent) on the same days.
        dates: ``(days,)`` the test days.
        actual: ``(days,)`` real prices of the target column.
        one_step: ``(days,)`` each day forecast from the true days before it.
        generation: ``(days,)`` the test period generated from the last training
            window, feeding predictions back; None for multivariate models.
    """

    metrics: dict
    dates: np.ndarray
    actual: np.ndarray
    one_step: np.ndarray
    generation: np.ndarray | None = None

    @classmethod
    def from_result(cls, result: dict) -> Evaluation:
        """From ``rnnlab.training.evaluate.evaluate``'s result dict."""
        p = result["predictions"]
        return cls(metrics={k: v for k, v in result.items() if k != "predictions"},
                   dates=np.array(p["dates"], dtype="datetime64[D]"),
                   actual=np.array(p["actual"]), one_step=np.array(p["one_step"]),
                   generation=np.array(p["generation"]) if "generation" in p else None)

    def format(self, title: str = "test") -> str:
        """The score tables as plain text."""
        return format_metrics(self.metrics, title)

    def __str__(self) -> str:
        return self.format()

    def __repr__(self) -> str:
        views = "; ".join(f"{view.replace('_', '-')} {rmse_line(self.metrics[view])}"
                          for view in VIEWS if view in self.metrics)
        return f"Evaluation({span(self.dates)}, {len(self.dates)} days; {views})"

    def to_frame(self) -> Any:
        """``actual``, ``one_step`` (and ``generation``) indexed by ``Date`` (needs pandas)."""
        columns = {"actual": self.actual, "one_step": self.one_step}
        if self.generation is not None:
            columns["generation"] = self.generation
        return date_frame(self.dates, columns)


@dataclass(frozen=True)
class Backtest:
    """A walk-forward backtest: every fold, and one summary row per ticker, preset and year.

    Attributes:
        folds: one dict per ticker, preset, test year and seed, with that fold's
            one-step scores beside the baselines on the year's test days.
        summary: one dict per ticker, preset and year: model RMSE mean and sd over
            seeds beside the baselines' RMSE, and ``ratio`` = model / persistence
            (below 1 beats tomorrow = today).
    """

    folds: list[dict]
    summary: list[dict]

    def markdown(self) -> str:
        """The summary as a Markdown table."""
        return markdown(self.summary)

    def overview(self) -> str:
        """One Markdown line per preset over all its folds: how many beat persistence."""
        return overview(self.summary)

    def __str__(self) -> str:
        return self.markdown()

    def __repr__(self) -> str:
        ratios = [row["ratio"] for row in self.summary]
        mean = f"; mean RMSE / persistence {np.mean(ratios):.3f}" if ratios else ""
        return f"Backtest({len(self.folds)} fold(s), {len(self.summary)} ticker-year(s){mean})"

    def to_frame(self) -> Any:
        """The summary as a DataFrame indexed by ticker, preset and test year (needs pandas)."""
        pandas = require("pandas", "to_frame()")
        return pandas.DataFrame(self.summary).set_index(["ticker", "preset", "year"])
